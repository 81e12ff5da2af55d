"""Statistics of opinion reports (社情民意信息统计) for one year: received, signed off, reported, adopted by level and
with a leader's instruction — in total, by member, by sector, by category, by level and by year.

Every figure counts reports (never rows of levels or instructions), and carries the reports list's query parameters
that list exactly those reports (``filters``), so that the page links each figure to its list. A report belongs to
the year it was received in (``OpinionReport.year``); what happened to it later (adoption, instruction) counts in
that year too, so a year's row shows how far its reports got.

Each table is one grouped query whatever the number of reports, members, sectors or categories: the three levels
join the report as three filtered relations (one row each at most: a report is sent to a level once), and the
instructions are counted as the distinct reports that have one (a report may have several). The members' table is
two (the first authors, the confirmed co-authors), added together.
"""

from dataclasses import dataclass

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _

from zhengxie.people.models import Member, Sector

from .choices import CoAuthorState, Level, ProposerKind, ReportState
from .models import CoAuthor, OpinionCategory

LEVELS = [value for value, _label in Level.choices]

# The figures of a row, in the order the tables show them.
FIGURES = ["received", "signed_off", "reported", *(f"adopted_{level}" for level in LEVELS), "adopted", "instructed"]


def _conditions(prefix: str = "") -> dict[str, Q]:
    """Each figure as a condition on a report (``prefix``: the path from the grouped model to the report)."""
    p = prefix
    conditions = {
        "received": ~Q(**{f"{p}state": ReportState.DRAFT}),
        "signed_off": Q(**{f"{p}signed_off_at__isnull": False}),
        "reported": Q(**{f"{p}reported_at__isnull": False}),
    }
    for level in LEVELS:
        # the filtered relations are named on the grouped model itself (``_with_levels``)
        conditions[f"adopted_{level}"] = Q(**{f"at_{level}__adopted_on__isnull": False})
    conditions["adopted"] = conditions["adopted_city"] | conditions["adopted_province"] | conditions["adopted_national"]
    conditions["instructed"] = Q(**{f"{p}instructions__isnull": False})
    return conditions


# The list's query parameters of each figure (the reports list: page opinions:list and GET /api/v1/opinions).
FIGURE_FILTERS: dict[str, dict[str, str]] = {
    "received": {"received": "1"},
    "signed_off": {"signed_off": "1"},
    "reported": {"reported": "1"},
    **{f"adopted_{level}": {"adopted": level} for level in LEVELS},
    "adopted": {"adopted": "any"},
    "instructed": {"instructed": "1"},
}


def _with_levels(qs: QuerySet, prefix: str = "") -> QuerySet:
    return qs.annotate(
        **{
            f"at_{level}": FilteredRelation(f"{prefix}levels", condition=Q(**{f"{prefix}levels__level": level}))
            for level in LEVELS
        }
    )


def _counts(prefix: str = "") -> dict:
    return {
        name: Count(f"{prefix}pk" if prefix else "pk", filter=condition, distinct=True)
        for name, condition in _conditions(prefix).items()
    }


def received(qs: QuerySet) -> QuerySet:
    """The reports of ``qs`` that reached the secretariat (submitted, or arrived from a converted proposal)."""
    return qs.exclude(state=ReportState.DRAFT)


def _figure(value: int, filters: dict) -> dict:
    return {"value": value, "filters": {k: str(v) for k, v in filters.items()}}


def _row(counts: dict, filters: dict) -> dict:
    return {name: _figure(counts.get(name) or 0, {**filters, **FIGURE_FILTERS[name]}) for name in FIGURES}


@dataclass
class Options:
    member_limit: int | None = 100  # the busiest members first; None: every member with a report


def _grouped(base: QuerySet, key: str) -> dict:
    """``{key value: {figure: count}}`` in one query."""
    rows = _with_levels(base).values(key).annotate(**_counts()).order_by()
    return {row[key]: row for row in rows}


def opinion_statistics(*, visible: QuerySet, year: int, options: Options | None = None) -> dict:
    """The year's figures over ``visible`` (the reports the reader may see: ``selectors.visible_reports(user)``)."""
    options = options or Options()
    base = received(visible.filter(year=year))
    scope = {"year": str(year)}

    reported_to = {
        f"reported_to_{level}": Count("pk", filter=Q(**{f"at_{level}__isnull": False}), distinct=True)
        for level in LEVELS
    }
    totals = _with_levels(base).aggregate(**_counts(), **reported_to)

    by_category = _grouped(base, "category_id")
    categories = {c.pk: c.name for c in OpinionCategory.objects.filter(pk__in=[k for k in by_category if k])}
    category_rows = [
        {"id": pk, "name": categories.get(pk, "") if pk else _("未分类"), **_row(counts, {**scope, "category": pk})}
        for pk, counts in by_category.items()
        if pk
    ]
    category_rows.sort(key=lambda r: (-r["received"]["value"], r["name"]))

    by_sector = _grouped(base.filter(proposer_kind=ProposerKind.MEMBER), "lead_sector_id")
    sectors = {s.pk: s.name for s in Sector.objects.filter(pk__in=[k for k in by_sector if k])}
    sector_rows = [
        {"id": pk, "name": sectors.get(pk, ""), **_row(counts, {**scope, "sector": pk})}
        for pk, counts in by_sector.items()
        if pk
    ]
    sector_rows.sort(key=lambda r: (-r["received"]["value"], r["name"]))

    by_kind = _grouped(base, "proposer_kind")
    kind_rows = [
        {"key": kind, "label": str(label), **_row(by_kind.get(kind, {}), {**scope, "proposer_kind": kind})}
        for kind, label in ProposerKind.choices
    ]

    member_rows, members_total = _member_rows(base, scope, options.member_limit)

    # Levels: reported to and adopted by each, from the report's own relation to that level.
    level_rows = [
        {
            "level": level,
            "label": str(label),
            "reported": _figure(totals[f"reported_to_{level}"], {**scope, "level": level}),
            "adopted": _figure(totals[f"adopted_{level}"], {**scope, "adopted": level}),
        }
        for level, label in Level.choices
    ]

    years = _year_rows(visible, year)
    return {
        "year": year,
        "totals": _row(totals, scope),
        "by_proposer_kind": kind_rows,
        "by_member": member_rows,
        "members_total": members_total,
        "by_sector": sector_rows,
        "by_category": category_rows,
        "by_level": level_rows,
        "by_year": years,
    }


def _member_rows(base: QuerySet, scope: dict, limit: int | None) -> tuple[list[dict], int]:
    """Each member's reports as first author or confirmed co-author: two grouped queries, added (a member is never
    both on one report)."""
    led = _grouped(base.filter(lead_member__isnull=False), "lead_member_id")
    joint = {
        row["member_id"]: row
        for row in _with_levels(
            CoAuthor.objects.filter(state=CoAuthorState.CONFIRMED, report__in=base.values("pk")), "report__"
        )
        .values("member_id")
        .annotate(**_counts("report__"))
        .order_by()
    }
    counts: dict[int, dict] = {}
    for source in (led, joint):
        for member_id, row in source.items():
            total = counts.setdefault(member_id, dict.fromkeys(FIGURES, 0))
            for name in FIGURES:
                total[name] += row.get(name) or 0
    ordered = sorted(counts.items(), key=lambda item: (-item[1]["received"], -item[1]["adopted"], item[0]))
    shown = ordered if limit is None else ordered[:limit]
    members = {
        m["pk"]: m for m in Member.objects.filter(pk__in=[pk for pk, _c in shown]).values("pk", "name", "sector__name")
    }
    rows = [
        {
            "id": pk,
            "name": members.get(pk, {}).get("name", ""),
            "sector": members.get(pk, {}).get("sector__name") or "",
            **_row(c, {**scope, "member": pk}),
        }
        for pk, c in shown
    ]
    return rows, len(ordered)


YEARS_SHOWN = 10


def _year_rows(visible: QuerySet, year: int) -> list[dict]:
    """The year and the nine before it, one row each."""
    first = year - YEARS_SHOWN + 1
    base = received(visible.filter(year__gte=first, year__lte=year))
    grouped = _grouped(base, "year")
    return [{"year": y, **_row(grouped.get(y, {}), {"year": y})} for y in range(year, first - 1, -1) if y in grouped]
