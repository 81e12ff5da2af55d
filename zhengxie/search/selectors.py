"""The search: entries matching every word of the query, that the reader may see, best first.

Matching and ranking are the database's full-text index over the segmented tokens (``search.text``):

* SQLite: the FTS5 table ``search_fts`` joined by rowid, ``MATCH`` with each word as a quoted phrase (so ``"``,
  ``*``, ``NEAR``, ``-`` or ``(`` in a query are text, never query syntax), ranked by ``bm25`` with the title
  weighing ten times the body.
* PostgreSQL: the generated ``document`` tsvector (GIN), ``@@`` the words' ``phraseto_tsquery('simple', …)``
  joined with ``&&``, ranked by ``ts_rank`` (title weight A, body B).

Both receive the words as bound parameters. Who may see what is each source's ``visible_ids(user)`` (the lists'
selector), asked of each match as a correlated subquery.

Only a bounded number of candidates is ranked and counted: the newest ``CANDIDATES`` visible matches (by year, then
object id: no rank needs computing to pick them); a query matching more says so (``Found.capped``), its count then
being a lower bound. A common word in a province's ten years matches tens of thousands of entries; ranking and
counting all of them cost seconds, and nobody pages past the first hundred results."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, F, FloatField, Max, Min, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from . import registry
from .models import SearchEntry
from .text import query_words


def _fts5_query(words: tuple[str, ...]) -> str:
    # Each word a phrase in double quotes (a quote inside doubled): FTS5 reads no operator in it.
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def _matching(words: tuple[str, ...]) -> QuerySet[SearchEntry]:
    qs = SearchEntry.objects.all()
    if connection.vendor == "postgresql":
        tsquery = " && ".join(["phraseto_tsquery('simple', %s)"] * len(words))
        qs = qs.filter(
            RawSQL(f'"search_searchentry"."document" @@ ({tsquery})', list(words), output_field=BooleanField())
        )
        return qs.annotate(
            rank=RawSQL(f'ts_rank("search_searchentry"."document", {tsquery})', list(words), output_field=FloatField())
        ).order_by("-rank", "-year", "-object_id")
    # SQLite: the FTS5 table is the join's first use of its name, so it is addressed as "search_fts".
    qs = qs.filter(fts__isnull=False).filter(
        RawSQL('"search_fts" MATCH %s', [_fts5_query(words)], output_field=BooleanField())
    )
    # bm25 is lower for a better match.
    return qs.annotate(rank=RawSQL('bm25("search_fts", 10.0, 1.0)', [], output_field=FloatField())).order_by(
        "rank", "-year", "-object_id"
    )


CANDIDATES = 2000

FIELDS = ("kind", "object_id", "year", "title", "body", "url")


@dataclass(frozen=True)
class Found:
    """A search's results: ``entries`` best first (at most ``CANDIDATES``), ``count`` of them, and whether more
    entries matched than were ranked (``capped``: ``count`` is then a lower bound)."""

    entries: QuerySet
    count: int
    capped: bool


def _matching_filter(qs: QuerySet[SearchEntry], words: tuple[str, ...]) -> QuerySet[SearchEntry]:
    """``qs`` narrowed to the entries holding every word, without a rank."""
    if connection.vendor == "postgresql":
        tsquery = " && ".join(["phraseto_tsquery('simple', %s)"] * len(words))
        return qs.filter(
            RawSQL(f'"search_searchentry"."document" @@ ({tsquery})', list(words), output_field=BooleanField())
        )
    return qs.filter(fts__isnull=False).filter(
        RawSQL('"search_fts" MATCH %s', [_fts5_query(words)], output_field=BooleanField())
    )


def search(*, user, query: str, kind: str = "", year: int | None = None, limit: int | None = None) -> Found:
    """The entries ``user`` may see that hold every word of ``query``: the newest ``limit`` (``CANDIDATES`` by
    default) of them, best first; none for a query without words (empty, or punctuation only) or an unknown kind."""
    limit = CANDIDATES if limit is None else limit
    words = query_words(query or "")
    if not words or user is None or not user.is_authenticated:
        return Found(SearchEntry.objects.none(), 0, False)
    wanted = registry.sources()
    if kind:
        wanted = [s for s in wanted if s.kind == kind]
    if not wanted:
        return Found(SearchEntry.objects.none(), 0, False)
    # Each entry the words match is checked against its source's visible set (a correlated EXISTS): the index
    # narrows first, so the visibility rule is asked of the matches only, not of every object the reader sees.
    # One query per kind, each with its own rule alone (no ``OR`` across kinds, which makes the planner build each
    # rule's whole visible set first); the newest of each kind are merged here.
    matches = _matching_filter(SearchEntry.objects.all(), words)
    if year is not None:
        matches = matches.filter(year=year)
    newest_first = (F("year").desc(nulls_last=True), "-object_id")
    rows = []
    for src in wanted:
        visible = Exists(src.visible_ids(user).filter(pk=OuterRef("object_id")))
        rows += (
            matches.filter(visible, kind=src.kind)
            .order_by(*newest_first)
            .values_list("year", "object_id", "pk")[: limit + 1]
        )
    # One more than the bound tells whether the bound was reached. The ids are read here (not a subquery): the
    # matching SQL names its tables as they are in a top-level query.
    rows.sort(key=lambda r: (r[0] is not None, r[0] or 0, r[1]), reverse=True)
    ids = [r[2] for r in rows[: limit + 1]]
    capped = len(ids) > limit
    ids = ids[:limit]
    entries = _matching(words).filter(pk__in=ids).only(*FIELDS) if ids else SearchEntry.objects.none()
    return Found(entries, len(ids), capped)


def search_entries(*, user, query: str, kind: str = "", year: int | None = None) -> QuerySet[SearchEntry]:
    """``search(…).entries``: the (bounded) results, best first."""
    return search(user=user, query=query, kind=kind, year=year).entries


def search_years(*, user) -> list[int]:
    """The years a search may be narrowed to: from the newest entry's year back to the oldest one's."""
    span = SearchEntry.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return []
    return list(range(span["last"], span["first"] - 1, -1))
