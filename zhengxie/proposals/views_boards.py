"""Boards (看板): a handling unit's own assignments; overdue and due-soon work by unit for the office, leaders and
overseers; key proposals under supervision; the year's excellent proposals and excellent handling units.

Rows come from the selectors (``assignment_board``, ``visible_proposals``), so each person sees only what they may
see, and every board is read with a fixed number of queries however many rows it shows. The boards change nothing
except the excellent-unit award, which goes through ``services.excellent_unit_award``; the workflow's actions are
offered on each proposal's detail page, where ``allowed_*_actions`` decides them.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from zhengxie.core.access import has_perm, require
from zhengxie.core.exceptions import InvalidInput, StateConflict
from zhengxie.core.forms import StyledFormMixin
from zhengxie.people.models import HandlingUnit
from zhengxie.people.principal import units_of
from zhengxie.workdays.services import add_working_days

from . import workflow as wf
from .choices import AssignmentRole, AssignmentState, ContactWay, ExcellentState, KeyState, ProposalState, ReplyState
from .conf import conf
from .forms import UNIT_SEARCH, LookupChoiceField
from .models import Assignment, Contact, ExcellentUnitAward, Reply, SupervisionActivity, TimelineEntry
from .read_models import UnitRow, unit_board_rows
from .selectors import LIVE_ASSIGNMENT, assignment_board, is_overdue, visible_proposals
from .services import excellent_unit_award
from .statistics import handling_q

A = AssignmentState
PAGE_SIZE = 20
# On a unit's own board, its work is done once its signed reply has left the unit or its co-opinion is sent.
UNIT_DONE = (A.REPLY_SIGNED, A.REPLIED, A.OPINION_SENT)
DUE_SOON_DAYS = (7, 30)


def _int_param(request, name: str, *, lo: int = 1, hi: int = 2**31 - 1) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if lo <= value <= hi else None


def _year_param(request) -> int | None:
    return _int_param(request, "year", lo=1949, hi=2200)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return query.urlencode()


def _years(qs, field: str) -> list[int]:
    today_year = timezone.localdate().year
    years = set(qs.order_by().values_list(field, flat=True).distinct())
    return sorted(years | {today_year}, reverse=True)


def _contact_overdue_before(today: datetime.date) -> datetime.date:
    """Contact is expected within N working days of acceptance (actions._record_contact flags it late when
    ``working_days_between(accepted, day) > N``). Without a contact by today, an assignment accepted before the
    returned date is late: then (accepted, today] holds more than N working days. One calendar read for all rows."""
    return add_working_days(today + datetime.timedelta(days=1), -(conf("CONTACT_WITHIN_WORKING_DAYS") + 1))


# The handling unit's board -------------------------------------------------------------------------------------

UNIT_TABS = [
    ("pending", gettext_lazy("待签收")),
    ("handling", gettext_lazy("办理中")),
    ("to_sign", gettext_lazy("待领导签发")),
    ("returned", gettext_lazy("被退回")),
    ("replied", gettext_lazy("已答复")),
]


def _replies_this_round() -> tuple[Exists, Exists]:
    this_round = Reply.objects.filter(assignment=OuterRef("pk"), round=OuterRef("round"))
    return Exists(this_round.filter(state=ReplyState.DRAFT)), Exists(this_round.filter(state=ReplyState.RETURNED))


def _tab_of(state: str, has_draft: bool, has_returned: bool) -> str:
    """The tab an assignment is under: waiting to be accepted (or disputed), in handling, a reply drafted for the
    unit leader to sign, a reply the office returned (no new draft yet), or answered. ``has_draft`` and
    ``has_returned``: a reply of the assignment's current round in that state. ``_in_tab`` is the same rule as a
    condition on the database."""
    if state in (A.PENDING, A.DISPUTED):
        return "pending"
    if state == A.ACCEPTED:
        return "to_sign" if has_draft else "returned" if has_returned else "handling"
    return "replied" if state in UNIT_DONE else ""


def _tab_counts(unit_ids: list[int]) -> list[tuple[int, int, str, int]]:
    """(unit, proposal year, tab, assignments) over the units' assignments, in one grouped statement. Written as
    SQL: the board asks it on every view, and the ORM took longer to build it (about 3 ms) than the database to
    answer it. The replies are looked at only for accepted assignments."""
    if not unit_ids:
        return []
    assignment, reply = Assignment._meta.db_table, Reply._meta.db_table
    units = ", ".join(["%s"] * len(unit_ids))
    has = (
        f"CASE WHEN a.state = %s AND EXISTS (SELECT 1 FROM {reply} r WHERE r.assignment_id = a.id "
        f"AND r.round = a.round AND r.state = %s) THEN 1 ELSE 0 END"
    )
    # The proposal's year is the assignment's own (Assignment.year): no proposal is read.
    sql = (
        f"SELECT a.unit_id, a.year, a.state, {has} AS has_draft, {has} AS has_returned, COUNT(*) "
        f"FROM {assignment} a "
        f"WHERE a.unit_id IN ({units}) AND a.state <> %s "
        f"GROUP BY a.unit_id, a.year, a.state, has_draft, has_returned"
    )
    params = [A.ACCEPTED, ReplyState.DRAFT, A.ACCEPTED, ReplyState.RETURNED, *unit_ids, A.REASSIGNED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (unit, year, _tab_of(state, bool(draft), bool(returned)), n)
            for unit, year, state, draft, returned, n in cursor.fetchall()
        ]


def _in_tab(qs: QuerySet[Assignment], tab: str) -> QuerySet[Assignment]:
    """The assignments ``_with_tab`` puts under ``tab``, as a plain condition (the database need not compute the
    tab of every assignment of the unit to find a page of one tab's)."""
    if tab == "pending":
        return qs.filter(state__in=[A.PENDING, A.DISPUTED])
    if tab == "replied":
        return qs.filter(state__in=UNIT_DONE)
    has_draft, has_returned = _replies_this_round()
    accepted = qs.filter(state=A.ACCEPTED)
    if tab == "to_sign":
        return accepted.filter(has_draft)
    if tab == "returned":
        return accepted.filter(~has_draft, has_returned)
    return accepted.filter(~has_draft, ~has_returned)


def _day(value) -> str:
    """A date, or a time's local date, as the board writes it (the template's ``|date:"Y-m-d"``)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def _write_rows(rows: list[UnitRow], today: datetime.date) -> None:
    """The texts each row shows (``row.shown``), labels and the link made once for the page: the template then only
    looks up plain values (a model attribute or a filter costs it several times more)."""
    roles = {value: str(label) for value, label in AssignmentRole.choices}
    states = {value: str(label) for value, label in AssignmentState.choices}
    ways = {value: str(label) for value, label in ContactWay.choices}
    detail = reverse("proposals:detail", args=[0]).rsplit("0/", 1)[0]
    for row in rows:
        a, contact = row.assignment, row.contact
        row.shown = {
            "number": a.proposal.number or "—",
            "title": a.proposal.title,
            "url": f"{detail}{a.proposal_id}/",
            "role": roles.get(a.role, a.role),
            "state": states.get(a.state, a.state),
            "unit": a.unit.name,
            "assigned": _day(a.assigned_at),
            "dispute_deadline": _day(a.dispute_deadline),
            "dispute_passed": a.state == A.PENDING and a.dispute_deadline < today,
            "due": _day(a.due_date),
            "answered": _day(row.answered_at) or "—",
            "approved": _day(row.approved_at) or "—",
            "contact_date": _day(contact.date) if contact else "",
            "contact_way": ways.get(contact.way, contact.way) if contact else "",
            "co_due": _day(row.co_due),
            "reply_date": _day(row.reply.drafted_at) if row.reply else "",
        }


BOARD_ROW_FIELDS = (
    *("proposal", "unit", "role", "state", "assigned_at", "dispute_deadline", "accepted_at", "due_date", "round"),
    *("co_opinion_at", "proposal__number", "proposal__title", "proposal__state", "unit__name"),
)
BOARD_REPLY_FIELDS = (
    *("assignment", "round", "state", "grade", "drafted_by", "drafted_at", "signed_at", "approved_at"),
    "return_comment",
)
BOARD_CONTACT_FIELDS = ("assignment", "date", "way", "late")


def _units_named(ids: list[int]) -> list[HandlingUnit]:
    return list(HandlingUnit.objects.filter(pk__in=ids).only("pk", "name").order_by("name")) if ids else []


class _TabRows:
    """A tab of the units' assignments for the board's ``Paginator``: the count as the tab counts gave it (no second
    COUNT), and a page of rows with their replies, contacts and, for a lead unit's row, its co-handlers (their role
    and state are enough), each read for the page's rows at once."""

    def __init__(self, tab: str, units: list[int], unit: int | None, year: int | None, count: int):
        board = assignment_board(user=None, own_units=units, unit_id=unit, filters={"year": year})
        replies = Reply.objects.only(*BOARD_REPLY_FIELDS).order_by("id")
        if tab == "to_sign":  # the only tab that names who drafted the reply
            replies = replies.select_related("drafted_by").only(
                *BOARD_REPLY_FIELDS, "drafted_by__username", "drafted_by__display_name"
            )
        co_handlers = Assignment.objects.exclude(state=A.REASSIGNED).only("pk", "proposal_id", "role", "state")
        self.rows = (
            _in_tab(board, tab)
            .only(*BOARD_ROW_FIELDS)
            .prefetch_related(
                Prefetch(
                    "contacts", Contact.objects.only(*BOARD_CONTACT_FIELDS).order_by("date", "id"), "contact_list"
                ),
                Prefetch("replies", replies, "reply_list"),
                Prefetch("proposal__assignments", co_handlers.order_by("id"), "live_assignments"),
            )
        )
        self._count = count

    def count(self) -> int:
        return self._count

    def __getitem__(self, key: slice) -> list[Assignment]:
        return list(self.rows[key])


@require("proposals.unit_board")
@require_safe
def unit_board(request):
    today = timezone.localdate()
    my_units = units_of(request.user)
    units = _units_named(my_units)
    unit_id = _int_param(request, "unit")
    if unit_id not in my_units:
        unit_id = None
    year = _year_param(request)
    # One pass over the units' assignments gives the years to choose from and each tab's count (only the user's own
    # units, even for someone who also holds an oversight role).
    counts: dict[str, int] = {}
    years = {today.year}
    for unit, row_year, tab_key, n in _tab_counts(my_units):
        years.add(row_year)
        if (unit_id is None or unit == unit_id) and (year is None or row_year == year):
            counts[tab_key] = counts.get(tab_key, 0) + n
    keys = [key for key, _label in UNIT_TABS]
    tab = request.GET.get("tab")
    if tab not in keys:
        tab = next((key for key in keys if counts.get(key)), "handling")
    page = Paginator(_TabRows(tab, my_units, unit_id, year, counts.get(tab, 0)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    cutoff = _contact_overdue_before(today) if tab in ("handling", "to_sign", "returned") else today
    rows = unit_board_rows(page, today=today, contact_cutoff=cutoff)
    _write_rows(rows, today)
    return render(
        request,
        "proposals/boards/unit_board.html",
        {
            "active_nav": "unit_board",
            "tabs": [{"key": key, "label": label, "count": counts.get(key, 0)} for key, label in UNIT_TABS],
            "tab": tab,
            "page": page,
            "rows": rows,
            "units": units,
            "unit_id": unit_id,
            "show_unit": len(units) > 1 and unit_id is None,
            "year": year,
            "years": sorted(years, reverse=True),
            "tab_query": _query_without(request, "tab"),
            "querystring": _query_without(request),
            "today": today,
            "contact_days": conf("CONTACT_WITHIN_WORKING_DAYS"),
        },
    )


# Boards for the office, leaders and overseers ------------------------------------------------------------------

BOARD_STATUSES = {
    "live": gettext_lazy("办理中"),
    "replied": gettext_lazy("已答复"),
    "on_time": gettext_lazy("按期答复"),
}


def _urges():
    """How often each assignment was urged (催办): its timeline's urge entries."""
    urged = TimelineEntry.objects.filter(assignment=OuterRef("pk"), action="urge").order_by()
    return Coalesce(Subquery(urged.values("assignment").annotate(n=Count("pk")).values("n")), 0)


def _unit_summary(qs: QuerySet[Assignment], today: datetime.date) -> list[dict]:
    """One row per unit: assigned, in handling, overdue, urged, due within 7 and 30 days, replied, replied on time.
    Overdue, replied and on time are the annual report's definitions (statistics.handling_q), so the figures agree."""
    live = Q(state__in=LIVE_ASSIGNMENT)
    due_soon = {
        f"due_{days}": Count(
            "pk", filter=live & Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))
        )
        for days in DUE_SOON_DAYS
    }
    return list(
        qs.order_by()
        .values("unit_id", "unit__name")
        .annotate(
            assigned=Count("pk"),
            live=Count("pk", filter=live),
            overdue=Count("pk", filter=handling_q("overdue", today)),
            urged=Sum(_urges(), output_field=IntegerField()),
            **due_soon,
            replied=Count("pk", filter=handling_q("replied", today)),
            on_time=Count("pk", filter=handling_q("on_time", today)),
        )
        .order_by("-overdue", "-due_7", "unit__name")
    )


def _board_list_filters(request) -> dict:
    f = {}
    if request.GET.get("overdue") == "1":
        f["overdue"] = "1"
    due_within = _int_param(request, "due_within")
    if due_within in DUE_SOON_DAYS:
        f["due_within"] = due_within
    if request.GET.get("status") in BOARD_STATUSES:
        f["status"] = request.GET["status"]
    return f


def _list_title(f: dict, unit: HandlingUnit | None) -> str:
    parts = [unit.name if unit else _("全部承办单位")]
    if f.get("overdue"):
        parts.append(_("已超期"))
    if f.get("due_within"):
        parts.append(_("%(n)d日内到期") % {"n": f["due_within"]})
    if f.get("status"):
        parts.append(str(BOARD_STATUSES[f["status"]]))
    return " · ".join(parts)


@require("proposals.boards")
@require_safe
def boards(request):
    today = timezone.localdate()
    year = _year_param(request)
    summary = _unit_summary(assignment_board(user=request.user, filters={"year": year}), today)
    columns = ["assigned", "live", "overdue", "urged", "due_7", "due_30", "replied", "on_time"]
    totals = {c: sum(row[c] for row in summary) for c in columns}
    unit_id = _int_param(request, "unit")
    list_filters = _board_list_filters(request)
    listing = page = unit = None
    if unit_id is not None or list_filters:
        unit = HandlingUnit.objects.filter(pk=unit_id).first() if unit_id else None
        filters = {"year": year, **{k: v for k, v in list_filters.items() if k != "status"}}
        qs = assignment_board(user=request.user, unit_id=unit_id, filters=filters)
        status = list_filters.get("status")
        if status == "live":
            qs = qs.filter(state__in=LIVE_ASSIGNMENT)
        elif status in ("replied", "on_time"):
            qs = qs.filter(handling_q(status, today))
        page = _page(request, qs)
        listing = [
            {
                "a": a,
                "overdue": is_overdue(a, today),
                "days_left": (a.due_date - today).days if a.state in LIVE_ASSIGNMENT else None,
                "overdue_days": (today - a.due_date).days,
            }
            for a in page
        ]
    year_query = f"year={year}&" if year else ""
    return render(
        request,
        "proposals/boards/boards.html",
        {
            "active_nav": "proposal_boards",
            "summary": summary,
            "totals": totals,
            "year": year,
            "years": _years(assignment_board(user=request.user), "proposal__year"),
            "year_query": year_query,
            "listing": listing,
            "list_title": _list_title(list_filters, unit) if listing is not None else "",
            "unit_id": unit_id,
            "page": page,
            "querystring": _query_without(request),
            "today": today,
        },
    )


# Key proposals -------------------------------------------------------------------------------------------------


def _with_units(qs):
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(state=A.REASSIGNED).select_related("unit").order_by("id"),
            to_attr="live_assignments",
        )
    )


@require("proposals.key_board")
@require_safe
def key_board(request):
    user = request.user
    show_closed = request.GET.get("closed") == "1"
    year = _year_param(request)
    visible = visible_proposals(user)
    key = visible.filter(key_state=KeyState.APPROVED)
    if not show_closed:
        key = key.exclude(state=ProposalState.CLOSED)
    if year:
        key = key.filter(year=year)
    key = (
        _with_units(key)
        .select_related("supervising_leader", "category", "lead_member", "collective")
        .prefetch_related(
            Prefetch(
                "supervision_activities",
                queryset=SupervisionActivity.objects.order_by("-date", "-id"),
                to_attr="activities",
            )
        )
        # The supervising leader's own proposals come first.
        .annotate(
            mine=Case(When(supervising_leader=user, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("mine", "-year", "-seq", "-id")
    )
    page = _page(request, key)
    # Proposed by the office and awaiting a leader's decision: only while the table still allows deciding.
    proposed = (
        _with_units(visible.filter(key_state=KeyState.PROPOSED, state__in=wf.PROPOSAL_ACTIONS["approve_key"].sources))
        .select_related("supervising_leader", "category")
        .order_by("-year", "-seq", "-id")
    )
    return render(
        request,
        "proposals/boards/key_board.html",
        {
            "active_nav": "key_proposals",
            "page": page,
            "proposed": list(proposed),
            "show_closed": show_closed,
            "year": year,
            "years": _years(visible.filter(key_state=KeyState.APPROVED), "year"),
            "querystring": _query_without(request),
        },
    )


# Excellent proposals and excellent handling units --------------------------------------------------------------


class UnitAwardForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), widget=forms.HiddenInput, min_value=1949, max_value=2200)
    unit = LookupChoiceField(
        label=gettext_lazy("承办单位"),
        lookup="proposals:unit_lookup",
        search_fields=UNIT_SEARCH,
        queryset=HandlingUnit.objects.filter(is_active=True),
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=255, required=False)

    def add_unit_error(self, message: str) -> None:
        """A refusal by the service (unknown unit, already awarded this year), wired to the field for screen
        readers as StyledFormMixin does for the form's own errors."""
        self.add_error("unit", message)
        attrs = self.fields["unit"].widget.attrs
        if "is-invalid" not in attrs.get("class", ""):
            attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{self['unit'].auto_id}_errors"


@require("proposals.excellent")
@require_http_methods(["GET", "HEAD", "POST"])
def excellent(request):
    user = request.user
    can_award = has_perm(user, "proposals.award_unit")
    year = _year_param(request) or timezone.localdate().year
    form = None
    if request.method == "POST":
        if not can_award:
            raise PermissionDenied
        form = UnitAwardForm(request.POST)
        if form.is_valid():
            try:
                award = excellent_unit_award(
                    actor=user,
                    year=form.cleaned_data["year"],
                    unit_id=form.cleaned_data["unit"].pk,
                    note=form.cleaned_data["note"],
                )
            except (InvalidInput, StateConflict) as exc:
                form.add_unit_error(exc.message)
            else:
                messages.success(
                    request, _("已评定 %(u)s 为%(y)d年度优秀承办单位。") % {"u": award.unit, "y": award.year}
                )
                return redirect(f"{reverse('proposals:excellent')}?year={award.year}")
    if form is None and can_award:
        form = UnitAwardForm(initial={"year": year})
    visible = visible_proposals(user).filter(year=year)
    approved = visible.filter(excellent_state=ExcellentState.APPROVED)
    nominated = None
    if has_perm(user, "proposals.excellent_nominations"):
        nominated = list(
            visible.filter(excellent_state=ExcellentState.NOMINATED)
            .select_related("category", "lead_member", "collective")
            .order_by("seq", "id")
        )
    awards = ExcellentUnitAward.objects.filter(year=year).select_related("unit").order_by("unit__name")
    years = set(_years(visible_proposals(user).exclude(excellent_state=""), "year"))
    years |= set(_years(ExcellentUnitAward.objects.all(), "year")) | {year}
    return render(
        request,
        "proposals/boards/excellent.html",
        {
            "year": year,
            "years": sorted(years, reverse=True),
            "approved": list(approved.select_related("category", "lead_member", "collective").order_by("seq", "id")),
            "nominated": nominated,
            "awards": list(awards),
            "form": form,
        },
    )
