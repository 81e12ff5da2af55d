"""Writes of the search index. Modules call ``index_on_commit(kind, ids)`` from their write paths: the entries are
rewritten from the source's ``documents`` once the transaction commits (and never if it rolls back), so the index
shows what was committed. ``rebuild`` rewrites the whole index (``manage.py rebuild_search_index``)."""

import itertools
import logging
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from . import registry
from .models import SearchEntry
from .text import index_text

log = logging.getLogger(__name__)
BATCH = 500


def _entry(kind: str, doc: registry.Document) -> SearchEntry:
    return SearchEntry(
        kind=kind,
        object_id=doc.object_id,
        year=doc.year,
        title=doc.title[:300],
        body=doc.body,
        title_tokens=index_text(doc.title),
        body_tokens=index_text(doc.body),
        url=doc.url[:300],
        key=doc.key,
    )


@transaction.atomic
def index_objects(*, kind: str, ids: Iterable[int]) -> int:
    """Rewrites the entries of these objects from their source now; those it no longer gives are removed.
    Returns how many entries were written."""
    src = registry.source(kind)
    ids = sorted(set(ids))
    if src is None or not ids:
        return 0
    entries = [_entry(kind, doc) for doc in src.documents(ids)]
    SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
    SearchEntry.objects.bulk_create(entries)
    return len(entries)


def index_on_commit(kind: str, ids: Iterable[int] | Callable[[], Iterable[int]]) -> None:
    """Index these objects after the current transaction commits (at once outside one); ``ids`` may be a function
    asked then (the replies a proposal has once the action is done). Indexing after commit never fails the write
    that asked for it: an error is logged, and the rebuild command repairs the index."""
    ids = ids if callable(ids) else list(ids)

    def run():
        try:
            index_objects(kind=kind, ids=ids() if callable(ids) else ids)
        except Exception:
            log.exception("search index update failed for %s %s", kind, ids)

    transaction.on_commit(run)


def rebuild(*, kinds: Iterable[str] | None = None, log_to=None) -> dict[str, int]:
    """Empties and refills the index for these kinds (all registered by default), one kind per transaction.
    Returns the entries written per kind."""
    written: dict[str, int] = {}
    wanted = [s for s in registry.sources() if kinds is None or s.kind in set(kinds)]
    for src in wanted:
        with transaction.atomic():
            SearchEntry.objects.filter(kind=src.kind).delete()
            docs = iter(src.documents(None))
            count = 0
            while batch := list(itertools.islice(docs, BATCH)):
                SearchEntry.objects.bulk_create([_entry(src.kind, doc) for doc in batch])
                count += len(batch)
            written[src.kind] = count
        if log_to is not None:
            log_to(src.kind, count)
    if wanted:
        # Fresh statistics: with the table's old ones PostgreSQL took every entry of a kind for a handful and read
        # the whole kind index before the full-text index (300 ms of a search at 600,000 entries).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
    return written
