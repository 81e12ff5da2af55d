"""The similar-proposals index (提案查重) and its query.

Writes: ``index_on_commit(ids)`` from the proposals' write paths (the same hook as the search), ``index_proposals``
now, ``rebuild`` for all (``manage.py rebuild_similarity_index``). Each proposal keeps its shingle set
(``ProposalSketch``) and its LSH band keys (``ProposalBand``).

Read: ``similar_proposals`` turns a text into band keys, takes the proposals sharing most of them as candidates
(one indexed query), keeps those the reader may list, and ranks them by the exact score (``sketch.jaccard``)."""

import hashlib
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Q

from . import registry, sketch
from .models import ProposalBand, ProposalSketch

log = logging.getLogger(__name__)
BATCH = 500
REBUILD_BATCH = 2000
# How many of the proposals sharing band keys with the text are scored exactly, those sharing most first.
CANDIDATES = 200
MAX_LIMIT = 50


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _rows(pairs: Iterable[tuple[int, str]]) -> tuple[list[tuple], list[tuple]]:
    """The index's rows for these ``(id, text)``: ``(proposal_id, shingles, text_digest)`` and
    ``(proposal_id, band, key)``."""
    sketches, bands = [], []
    for pid, text in pairs:
        shingles = sketch.shingles(text)
        sketches.append((pid, sketch.to_bytes(shingles), _digest(text)))
        if len(shingles):
            keys = sketch.band_keys(sketch.signature(shingles))
            bands.extend((pid, b, k) for b, k in enumerate(keys))
    return sketches, bands


def _write(sketches: list[tuple], bands: list[tuple]) -> None:
    """Adds these rows (from ``_rows``) to the index: on PostgreSQL with COPY (the rebuild writes millions of band
    rows, which INSERTs take minutes over), elsewhere with ``bulk_create``."""
    if connection.vendor == "postgresql":
        _copy(ProposalSketch, ["proposal", "shingles", "text_digest"], sketches)
        _copy(ProposalBand, ["proposal", "band", "key"], bands)
    else:
        ProposalSketch.objects.bulk_create(
            ProposalSketch(proposal_id=pid, shingles=data, text_digest=digest) for pid, data, digest in sketches
        )
        ProposalBand.objects.bulk_create(
            (ProposalBand(proposal_id=pid, band=band, key=key) for pid, band, key in bands), batch_size=BATCH
        )


def _copy(model, fields: list[str], rows: Iterable[tuple]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


@transaction.atomic
def index_proposals(ids: Iterable[int]) -> int:
    """Rewrites these proposals' entries from their committed text now (a deleted one loses its entry). Returns
    how many were written."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    pairs = list(registry.source().texts(ids))
    sketches, bands = _rows(pairs)
    ProposalBand.objects.filter(proposal_id__in=ids).delete()
    ProposalSketch.objects.filter(proposal_id__in=ids).delete()
    _write(sketches, bands)
    return len(sketches)


def index_on_commit(ids: Iterable[int]) -> None:
    """Index these proposals once the current transaction commits (never if it rolls back). A failure never fails
    the write that asked for it: it is logged, and the rebuild command repairs the index."""
    ids = sorted(set(ids))

    def run():
        try:
            index_proposals(ids)
        except Exception:
            log.exception("similarity index update failed for proposals %s", ids)

    transaction.on_commit(run)


def rebuild(*, log_to=None) -> int:
    """Empties and refills the whole index in one transaction (on PostgreSQL with COPY). Returns how many
    proposals it holds."""
    count = 0
    with transaction.atomic():
        ProposalBand.objects.all().delete()
        ProposalSketch.objects.all().delete()
        pairs = iter(registry.source().texts(None))
        while batch := list(itertools.islice(pairs, REBUILD_BATCH)):
            _write(*_rows(batch))
            count += len(batch)
            if log_to is not None:
                log_to(count)
    return count


@dataclass(frozen=True)
class Match:
    id: int
    number: str
    title: str
    year: int
    score: float


def similar_proposals(*, user, title: str, text: str, limit: int = 10, exclude: int | None = None) -> list[Match]:
    """The proposals ``user`` may list (never a draft, never ``exclude``) most similar to this title and text:
    score (Jaccard of the shingle sets, 0–1) at least ``sketch.MIN_SCORE``, best first, at most ``limit``."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    shingles = sketch.shingles(sketch.proposal_text(title, text))
    if not len(shingles):
        return []
    keys = sketch.band_keys(sketch.signature(shingles))
    match = Q()
    for band, key in enumerate(keys):
        match |= Q(band=band, key=key)
    candidates = list(
        ProposalBand.objects.filter(match)
        .values("proposal_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "-proposal_id")
        .values_list("proposal_id", flat=True)[:CANDIDATES]
    )
    if not candidates:
        return []
    rows = {r["id"]: r for r in registry.source().listable(user, candidates, exclude)}
    if not rows:
        return []
    scored = []
    for pid, data in ProposalSketch.objects.filter(proposal_id__in=list(rows)).values_list("proposal_id", "shingles"):
        score = sketch.jaccard(shingles, sketch.from_bytes(data))
        if score >= sketch.MIN_SCORE:
            scored.append((score, pid))
    scored.sort(key=lambda s: (-s[0], -rows[s[1]]["year"], s[1]))
    return [
        Match(id=pid, number=rows[pid]["number"], title=rows[pid]["title"], year=rows[pid]["year"], score=score)
        for score, pid in scored[:limit]
    ]
