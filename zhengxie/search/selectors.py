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
counting all of them cost seconds, and nobody pages past the first hundred results. The newest are picked year by
year, kind by kind (``_newest_visible``), so a common word's matches are read and checked a year's worth at a time,
not all of them."""

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    SmallIntegerField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from . import registry
from .models import SearchEntry
from .text import query_words


def _fts5_query(words: tuple[str, ...]) -> str:
    # Each word a phrase in double quotes (a quote inside doubled): FTS5 reads no operator in it.
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def _matching(words: tuple[str, ...]) -> QuerySet[SearchEntry]:
    """Every entry holding ``words``, best first (unbounded: the benchmark's recall reads it)."""
    if connection.vendor == "postgresql":
        return _ranked(_matching_filter(SearchEntry.objects.all(), words), words)
    return _ranked(SearchEntry.objects.all(), words)


def _ranked(qs: QuerySet[SearchEntry], words: tuple[str, ...]) -> QuerySet[SearchEntry]:
    """``qs`` ranked for ``words``, best first. On PostgreSQL ``qs`` holds only matches already: ``ts_rank`` reads
    each one's tsvector once, where a second ``@@`` would read (and decompress) it again. On SQLite ``bm25`` is only
    known for what the FTS5 ``MATCH`` finds, so the match is made here."""
    if connection.vendor == "postgresql":
        tsquery = " && ".join(["phraseto_tsquery('simple', %s)"] * len(words))
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


CANDIDATES = 500

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
    matches = _matching_filter(SearchEntry.objects.all(), words)
    if year is not None:
        matches = matches.filter(year=year)
    rows = []
    for src in wanted:
        # Once ``limit + 1`` rows are in, the kinds after need look no further back than the oldest of those.
        newest = sorted(rows, key=_newest_first)[: limit + 1]
        floor = newest[-1][0] if len(newest) > limit else None
        rows += _newest_visible(src, user, matches, limit + 1, floor)
    # One more than the bound tells whether the bound was reached. The ids are read here (not a subquery): the
    # matching SQL names its tables as they are in a top-level query.
    rows.sort(key=_newest_first)
    ids = [r[2] for r in rows[: limit + 1]]
    capped = len(ids) > limit
    ids = ids[:limit]
    entries = (
        _ranked(SearchEntry.objects.filter(pk__in=ids), words).only(*FIELDS) if ids else SearchEntry.objects.none()
    )
    return Found(entries, len(ids), capped)


def _newest_first(row: tuple) -> tuple:
    """The sort key of a (year, object id, entry id) row, newest first (those without a year last)."""
    return (row[0] is None, -(row[0] or 0), -row[1])


def _newest_visible(
    src: registry.Source, user, matches: QuerySet[SearchEntry], wanted: int, floor: int | None
) -> list[tuple]:
    """The newest ``wanted`` of ``matches`` of ``src``'s kind that ``user`` may see, as (year, object id, entry id)
    rows, newest first; none older than the year ``floor`` if one is given.

    Each match is checked against the source's visible set (a correlated EXISTS): the index narrows first, so the
    visibility rule is asked of the matches only, not of every object the reader sees. One query per kind, each
    with its own rule alone (no ``OR`` across kinds, which makes the planner build each rule's whole visible set
    first). A source whose visibility follows a key (a reply's proposal) first keeps the matches with a key the
    reader may see, if it names them: few rows by the key's index rather than every match read and checked.

    The full-text index gives the matches unordered, and to sort them each one's row is read and its visibility
    checked: for a common word, tens of thousands. So they are taken year by year: the newest year first (in slices
    of object ids, ``_newest_of_year``, unless the keys narrow it already); if that gave too few, as many older
    years as the newest one's share says are needed; then, if still too few, all the older ones (and those without
    a year)."""
    keys = src.visible_keys(user) if src.visible_keys is not None else None
    if keys is not None and not keys:
        return []
    of_kind = SearchEntry.objects.filter(kind=src.kind)
    span = of_kind.aggregate(  # four index reads
        newest=Max("year"), oldest=Min("year"), first=Min("object_id"), last=Max("object_id")
    )
    if span["last"] is None:
        return []
    matches = matches.filter(kind=src.kind)
    if keys is not None:
        matches = matches.filter(key__in=keys)
    visible = Exists(src.visible_ids(user).filter(pk=OuterRef("object_id")))
    newest_first = matches.filter(visible).order_by(F("year").desc(nulls_last=True), "-object_id")
    newest_first = newest_first.values_list("year", "object_id", "pk")
    newest = span["newest"]
    if newest is None:  # no entry of the kind has a year
        return [] if floor is not None else list(newest_first[:wanted])
    if floor is not None and floor > newest:
        return []
    lowest = span["oldest"] if floor is None else max(span["oldest"], floor)
    of_year = newest_first.filter(year__in=_years(newest, newest))
    if keys is None:
        rows = _newest_of_year(of_year, wanted, span["first"], span["last"])
    else:  # the keys' index narrows already; slices would each repeat their list
        rows = list(of_year[:wanted])
    older = newest
    if rows and len(rows) < wanted:
        older = max(newest - math.ceil((wanted - len(rows)) / len(rows)), lowest)
        rows += newest_first.filter(year__in=_years(newest - 1, older))[: wanted - len(rows)]
    if len(rows) < wanted:
        rest = Q(year__in=_years(older - 1, lowest)) if older > lowest else Q(pk__in=[])
        if floor is None:
            rest |= Q(year__isnull=True)
        rows += newest_first.filter(rest)[: wanted - len(rows)]
    return rows


SLICE = 8  # the first slice of a year spans this many object ids per row wanted
WIDER = 32  # a second slice at most this many times as wide as the ids read; past that, the rest of the year at once


def _newest_of_year(newest_first: QuerySet, wanted: int, first: int, last: int) -> list[tuple]:
    """The newest ``wanted`` rows of ``newest_first`` (one year's matches, newest first), read in slices of object
    ids from the kind's ``last`` id down, so a common word's year (11,000 of 30,000 proposals at province size) is
    read a few hundred rows at a time, where sorting it by id read every match.

    A first slice of ``SLICE`` ids per row wanted; if it held too few, a second one as wide as the first one's share
    of matches says is needed (and half again), unless that is more than ``WIDER`` times the ids read: the word is
    then rare in the year, and the rest of the year's matches are read at once and sorted here. On PostgreSQL a
    slice walks the (kind, year, object_id) index backwards and stops at the bound, while the rest is found by the
    GIN index: asked for in order, the planner walked the index through the whole year for a word's few hundred
    matches (migration 0005)."""
    rows: list[tuple] = []
    top, width = last, max(wanted * SLICE, 1)
    for _ in range(2):
        bottom = top - width + 1
        rows += newest_first.filter(object_id__range=(bottom, top))[: wanted - len(rows)]
        if len(rows) >= wanted or bottom <= first:
            return rows
        read = last - bottom + 1
        wider = math.ceil(read * (wanted - len(rows)) / len(rows) * 1.5) if rows else read * WIDER + 1
        if wider > read * WIDER:
            break
        top, width = bottom - 1, wider
    rest = sorted(newest_first.filter(object_id__lte=bottom - 1).order_by(), key=_newest_first)
    return rows + rest[: wanted - len(rows)]


def _years(newest: int, oldest: int) -> list:
    """The years from ``newest`` down to ``oldest``, each as the value an ``IN`` compares ``year`` with.

    Years are named one by one, never as a range: on PostgreSQL the GIN index over (kind, year, document)
    (migration 0004, ``btree_gin``) then finds one kind's matches of those years from the word's and each year's
    entries alone, where a range makes it collect every entry of the years first, and the year index's bitmap
    costs as much. ``btree_gin`` compares a smallint only with a smallint, so each year is cast to the column's type
    there (a plain integer parameter would leave the index unused for the year)."""
    years = range(newest, oldest - 1, -1)
    if connection.vendor == "postgresql":
        return [Cast(Value(year), SmallIntegerField()) for year in years]
    return list(years)


def search_entries(*, user, query: str, kind: str = "", year: int | None = None) -> QuerySet[SearchEntry]:
    """``search(…).entries``: the (bounded) results, best first."""
    return search(user=user, query=query, kind=kind, year=year).entries


def search_years(*, user) -> list[int]:
    """The years a search may be narrowed to: from the newest entry's year back to the oldest one's."""
    span = SearchEntry.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return []
    return list(range(span["last"], span["first"] - 1, -1))
