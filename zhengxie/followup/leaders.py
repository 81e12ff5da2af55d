"""The leaders' follow-up overview (成果转化总览): every recommendation of a year, from every source, with where it
stands — one read model for the page (``views_leaders``), its API (``api_leaders``), the workbook and the report
(``reports``).

Reads start from the one restricted queryset of the follow-up, ``selectors.visible_recommendations(user)`` (the
secretariat and the leaders see every recommendation; an overseer those of key proposals' supervision), narrowed by
the filters. A page is a fixed handful of statements whatever the number of recommendations: the years on record,
the figures (one pass grouped by source, state, department and staleness, from which every count, chart and the
overall progress are summed here), the departments named, and the page's rows with their documents and
departments joined.
"""

import datetime
import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import BooleanField, Case, Count, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.params import db_int
from zhengxie.people.models import HandlingUnit

from .actions import document_url
from .actions import rec_url as recommendation_url
from .choices import OPEN_STATES, DocumentKind, RecommendationState, Source
from .models import Instruction, OutcomeDocument, Recommendation, RecommendationUpdate
from .progress import weighted
from .selectors import SEE_ALL, stale_cutoff, stale_q, stale_working_days, visible_recommendations

PAGE_SIZE = 50
UNITS_CHARTED = 20  # the chart of departments shows the busiest; the table below it lists them all
TOPIC_MAX = 100
_COUNTED = ~Q(state=RecommendationState.NOT_ADOPTED)  # as progress.py: a not-adopted one counts in no progress
ANSWERED_STATES = frozenset(set(RecommendationState) - {RecommendationState.NOT_ANSWERED})
ADOPTED_OR_LATER = frozenset(
    {
        RecommendationState.PARTLY_ADOPTED,
        RecommendationState.ADOPTED,
        RecommendationState.IN_PROGRESS,
        RecommendationState.DONE,
    }
)


# Filters -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the overview shows: a year, and optionally one source, department, topic (words of the source's or the
    document's title), state, or only the stale ones."""

    year: int
    source: str = ""
    unit_id: int | None = None
    topic: str = ""
    state: str = ""
    stale: bool = False

    def params(self, **changes) -> dict[str, str]:
        """The filters as query parameters (those set), with ``changes`` applied: for links and downloads."""
        f = replace(self, **changes)
        out = {"year": str(f.year)}
        if f.source:
            out["source"] = f.source
        if f.unit_id:
            out["unit"] = str(f.unit_id)
        if f.topic:
            out["topic"] = f.topic
        if f.state:
            out["state"] = f.state
        if f.stale:
            out["stale"] = "1"
        return out

    def query(self, **changes) -> str:
        return urlencode(self.params(**changes))

    @property
    def narrowed(self) -> bool:
        return bool(self.source or self.unit_id or self.topic or self.state or self.stale)


def clean_topic(text) -> str:
    """The topic's words as searched: control characters left out (PostgreSQL refuses a NUL in any text), at most
    ``TOPIC_MAX`` characters."""
    return "".join(ch for ch in str(text or "") if ch >= " " or ch == "\t").strip()[:TOPIC_MAX]


def filters_from(params: Mapping, *, today: datetime.date | None = None) -> Filters:
    """The filters of a page's query string (``year``, ``source``, ``unit``, ``topic``, ``state``, ``stale``): a value
    that is no valid choice is left out, as if not given; the year defaults to this year."""
    today = today or timezone.localdate()
    year = db_int(params.get("year"))
    if year is None or not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        year = today.year
    source = params.get("source") or ""
    state = params.get("state") or ""
    unit_id = db_int(params.get("unit"))
    return Filters(
        year=year,
        source=source if source in Source.values else "",
        unit_id=unit_id if unit_id and unit_id > 0 else None,
        topic=clean_topic(params.get("topic")),
        state=state if state in RecommendationState.values else "",
        stale=params.get("stale") in ("1", "true", "on"),
    )


def overview_queryset(*, user, filters: Filters, cutoff: datetime.datetime) -> QuerySet[Recommendation]:
    """The recommendations the reader may see that the filters select, unordered."""
    qs = visible_recommendations(user).filter(year=filters.year)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.stale:
        qs = qs.filter(stale_q(cutoff))
    if filters.topic:
        qs = qs.filter(Q(document__source_title__icontains=filters.topic) | Q(document__title__icontains=filters.topic))
    return qs.order_by()


# The read model ----------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """The recommendations of one state, source or department: how many, how many stale, their progress."""

    key: str
    label: str
    count: int = 0
    stale: int = 0
    answered: int = 0
    adopted: int = 0  # adopted in whole or part, carried out or being carried out
    not_adopted: int = 0
    done: int = 0
    points: int = 0
    weights: int = 0
    # The overview narrowed to it: the base URL, the filters and the one that changes. Made when asked (a province's
    # year names thousands of departments, and the page links only the busiest).
    link: tuple = ()

    @property
    def progress(self) -> Decimal | None:
        return weighted(self.points, self.weights)

    @property
    def url(self) -> str:
        if not self.link:
            return ""
        base, filters, changes = self.link
        return f"{base}?{filters.query(**changes)}"

    def add(self, sums: list[int]) -> None:
        """Add the sums of ``_FIELDS``, in their order."""
        for name, value in zip(_FIELDS, sums, strict=True):
            setattr(self, name, getattr(self, name) + value)


_FIELDS = ("count", "stale", "answered", "adopted", "not_adopted", "done", "points", "weights")


@dataclass(frozen=True)
class Row:
    """One recommendation as the overview lists it."""

    id: int
    year: int
    position: int
    text: str
    source: str
    source_label: str
    topic: str  # the source's title (the consultation's, the supervision topic's …)
    topic_url: str
    document_id: int
    document_title: str
    document_kind: str
    document_kind_label: str
    document_url: str
    document_progress: Decimal | None
    document_sent_on: datetime.date | None
    unit_id: int
    unit_name: str
    state: str
    state_label: str
    percent: int
    weight: int
    due_date: datetime.date | None
    last_update_at: datetime.datetime
    stale: bool
    url: str


@dataclass
class Overview:
    """The leaders' overview of one year under the filters: the figures, the page's rows and the choices offered."""

    filters: Filters
    as_of: datetime.date
    stale_days: int
    total: Tally
    by_state: list[Tally]
    by_source: list[Tally]
    unit_sums: list[tuple]  # ``unit_figures``' rows, made into ``by_unit`` when it is read
    rows: list[Row]
    page: int
    pages: int
    page_size: int
    years: list[int]
    units: list[tuple[int, str]]  # the departments holding recommendations in the year: the filter's choices
    url: str = ""
    extra: dict = field(default_factory=dict)
    # The figures' ``shared_scope``: the same for every reader who sees every recommendation, until the data or the
    # day change (empty for a reader who sees fewer). The page keeps what it renders of the figures under it.
    shared_scope: str = ""

    @cached_property
    def by_unit(self) -> list[Tally]:
        """The departments' tallies, most recommendations first: thousands in a province's year, so made only when
        read (the page reads them only to render what it does not find kept)."""
        return unit_tallies(self.unit_sums, dict(self.units), self.filters, self.url)

    @property
    def count(self) -> int:
        return self.total.count

    @property
    def progress(self) -> Decimal | None:
        return self.total.progress

    @property
    def stale(self) -> int:
        return self.total.stale

    def chart_data(self) -> dict:
        """The charts' points, each with the URL of the overview narrowed to it (clicking a slice filters)."""

        def points(tallies):
            return [{"name": t.label, "value": t.count, "url": t.url} for t in tallies if t.count]

        units = [(t, t.url) for t in self.by_unit[:UNITS_CHARTED]]
        return {
            "state": points(self.by_state),
            "source": points(self.by_source),
            "units": {
                "names": [t.label for t, _url in units],
                "series": [
                    {"name": _("建议"), "data": [{"value": t.count, "url": url} for t, url in units]},
                    {"name": _("已落实"), "data": [{"value": t.done, "url": url} for t, url in units]},
                    {"name": _("滞后"), "data": [{"value": t.stale, "url": url} for t, url in units]},
                ],
            },
        }


def overview_url() -> str:
    return reverse("followup:leaders")


def _stale_flag(cutoff: datetime.datetime) -> Case:
    return Case(When(stale_q(cutoff), then=Value(True)), default=Value(False), output_field=BooleanField())


def figures(qs: QuerySet[Recommendation], cutoff: datetime.datetime) -> list[dict]:
    """One grouped pass over ``qs``: per source, state and staleness, the count and the weighted sums of progress
    (not-adopted ones left out, as ``progress.py`` counts)."""
    return list(
        qs.annotate(is_stale=_stale_flag(cutoff))
        .values("source", "state", "is_stale")
        .annotate(
            n=Count("id"),
            points=Sum(F("weight") * F("percent"), filter=_COUNTED),
            weights=Sum("weight", filter=_COUNTED),
        )
        .order_by()
        .values_list("source", "state", "is_stale", "n", "points", "weights")
    )


def unit_figures(qs: QuerySet[Recommendation], cutoff: datetime.datetime) -> list[tuple]:
    """One grouped pass per department, its figures counted by the database (``_FIELDS`` after the unit's id): a
    province's year holds thousands of departments."""
    R = RecommendationState
    return list(
        qs.values("unit_id")
        .annotate(
            count=Count("id"),
            stale=Count("id", filter=stale_q(cutoff)),
            answered=Count("id", filter=~Q(state=R.NOT_ANSWERED)),
            adopted=Count("id", filter=Q(state__in=ADOPTED_OR_LATER)),
            not_adopted=Count("id", filter=Q(state=R.NOT_ADOPTED)),
            done=Count("id", filter=Q(state=R.DONE)),
            points=Sum(F("weight") * F("percent"), filter=_COUNTED),
            weights=Sum("weight", filter=_COUNTED),
        )
        .order_by()
        .values_list("unit_id", *_FIELDS)
    )


def tallies(groups: list[tuple], filters: Filters, base_url: str):
    """The total and the tallies by state and source, summed from the grouped pass."""
    answered = {str(s) for s in ANSWERED_STATES}
    adopted = {str(s) for s in ADOPTED_OR_LATER}
    not_adopted, done = str(RecommendationState.NOT_ADOPTED), str(RecommendationState.DONE)
    states = {value: Tally(value, str(label)) for value, label in RecommendationState.choices}
    sources = {value: Tally(value, str(label)) for value, label in Source.choices}
    total = Tally("", _("合计"))
    for source, state, is_stale, n, points, weights in groups:
        part = [
            n,
            n if is_stale else 0,
            n if state in answered else 0,
            n if state in adopted else 0,
            n if state == not_adopted else 0,
            n if state == done else 0,
            points or 0,
            weights or 0,
        ]
        total.add(part)
        if state in states:
            states[state].add(part)
        if source in sources:
            sources[source].add(part)
    for t in states.values():
        t.link = (base_url, filters, {"state": t.key})
    for t in sources.values():
        t.link = (base_url, filters, {"source": t.key})
    return total, list(states.values()), list(sources.values())


def unit_tallies(by_unit: list[tuple], unit_names: dict[int, str], filters: Filters, base_url: str) -> list[Tally]:
    """The departments' tallies, most recommendations first. A province's year names thousands of departments: each
    tally is made at once from its row of ``unit_figures`` (the unit's id, then ``_FIELDS`` in order)."""
    units = [
        Tally(
            key=str(unit_id),
            label=unit_names.get(unit_id, ""),
            count=count,
            stale=stale,
            answered=answered,
            adopted=adopted,
            not_adopted=not_adopted,
            done=done,
            points=points or 0,
            weights=weights or 0,
            link=(base_url, filters, {"unit_id": unit_id}),
        )
        for unit_id, count, stale, answered, adopted, not_adopted, done, points, weights in by_unit
    ]
    units.sort(key=lambda t: (-t.count, t.label, t.key))
    return units


def year_range(user, today: datetime.date) -> list[int]:
    bounds = visible_recommendations(user).aggregate(first=Min("year"), last=Max("year"))
    first = min(bounds["first"] or today.year, today.year)
    last = max(bounds["last"] or today.year, today.year)
    return list(range(last, first - 1, -1))


def year_units(user, year: int) -> list[tuple[int, str]]:
    """The departments holding recommendations of the year that the reader sees (the filter's choices, and the
    names of the tallies)."""
    rows = HandlingUnit.objects.filter(pk__in=visible_recommendations(user).filter(year=year).values("unit_id"))
    return [(pk, short or name) for pk, name, short in rows.order_by("name").values_list("pk", "name", "short_name")]


@dataclass(frozen=True)
class YearSums:
    """What the overview's figures are summed from: the grouped passes (``figures``, ``unit_figures``), the
    departments named (``year_units``) and the years on record (``year_range``) — plain tuples, cheap to cache."""

    groups: list[tuple]
    by_unit: list[tuple]
    units: list[tuple[int, str]]
    years: list[int]


def year_sums(*, user, filters: Filters, cutoff: datetime.datetime, today: datetime.date) -> YearSums:
    qs = overview_queryset(user=user, filters=filters, cutoff=cutoff)
    return YearSums(
        groups=figures(qs, cutoff),
        by_unit=unit_figures(qs, cutoff),
        units=year_units(user, filters.year),
        years=year_range(user, today),
    )


CACHE_SECONDS = 600


def data_stamp() -> str:
    """What the figures are read from, in a few index-sized reads, so that any change shows as a new stamp: every
    change of a recommendation (its creation, answer, progress) writes a timeline entry (``RecommendationUpdate``:
    the newest one's id and time, as ids may repeat after a rollback); the newest recommendation's id (one written
    without the workflow, as the benchmark's data); the documents (sent, added or removed: their number and latest
    change) and the departments (renamed: their number and latest change)."""
    last = RecommendationUpdate.objects.order_by("-id").values_list("id", "at").first()
    newest = Recommendation.objects.order_by("-id").values_list("id", flat=True).first()
    documents = OutcomeDocument.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    units = HandlingUnit.objects.aggregate(n=Count("id"), at=Max("updated_at"))

    def moment(at) -> str:
        return f"{at.timestamp()}" if at else "-"

    return ".".join(
        [
            f"{last[0]}:{moment(last[1])}" if last else "0",
            str(newest or 0),
            f"{documents['n']}:{moment(documents['at'])}",
            f"{units['n']}:{moment(units['at'])}",
        ]
    )


def shared_scope(*, user, filters: Filters, cutoff: datetime.datetime, today: datetime.date) -> str:
    """What the year's figures under the filters are for a reader who sees every recommendation (the secretariat,
    the leaders): the same for all of them until the data change (``data_stamp``) or the day does (the stale
    cutoff follows the working-day calendar and the set number of days; the years on record run to this year).
    Empty for a reader who sees fewer (an overseer): their figures are their own."""
    if not roles_of(user) & SEE_ALL:
        return ""
    days = stale_working_days()
    stamp = f"{filters.query()}|{today.isoformat()}|{cutoff.isoformat()}|{days}|{data_stamp()}"
    return hashlib.sha256(stamp.encode()).hexdigest()


def shared_year_sums(
    *, user, filters: Filters, cutoff: datetime.datetime, today: datetime.date, scope: str
) -> YearSums:
    """The year's sums under the filters: computed once per ``scope`` (``shared_scope``) and shared through the
    cache; computed for each read when there is no scope."""
    if not scope:
        return year_sums(user=user, filters=filters, cutoff=cutoff, today=today)
    key = f"zhengxie:followup:overview:v1:{scope}"
    sums = cache.get(key)
    if sums is None:
        sums = year_sums(user=user, filters=filters, cutoff=cutoff, today=today)
        cache.set(key, sums, CACHE_SECONDS)
    return sums


ROW_FIELDS = (
    "id",
    "year",
    "position",
    "text",
    "source",
    "state",
    "percent",
    "weight",
    "due_date",
    "last_update_at",
    "unit_id",
    "document_id",
    "unit__name",
    "unit__short_name",
    "document__title",
    "document__kind",
    "document__source_title",
    "document__source_url",
    "document__progress",
    "document__sent_on",
)


def row_queryset(qs: QuerySet[Recommendation]) -> QuerySet:
    """The rows as listed, as plain tuples of ``ROW_FIELDS`` (a province's year is thousands of rows for the
    workbook and the report: no model instances are built): newest documents first, each document's
    recommendations in their order."""
    return qs.order_by("-document_id", "position", "id").values_list(*ROW_FIELDS)


def _url_maker(make: Callable[[int], str]) -> Callable[[int], str]:
    """``make(pk)`` for many pks from one ``reverse``: the URL around a placeholder id."""
    marker = 987654321
    before, _sep, after = make(marker).partition(str(marker))
    return lambda pk: f"{before}{pk}{after}"


def make_rows(tuples, cutoff: datetime.datetime) -> list[Row]:
    source_labels = {k: str(v) for k, v in Source.choices}
    state_labels = {k: str(v) for k, v in RecommendationState.choices}
    kind_labels = {k: str(v) for k, v in DocumentKind.choices}
    doc_url, rec_url = _url_maker(document_url), _url_maker(recommendation_url)
    out = []
    for (
        pk,
        year,
        position,
        text,
        source,
        state,
        percent,
        weight,
        due_date,
        last_update_at,
        unit_id,
        document_id,
        unit_name,
        unit_short_name,
        title,
        kind,
        source_title,
        source_url,
        progress,
        sent_on,
    ) in tuples:
        out.append(
            Row(
                id=pk,
                year=year,
                position=position,
                text=text,
                source=source,
                source_label=source_labels.get(source, ""),
                topic=source_title,
                topic_url=source_url,
                document_id=document_id,
                document_title=title,
                document_kind=kind,
                document_kind_label=kind_labels.get(kind, ""),
                document_url=doc_url(document_id),
                document_progress=progress,
                document_sent_on=sent_on,
                unit_id=unit_id,
                unit_name=unit_short_name or unit_name,
                state=state,
                state_label=state_labels.get(state, ""),
                percent=percent,
                weight=weight,
                due_date=due_date,
                last_update_at=last_update_at,
                stale=state in OPEN_STATES and last_update_at < cutoff,
                url=rec_url(pk),
            )
        )
    return out


def leaders_overview(
    *,
    user,
    filters: Filters,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    today: datetime.date | None = None,
    with_rows: bool = True,
) -> Overview:
    """The overview the page and the API show (``page`` is clamped to the pages there are); ``with_rows=False``:
    the figures alone."""
    today = today or timezone.localdate()
    cutoff = stale_cutoff(today)
    base_url = overview_url()
    qs = overview_queryset(user=user, filters=filters, cutoff=cutoff)
    scope = shared_scope(user=user, filters=filters, cutoff=cutoff, today=today)
    sums = shared_year_sums(user=user, filters=filters, cutoff=cutoff, today=today, scope=scope)
    units = sums.units
    total, by_state, by_source = tallies(sums.groups, filters, base_url)
    pages = max(1, math.ceil(total.count / page_size))
    page = min(max(1, page), pages)
    offset = (page - 1) * page_size
    rows = make_rows(row_queryset(qs)[offset : offset + page_size], cutoff) if total.count and with_rows else []
    return Overview(
        filters=filters,
        as_of=today,
        stale_days=stale_working_days(),
        total=total,
        by_state=by_state,
        by_source=by_source,
        unit_sums=sums.by_unit,
        rows=rows,
        page=page,
        pages=pages,
        page_size=page_size,
        years=sums.years,
        units=units,
        url=base_url,
        shared_scope=scope,
    )


def export_rows(*, user, filters: Filters, today: datetime.date | None = None):
    """Every row under the filters (all pages), for the workbook; read in chunks, so a province's year streams."""
    cutoff = stale_cutoff(today or timezone.localdate())
    qs = overview_queryset(user=user, filters=filters, cutoff=cutoff)
    return make_rows(row_queryset(qs).iterator(chunk_size=2000), cutoff)


# The report's read: every document of the year under the filters, with its recommendations ------------------------


@dataclass
class ReportDocument:
    id: int
    title: str
    kind_label: str
    source_label: str
    topic: str
    sent_on: datetime.date | None
    progress: Decimal | None
    recommendations: list[Row] = field(default_factory=list)
    instructions: list[dict] = field(default_factory=list)


@dataclass
class ReportData:
    overview: Overview
    documents: list[ReportDocument]
    documents_by_source: dict[str, int]
    sent_documents: int
    instruction_count: int


def report_data(*, user, filters: Filters, today: datetime.date | None = None) -> ReportData:
    """What the 成果转化情况报告 and the workbook hold: the overview's figures and every recommendation under the
    filters, grouped by document, with the documents' instructions (two statements beyond the overview's figures)."""
    today = today or timezone.localdate()
    cutoff = stale_cutoff(today)
    qs = overview_queryset(user=user, filters=filters, cutoff=cutoff)
    overview = leaders_overview(user=user, filters=filters, today=today, with_rows=False)
    rows = make_rows(
        qs.order_by("document_id", "position", "id").values_list(*ROW_FIELDS).iterator(chunk_size=2000), cutoff
    )
    documents: dict[int, ReportDocument] = {}
    for row in rows:
        doc = documents.get(row.document_id)
        if doc is None:
            doc = documents[row.document_id] = ReportDocument(
                id=row.document_id,
                title=row.document_title,
                kind_label=row.document_kind_label,
                source_label=row.source_label,
                topic=row.topic,
                sent_on=row.document_sent_on,
                progress=row.document_progress,
            )
        doc.recommendations.append(row)
    levels = dict(Instruction._meta.get_field("level").choices)
    instruction_count = 0
    for document_id, leader, level, date, text in (
        Instruction.objects.filter(document_id__in=list(documents))
        .order_by("date", "id")
        .values_list("document_id", "leader", "level", "date", "text")
    ):
        documents[document_id].instructions.append(
            {"leader": leader, "level": str(levels.get(level, "")), "date": date, "text": text}
        )
        instruction_count += 1
    by_source: dict[str, int] = {}
    for row in (r for d in documents.values() for r in d.recommendations[:1]):
        by_source[row.source] = by_source.get(row.source, 0) + 1
    sent = sum(1 for d in documents.values() if d.sent_on)
    return ReportData(overview, list(documents.values()), by_source, sent, instruction_count)
