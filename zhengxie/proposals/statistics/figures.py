"""The assembly of the figures: the counts of a scope (stored or computed live) with the names and order read now
(renames show at once), labels in the active language, and each figure with its list filters.

Every figure is ``{"value": n, "filters": {...}}``: the filters are query parameters of ``proposals:list`` that list
the proposals behind the figure (``definitions.apply_report_filters`` gives the list the filters it lacks)."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.people.models import CollectiveProposer, HandlingUnit, Party, Sector

from ..choices import ExcellentState, KeyState, Satisfaction
from ..choices import ProposalState as P
from ..conf import conf
from ..models import Category, Proposal
from .counting import analytic_transaction, count
from .definitions import PROPOSER_TYPES, REGISTERED_STATES, Scope
from .store import fresh_snapshot, recompute, shared_base, shared_visibility, snapshot_key


def _proposer_type_labels() -> dict[str, str]:
    return {"individual": _("委员个人提案"), "joint": _("委员联名提案"), "collective": _("集体提案")}


def _fig(scope: Scope, value, **filters) -> dict:
    for key, v in filters.items():
        filters[key] = str(v)
    return {"value": value or 0, "filters": {**scope.filters, **filters}}


def _pair(scope: Scope, row: dict, **filters) -> dict:
    return {
        "received": _fig(scope, row["received"], received=1, **filters),
        "registered": _fig(scope, row["registered"], registered=1, **filters),
    }


@dataclass(frozen=True)
class Report:
    """The counts of one scope (stored in a snapshot or computed live) and when they were computed; ``figures()``
    adds the names, labels and list filters."""

    scope: Scope
    counts: dict
    as_of: datetime.date
    computed_at: datetime.datetime
    from_snapshot: bool
    base: QuerySet  # the proposals counted, for the lists of key and excellent proposals

    @property
    def unit_count(self) -> int:
        return len(self.counts["by_unit"])

    def figures(self, *, unit_limit: int | None = None, list_limit: int | None = None) -> dict:
        """All figures as plain data; ``unit_limit``: only the busiest units' rows; ``list_limit``: only the first
        key and excellent proposals."""
        return assemble(self.scope, self.counts, self.as_of, self.base, unit_limit=unit_limit, list_limit=list_limit)


def proposal_statistics(*, user, visible: QuerySet, scope: Scope, today: datetime.date | None = None) -> dict:
    """All figures of the report as plain data (the page, the API, the workbook and the report read this)."""
    return statistics_report(user=user, visible=visible, scope=scope, today=today).figures()


def statistics_report(*, user, visible: QuerySet, scope: Scope, today: datetime.date | None = None) -> Report:
    """The figures the user may see: the office, leaders and overseers read the stored snapshot while it is fresh
    (one query for the counts, then names and the key and excellent proposals: seven in all) and recompute and
    store it when it is not; anyone else gets them computed live from ``visible``, the proposals they may see
    (``selectors.visible_proposals(user)``: which proposals a reader sees is the selectors' rule, never this
    package's).

    A computation is a fixed number of queries, whatever the numbers of proposals and units: one pass over the
    proposals grouped by category, sector, party and collective (their combinations are summed here), one over
    those withdrawn after reaching the office, one over the joint ones, two over the assignments (by unit; by the
    grade and rating of their current replies, which each assignment carries: ``assignment_figures``), one for the
    overdue ones, one for ratings on behalf of merged proposals, one for the members; four of them on a second
    connection at the same time (``counting._Reads``). Measured in-process at province scale (300,000 proposals over
    ten years, 3,000 units; PostgreSQL 15, year 2025): a snapshot read ≈ 60 ms for the page and ≈ 80 ms for the API
    (2.1 MB of JSON), a read right after a change (which recomputes) ≈ 165 and 180 ms.
    """
    today = today or timezone.localdate()
    visibility = shared_visibility(user)
    if visibility is None:
        return live_report(visible=visible, scope=scope, today=today)
    key = snapshot_key(scope, visibility)
    fresh = fresh_snapshot(scope, key, today)
    if fresh is not None:
        computed_at, counts = fresh
        return Report(scope, counts, today, computed_at, from_snapshot=True, base=shared_base(scope))
    counts, computed_at = recompute(scope, key, today)
    return Report(scope, counts, today, computed_at, from_snapshot=False, base=shared_base(scope))


def live_report(*, visible: QuerySet, scope: Scope, today: datetime.date | None = None) -> Report:
    """The figures computed now from ``visible`` (the proposals a reader may see), without any snapshot."""
    today = today or timezone.localdate()
    base = visible.filter(scope.q()).order_by()
    with analytic_transaction():
        counts = count(base, today, year=scope.calendar_year)
    return Report(scope, counts, today, timezone.now(), from_snapshot=False, base=base)


def assemble(
    scope: Scope,
    counts: dict,
    today: datetime.date,
    base: QuerySet,
    *,
    unit_limit: int | None = None,
    list_limit: int | None = None,
) -> dict:
    """The report's figures from the counts: names and order read now (renames show at once), labels in the
    active language, each figure with its list filters; the key and excellent proposals listed from ``base``."""
    s = scope
    totals = counts["totals"]
    pairs = {
        key: {pk: {"received": received, "registered": registered} for pk, received, registered in counts[key]}
        for key in ("by_category", "by_sector", "by_party", "by_collective")
    }
    by_category, by_collective = pairs["by_category"], pairs["by_collective"]
    types = {kind: {"received": r, "registered": g} for kind, (r, g) in counts["types"].items()}
    by_unit = {row[0]: row for row in counts["by_unit"]}
    grades = dict(counts["grades"])
    ratings = dict(counts["ratings"])

    # Names: these tables are small (a province has a few thousand units), reading them whole is cheaper than
    # passing thousands of ids.
    collectives = [c for c in CollectiveProposer.objects.values_list("pk", "kind", "name") if c[0] in by_collective]
    sectors = [x for x in Sector.objects.values_list("pk", "sort_order", "name") if x[0] in pairs["by_sector"]]
    parties = [x for x in Party.objects.values_list("pk", "sort_order", "name") if x[0] in pairs["by_party"]]
    units = [u for u in HandlingUnit.objects.values_list("pk", "name", "short_name") if u[0] in by_unit]
    all_categories = list(Category.objects.values_list("pk", "name", "is_active"))

    state_labels = {value: str(label) for value, label in P.choices}
    type_labels = _proposer_type_labels()
    grade_labels = dict(conf("GRADES"))
    return {
        "scope": {
            "kind": s.kind,
            "label": s.label,
            "filters": s.filters,
            "year": s.year,
            "session_id": s.session.pk if s.session else None,
            "term_id": s.term.pk if s.term else None,
        },
        "as_of": today.isoformat(),
        "totals": {
            "received": _fig(s, totals["received"], received=1),
            "pending": _fig(s, totals["pending"], state=P.SUBMITTED),
            "registered": _fig(s, totals["registered"], registered=1),
            "merged": _fig(s, totals["merged"], state=P.MERGED),
            "converted": _fig(s, totals["converted"], state=P.CONVERTED),
            "rejected": _fig(s, totals["rejected"], state=P.REJECTED),
            "withdrawn": _fig(s, totals["withdrawn"], state=P.WITHDRAWN, received=1),
            "session_proposals": _fig(s, totals["session_proposals"], received=1, filing="session"),
            "ordinary_proposals": _fig(s, totals["ordinary_proposals"], received=1, filing="ordinary"),
            "members": _fig(s, totals["members"], received=1, proposer_type="member"),
            "key": _fig(s, totals["key"], key=1),
            "excellent": _fig(s, totals["excellent"], excellent=1),
        },
        "by_state": [
            {"state": state, "label": state_labels[state], "count": _fig(s, totals[f"state_{state}"], state=state)}
            for state in REGISTERED_STATES
        ],
        "by_proposer_type": [
            {
                "key": kind,
                "label": type_labels[kind],
                "received": _fig(s, types[kind]["received"], received=1, proposer_type=kind),
                "registered": _fig(s, types[kind]["registered"], registered=1, proposer_type=kind),
            }
            for kind in PROPOSER_TYPES
        ],
        "by_collective": [
            {"id": pk, "name": name, "kind": kind, **_pair(s, by_collective[pk], collective=pk)}
            for pk, kind, name in sorted(collectives, key=lambda c: (c[1], c[0]))
            if by_collective[pk]["received"]
        ],
        "by_category": [
            {
                "id": pk,
                "name": name,
                **_pair(s, by_category.get(pk, {"received": 0, "registered": 0}), category=pk),
            }
            for pk, name, is_active in all_categories
            if is_active or by_category.get(pk, {}).get("received")
        ],
        "by_sector": _by_member_attribute(s, sectors, pairs["by_sector"], types["collective"], "sector"),
        "by_party": _by_member_attribute(s, parties, pairs["by_party"], types["collective"], "party"),
        "by_unit": _unit_rows(s, units, by_unit, unit_limit),
        "by_grade": [
            {
                "grade": code,
                "label": str(grade_labels.get(code, code)),
                "count": _fig(s, grades.get(code, 0), grade=code),
            }
            for code in [*grade_labels, *sorted(set(grades) - set(grade_labels))]
        ],
        "satisfaction": [
            {"key": value, "label": str(label), "count": _fig(s, ratings.get(value, 0), satisfaction=value)}
            for value, label in Satisfaction.choices
        ],
        **_honoured(base, state_labels, list_limit),
    }


def _honoured(base: QuerySet, state_labels: dict, limit: int | None) -> dict:
    """The key and excellent proposals in the order of their numbers, read now (a few hundred a year, thousands at
    province scale, by the partial index proposal_honoured); with ``limit``, the first ones of each list only."""
    columns = (
        "pk",
        "number",
        "title",
        "state",
        "key_state",
        "excellent_state",
        "collective__name",
        "lead_member__name",
        "category__name",
        "supervising_leader__display_name",
        "supervising_leader__username",
    )
    key, excellent = Q(key_state=KeyState.APPROVED), Q(excellent_state=ExcellentState.APPROVED)
    if limit is None:
        rows = list(base.filter(key | excellent).order_by("seq", "pk").values_list(*columns))
        lists = (
            [p for p in rows if p[4] == KeyState.APPROVED],
            [p for p in rows if p[5] == ExcellentState.APPROVED],
        )
    else:
        lists = [list(base.filter(q).order_by("seq", "pk").values_list(*columns)[:limit]) for q in (key, excellent)]
    return {
        "key_proposals": [_listed(p, state_labels) for p in lists[0]],
        "excellent_proposals": [_listed(p, state_labels) for p in lists[1]],
    }


def _unit_rows(scope: Scope, units: list[tuple], by_unit: dict, limit: int | None = None) -> list[dict]:
    """The per-unit figures, busiest first (thousands of units at province scale: the filter dicts are built
    directly, and only for the first ``limit`` units when a page shows no more)."""
    order = sorted(units, key=lambda u: (-by_unit[u[0]][1], u[1], u[0]))
    out = []
    for pk, name, short_name in order if limit is None else order[:limit]:
        _unit, assigned, owes, replied, on_time, overdue = by_unit[pk]
        unit_filters = {**scope.filters, "unit": str(pk)}
        out.append(
            {
                "id": pk,
                "name": name,
                "short_name": short_name,
                "assigned": {"value": assigned, "filters": unit_filters},
                "owes_reply": {"value": owes, "filters": {**unit_filters, "handling": "owes"}},
                "replied": {"value": replied, "filters": {**unit_filters, "handling": "replied"}},
                "replied_on_time": {"value": on_time, "filters": {**unit_filters, "handling": "on_time"}},
                "overdue": {"value": overdue, "filters": {**unit_filters, "handling": "overdue"}},
            }
        )
    return out


def _by_member_attribute(scope: Scope, names, rows: dict, collective: dict, filter_key: str) -> list[dict]:
    """Rows per sector or party of the lead proposer; collective proposals (no lead member) last, on their own."""
    out = [
        {"id": pk, "name": name, **_pair(scope, rows[pk], **{filter_key: pk})}
        for pk, _order, name in sorted(names, key=lambda n: (n[1], n[0]))
        if rows[pk]["received"]
    ]
    if collective["received"]:
        out.append({"id": None, "name": _("集体提案"), **_pair(scope, collective, proposer_type="collective")})
    return out


def proposer_label(p: Proposal) -> str:
    if p.collective_id:
        return p.collective.name
    return p.lead_member.name if p.lead_member_id else ""


def _listed(p: tuple, state_labels: dict) -> dict:
    """A row of ``_honoured``'s columns as the lists show it."""
    pk, number, title, state, _key, _excellent, collective, lead_member, category, leader_name, leader_login = p
    return {
        "id": pk,
        "number": number,
        "title": title,
        "proposer": collective or lead_member or "",
        "category": category or "",
        "state": state,
        "state_label": state_labels[state],
        "supervising_leader": leader_name or leader_login or "",
    }


def share(part: int, whole: int) -> str:
    """A percentage as the report writes it: one decimal, or "—" when there is nothing to divide."""
    return f"{part * 100 / whole:.1f}%" if whole else "—"
