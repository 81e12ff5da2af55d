"""The search: entries matching every word of the query, that the reader may see, best first.

Matching and ranking are the database's full-text index over the segmented tokens (``search.text``):

* SQLite: the FTS5 table ``search_fts`` joined by rowid, ``MATCH`` with each word as a quoted phrase (so ``"``,
  ``*``, ``NEAR``, ``-`` or ``(`` in a query are text, never query syntax), ranked by ``bm25`` with the title
  weighing ten times the body.
* PostgreSQL: the generated ``document`` tsvector (GIN), ``@@`` the words' ``phraseto_tsquery('simple', …)``
  joined with ``&&``, ranked by ``ts_rank`` (title weight A, body B).

Both receive the words as bound parameters. Who may see what is each source's ``visible_ids(user)`` (the lists'
selector), asked of each match as a correlated subquery."""

from django.db import connection
from django.db.models import BooleanField, Exists, FloatField, Max, Min, OuterRef, Q, QuerySet
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


def search_entries(*, user, query: str, kind: str = "", year: int | None = None) -> QuerySet[SearchEntry]:
    """The entries ``user`` may see that hold every word of ``query``, best first; none for a query without
    words (empty, or punctuation only) or an unknown kind."""
    words = query_words(query or "")
    if not words or user is None or not user.is_authenticated:
        return SearchEntry.objects.none()
    wanted = registry.sources()
    if kind:
        wanted = [s for s in wanted if s.kind == kind]
    if not wanted:
        return SearchEntry.objects.none()
    # Each entry the words match is checked against its source's visible set (a correlated EXISTS): the index
    # narrows first, so the visibility rule is asked of the matches only, not of every object the reader sees.
    visible = Q()
    for src in wanted:
        visible |= Q(kind=src.kind) & Exists(src.visible_ids(user).filter(pk=OuterRef("object_id")))
    qs = _matching(words).filter(visible)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.only("kind", "object_id", "year", "title", "body", "url")


def search_years(*, user) -> list[int]:
    """The years a search may be narrowed to: from the newest entry's year back to the oldest one's."""
    span = SearchEntry.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return []
    return list(range(span["last"], span["first"] - 1, -1))
