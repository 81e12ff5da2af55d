"""Figures of the annual proposal work report (提案工作统计), for a year, a session or a term.

Every figure is ``{"value": n, "filters": {...}}``: the filters are query parameters of ``proposals:list`` that list
the proposals behind the figure (``apply_report_filters`` below gives the list the filters it lacks). The figures
are computed in the database with conditional aggregation: a fixed handful of queries whatever the number of
proposals, units, sectors or categories. What the proposal office, leaders and overseers see is stored per scope
(``StatisticsSnapshot``: counts and ids only) and served while it is fresh — computed today, and no write that can
change a figure committed since (see "Freshness" below); names, order and labels are added at every read.

Definitions (the same ones the list filters use):

* **scope** — *year*: ``Proposal.year`` (the year of submission); *session*: the session proposals (大会提案) filed
  in that session's window (``Proposal.session``); *term*: proposals submitted between the term's first and last day
  (Asia/Shanghai dates), session and ordinary proposals alike.
* **received** (收到) — the proposal reached the proposal office: its lead proposer submitted it, every invited
  co-signer answered or the co-sign window lapsed, and it is now in any state from ``submitted`` on — pending
  review, registered (and later states), merged, converted or rejected — or it was withdrawn *after* reaching the
  office (withdrawn from ``submitted``). Not received: drafts (including those returned for revision, counted again
  when resubmitted), proposals still gathering co-signatures, and those withdrawn before reaching the office.
  So received = pending + registered + merged + converted + rejected + withdrawn, exactly.
* **registered** (立案) — given a number: ``registered`` and every later state (assigned, replied, evaluating,
  rehandling, closed).
* **proposer type** — *collective*: filed in a collective's name; *joint*: a member's proposal with at least one
  confirmed co-signer; *individual*: a member's proposal without one (declined or lapsed invitations do not count).
* **sector / party** — of the lead proposer when submitted (``Proposal.lead_sector`` / ``lead_party``);
  collective proposals have neither and form their own row.
* **members who proposed** — distinct members who are the lead proposer or a confirmed co-signer of a received
  proposal.
* **by handling unit** — over the unit's assignments of proposals in scope, reassigned ones (after a dispute)
  excluded. *assigned*: all roles; *owes a reply*: every role but co-handler (会办); *replied*: owes a reply and
  the reply owed now is approved (assignment state ``replied``; an assignment sent back for re-handling owes again);
  *replied on time*: replied, and the approved reply of the current round was approved on or before the
  assignment's due date (as extended, or as set for re-handling); *overdue now*: the assignment is still open
  (pending, accepted, disputed, reply signed but not approved) and its due date is before today.
* **grade** — the final grade (the office's correction, else the unit's) of each *current reply*: the latest
  approved reply of each assignment that owes one (``selectors.current_replies``; found here by round, see
  ``_current_reply_condition``). Counted per reply, so a proposal with two units counts twice. Each assignment
  carries its current reply's grade, its approval by the due date and its own proposal's rating of it, stored by
  every action that changes a figure (``assignment_figures``), so the counts read no reply.
* **satisfaction** — the ratings recorded on current replies, one per reply and evaluating proposal (a merged
  proposal's proposer rates too), counted per rating: satisfied / basically satisfied / dissatisfied / not rated
  (recorded when the office closes a proposal whose window passed without a rating). Ratings still awaited are not
  counted. Figures counted per reply or rating link to the proposals that have them.
* **key / excellent** — proposals in scope whose key / excellent status is approved.
"""

import datetime
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.people.models import CollectiveProposer, HandlingUnit, Party, Sector, Session, Term

from .choices import AssignmentRole, AssignmentState, CosignState, ExcellentState, KeyState, ReplyState, Satisfaction
from .choices import ProposalState as P
from .conf import conf
from .models import (
    Assignment,
    Category,
    Cosignature,
    Evaluation,
    Proposal,
    Reply,
    StatisticsChange,
    StatisticsSnapshot,
    TimelineEntry,
)

logger = logging.getLogger(__name__)

RECEIVED_STATES = (
    P.SUBMITTED,
    P.REGISTERED,
    P.MERGED,
    P.CONVERTED,
    P.REJECTED,
    P.ASSIGNED,
    P.REPLIED,
    P.EVALUATING,
    P.REHANDLING,
    P.CLOSED,
)
REGISTERED_STATES = (P.REGISTERED, P.ASSIGNED, P.REHANDLING, P.REPLIED, P.EVALUATING, P.CLOSED)
OPEN_ASSIGNMENT = (
    AssignmentState.PENDING,
    AssignmentState.ACCEPTED,
    AssignmentState.DISPUTED,
    AssignmentState.REPLY_SIGNED,
)
PROPOSER_TYPES = ("individual", "joint", "collective")
HANDLING_FILTERS = ("owes", "replied", "on_time", "overdue")
# The list filters this module adds to selectors.proposal_list (a list page passes them through from the URL).
REPORT_FILTER_KEYS = (
    "session",
    "term",
    "received",
    "registered",
    "proposer_type",
    "collective",
    "sector",
    "party",
    "filing",
    "grade",
    "satisfaction",
    "handling",
)


def _proposer_type_labels() -> dict[str, str]:
    return {"individual": _("委员个人提案"), "joint": _("委员联名提案"), "collective": _("集体提案")}


# Scope ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the figures count: one year, one session's proposals, or one term."""

    kind: str  # "year" | "session" | "term"
    year: int | None = None
    session: Session | None = None
    term: Term | None = None

    @property
    def label(self) -> str:
        if self.kind == "session":
            return f"{self.session.term.name}{self.session.name}"
        if self.kind == "term":
            return self.term.name
        return _("%(y)d年度") % {"y": self.year}

    @property
    def calendar_year(self) -> int | None:
        """The proposals' year, when the scope is one: a session's proposals are of the year they were drafted in,
        which for one drafted before New Year in the filing window is not the session's year."""
        return self.year if self.kind == "year" else None

    @cached_property
    def filters(self) -> dict[str, str]:
        if self.kind == "session":
            return {"session": str(self.session.pk)}
        if self.kind == "term":
            return {"term": str(self.term.pk)}
        return {"year": str(self.year)}

    def q(self) -> Q:
        if self.kind == "session":
            return Q(session_id=self.session.pk)
        if self.kind == "term":
            return term_q(self.term)
        return Q(year=self.year)


class ScopeError(ValueError):
    """The scope asked for is not valid (more than one of year / session / term, or a bad year)."""


class ScopeNotFound(ScopeError):
    """The session or term asked for does not exist."""


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def resolve_scope(*, year=None, session=None, term=None, today: datetime.date | None = None) -> Scope:
    """At most one of year / session / term (ids); none means the current year. Raises ScopeError."""
    given = {k: v for k, v in (("year", year), ("session", session), ("term", term)) if v not in (None, "")}
    if len(given) > 1:
        raise ScopeError(_("年度、会议、届次只能选择一项。"))
    if "session" in given:
        found = Session.objects.select_related("term").filter(pk=_int(given["session"]) or 0).first()
        if found is None:
            raise ScopeNotFound(_("会议不存在。"))
        return Scope("session", year=found.year, session=found)
    if "term" in given:
        found = Term.objects.filter(pk=_int(given["term"]) or 0).first()
        if found is None:
            raise ScopeNotFound(_("届次不存在。"))
        return Scope("term", term=found)
    if "year" in given:
        value = _int(given["year"])
        if value is None or not 1900 < value < 10000:
            raise ScopeError(_("年度无效。"))
        return Scope("year", year=value)
    return Scope("year", year=(today or timezone.localdate()).year)


def term_q(term: Term) -> Q:
    """Submitted on a day (Asia/Shanghai) of the term."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(term.starts_on, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(term.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return Q(submitted_at__gte=start, submitted_at__lt=end)


# The definitions as query conditions -----------------------------------------------------------------------------


def _withdrawn_when_submitted() -> QuerySet:
    return TimelineEntry.objects.filter(proposal=OuterRef("pk"), action="withdraw", from_state=P.SUBMITTED)


def withdrawn_after_reaching_office() -> QuerySet:
    """Ids of proposals withdrawn from ``submitted``: the few withdrawn proposals, each looked up in its timeline
    (an uncorrelated subquery, so the database runs it once rather than once per proposal)."""
    return Proposal.objects.filter(Q(state=P.WITHDRAWN) & Exists(_withdrawn_when_submitted())).values("pk")


def received_q() -> Q:
    return Q(state__in=RECEIVED_STATES) | Q(state=P.WITHDRAWN, pk__in=withdrawn_after_reaching_office())


def registered_q() -> Q:
    return Q(state__in=REGISTERED_STATES)


def _has_confirmed_cosigner(year: int | None = None) -> Exists:
    """``year``: the proposals' year, when they are all of one (the year's co-signatures are then read alone)."""
    confirmed = Cosignature.objects.filter(proposal=OuterRef("pk"), state=CosignState.CONFIRMED)
    return Exists(confirmed if year is None else confirmed.filter(year=year))


def proposer_type_q(kind: str) -> Q:
    if kind == "collective":
        return Q(collective__isnull=False)
    if kind == "joint":
        return Q(collective__isnull=True) & _has_confirmed_cosigner()
    if kind == "individual":
        return Q(collective__isnull=True) & ~_has_confirmed_cosigner()
    if kind == "member":
        return Q(collective__isnull=True)
    raise ValueError(kind)


def _current_reply_condition(prefix: str, assignment: str) -> Q:
    """The latest approved reply of an assignment owing one (selectors.current_replies), without comparing replies:
    a round's reply is approved at most once and re-handling (round + 1) only follows an approved reply, so the
    latest approved reply is the current round's once the assignment is replied again, else the round before.

    ``prefix`` leads to the reply's fields, ``assignment`` to its assignment's (from the reply or the assignment).
    """
    a = f"{assignment}__" if assignment else ""
    replied = Q(**{f"{a}state": AssignmentState.REPLIED})
    return (
        Q(**{f"{prefix}state": ReplyState.APPROVED})
        & ~Q(**{f"{a}role": AssignmentRole.CO})
        & (
            (replied & Q(**{f"{prefix}round": F(f"{a}round")}))
            | (~replied & Q(**{f"{prefix}round": F(f"{a}round") - 1}))
        )
    )


def current_replies_q() -> Q:
    """On Reply: the current replies (the ones proposers rate and whose grades are counted)."""
    return _current_reply_condition("", "assignment")


def assignment_figures(reply_model=Reply, evaluation_model=Evaluation) -> dict:
    """What the statistics count of an assignment's current reply, as expressions on Assignment (the models are
    parameters for the migration that first stores them): its final grade, whether it was approved by the
    assignment's due date, and the rating the assignment's own proposal gave it ("" where there is none)."""
    current = reply_model.objects.filter(current_replies_q(), assignment=OuterRef("pk"))
    own_rating = evaluation_model.objects.filter(
        _current_reply_condition("reply__", "reply__assignment"), reply__assignment=OuterRef("pk")
    ).filter(proposal=OuterRef("proposal"))
    return {
        "current_grade": Coalesce(Subquery(current.annotate(g=_final_grade()).values("g")[:1]), Value("")),
        "replied_on_time": Exists(current.filter(approved_at__date__lte=OuterRef("due_date"))),
        "proposer_rating": Coalesce(Subquery(own_rating.values("satisfaction")[:1]), Value("")),
    }


def refresh_assignment_figures(assignments: QuerySet) -> int:
    """Store ``assignment_figures`` on these assignments (``action_done`` does it for the proposal's after every
    action that changes a figure). Returns how many were written."""
    return assignments.update(**assignment_figures())


def _final_grade(prefix: str = ""):
    return Case(When(**{f"{prefix}office_grade": ""}, then=F(f"{prefix}grade")), default=F(f"{prefix}office_grade"))


def _on_time() -> Exists:
    return Exists(
        Reply.objects.filter(
            assignment=OuterRef("pk"),
            round=OuterRef("round"),
            state=ReplyState.APPROVED,
            approved_at__date__lte=OuterRef("due_date"),
        )
    )


def handling_q(kind: str, today: datetime.date) -> Q:
    """A condition on an assignment (see the module docstring)."""
    owes = ~Q(role=AssignmentRole.CO)
    if kind == "owes":
        return owes
    if kind == "replied":
        return owes & Q(state=AssignmentState.REPLIED)
    if kind == "on_time":
        return owes & Q(state=AssignmentState.REPLIED) & _on_time()
    if kind == "overdue":
        # Only while the proposal is being handled: a co-handler that never sent its opinion is not "overdue"
        # once the proposal has been replied to.
        return Q(state__in=OPEN_ASSIGNMENT, due_date__lt=today, proposal__state__in=(P.ASSIGNED, P.REHANDLING))
    raise ValueError(kind)


def _truthy(value) -> bool:
    return value in (True, "1", "true")


def apply_report_filters(qs: QuerySet[Proposal], filters: dict | None, *, today=None) -> QuerySet[Proposal]:
    """The figures' filters on a proposal queryset. An invalid value matches nothing (never everything).

    ``handling`` applies to the assignment of the ``unit`` filter when one is given, else to any assignment.
    """
    f = filters or {}
    today = today or timezone.localdate()
    for key, field in (
        ("session", "session_id"),
        ("collective", "collective_id"),
        ("sector", "lead_sector_id"),
        ("party", "lead_party_id"),
    ):
        if f.get(key) not in (None, ""):
            value = _int(f[key])
            if value is None:
                return qs.none()
            qs = qs.filter(**{field: value})
    if f.get("term") not in (None, ""):
        term = Term.objects.filter(pk=_int(f["term"]) or 0).first()
        if term is None:
            return qs.none()
        qs = qs.filter(term_q(term))
    if _truthy(f.get("received")):
        qs = qs.filter(received_q())
    if _truthy(f.get("registered")):
        qs = qs.filter(registered_q())
    if f.get("proposer_type"):
        if f["proposer_type"] not in (*PROPOSER_TYPES, "member"):
            return qs.none()
        qs = qs.filter(proposer_type_q(f["proposer_type"]))
    if f.get("filing"):
        if f["filing"] not in ("session", "ordinary"):
            return qs.none()
        qs = qs.filter(is_session_proposal=f["filing"] == "session")
    if f.get("grade"):
        replies = Reply.objects.filter(current_replies_q(), assignment__proposal=OuterRef("pk"))
        qs = qs.filter(Exists(replies.annotate(final=_final_grade()).filter(final=str(f["grade"]))))
    if f.get("satisfaction"):
        if f["satisfaction"] not in Satisfaction.values:
            return qs.none()
        rated = Evaluation.objects.filter(
            _current_reply_condition("reply__", "reply__assignment"),
            reply__assignment__proposal=OuterRef("pk"),
            satisfaction=f["satisfaction"],
        )
        qs = qs.filter(Exists(rated))
    if f.get("handling"):
        if f["handling"] not in HANDLING_FILTERS:
            return qs.none()
        assignments = Assignment.objects.filter(proposal=OuterRef("pk")).exclude(state=AssignmentState.REASSIGNED)
        if f.get("unit") not in (None, ""):
            unit = _int(f["unit"])
            if unit is None:
                return qs.none()
            assignments = assignments.filter(unit_id=unit)
        qs = qs.filter(Exists(assignments.filter(handling_q(f["handling"], today))))
    return qs


# The figures -----------------------------------------------------------------------------------------------------


def _fig(scope: Scope, value, **filters) -> dict:
    for key, v in filters.items():
        filters[key] = str(v)
    return {"value": value or 0, "filters": {**scope.filters, **filters}}


def _pair(scope: Scope, row: dict, **filters) -> dict:
    return {
        "received": _fig(scope, row["received"], received=1, **filters),
        "registered": _fig(scope, row["registered"], registered=1, **filters),
    }


class _Count(Count):
    """COUNT whose values the database already returns as ints: skips Django's per-value int() conversion, which
    at province scale is tens of thousands of calls per report."""

    @property
    def convert_value(self):
        return self._convert_value_noop


def _proposal_columns() -> dict:
    """The proposal counts, each a conditional COUNT over the proposals in scope. No subquery here: proposals
    withdrawn after reaching the office are counted apart (``_statistics``) and added to "received"."""
    in_office = Q(state__in=RECEIVED_STATES)
    conditions = {  # "received" and "registered" first: _statistics reads them by position
        "received": in_office,
        "registered": registered_q(),
        "pending": Q(state=P.SUBMITTED),
        "merged": Q(state=P.MERGED),
        "converted": Q(state=P.CONVERTED),
        "rejected": Q(state=P.REJECTED),
        "session_proposals": in_office & Q(is_session_proposal=True),
        "key": Q(key_state=KeyState.APPROVED),
        "excellent": Q(excellent_state=ExcellentState.APPROVED),
        **{f"state_{state}": Q(state=state) for state in REGISTERED_STATES},
    }
    return {name: _Count("pk", filter=condition) for name, condition in conditions.items()}


@contextmanager
def _analytic_transaction():
    """PostgreSQL's JIT compiler spends longer on these aggregates than they take to run (measured at province
    scale: 1.35 s of compiling for a 0.2 s query), so it is switched off for this read-only transaction — unless
    the connection already runs with it off (settings.py does so unless DB_JIT=on), when no transaction is needed:
    the version a snapshot is stored with is read before the figures (``_recompute``), which is all its freshness
    needs."""
    options = connection.settings_dict.get("OPTIONS", {}).get("options", "")
    if connection.vendor != "postgresql" or "jit=off" in options:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


class _Reads:
    """Runs some of a computation's reads on a second database connection while the caller runs the others: at
    province scale the year's figures are about ten reads of 10–30 ms each, and PostgreSQL answers two connections
    at once on two cores (measured: 110 -> 63 ms for the reads).

    Only on PostgreSQL, outside any transaction (``settings.STATISTICS_PARALLEL_READS``): inside one, the second
    connection would not see what the transaction has written, so the reads are then run in turn, as they are on
    SQLite. Either way each read sees the data as of its own start, as reads outside a transaction always do; the
    snapshot's version is read before any of them (``_recompute``), which is what its freshness needs."""

    _pool = None
    _pool_lock = threading.Lock()

    def __init__(self):
        self.parallel = (
            connection.vendor == "postgresql"
            and not connection.in_atomic_block
            and getattr(settings, "STATISTICS_PARALLEL_READS", False)
        )

    @classmethod
    def _executor(cls) -> ThreadPoolExecutor:
        with cls._pool_lock:  # made in the process that uses it (after gunicorn forks its workers)
            if cls._pool is None:
                cls._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statistics-reads")
            return cls._pool

    def submit(self, read: Callable[[], Any]) -> Callable[[], Any]:
        """Start ``read`` (on the other connection, or now); returns what gives its result."""
        if not self.parallel:
            result = read()
            return lambda: result
        future = self._executor().submit(self._run, read)
        return future.result

    @classmethod
    def close(cls) -> None:
        """Close the second connection (it is opened again when next needed)."""
        with cls._pool_lock:
            pool = cls._pool
        if pool is not None:
            pool.submit(connections.close_all).result()

    @staticmethod
    def _run(read: Callable[[], Any]) -> Any:
        # The pool's thread keeps its own connection between computations, as a worker keeps its own between
        # requests (CONN_MAX_AGE, health checks).
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        return read()


# Who may share figures -------------------------------------------------------------------------------------------

# Everyone who may open the statistics (permissions.py, "proposals.statistics") holds one of these roles, and
# selectors.visible_proposals shows each of them every submitted proposal (``submitted_q``) plus, at most, their own
# drafts and proposals they were invited to co-sign or that were assigned to their unit — all of which are either
# submitted too or never counted: every figure counts proposals that reached the office (received, withdrawn from
# ``submitted``), their assignments (made after registration) and approved key / excellent proposals, all of them
# submitted. So their figures are those of the submitted proposals, whoever they are, and they share one snapshot
# computed from exactly those (test_statistics_snapshots checks it against each one's own live computation, for a
# user who also drafts, co-signs and works in a unit). Anyone else gets figures computed live from their own visible
# proposals and never reads or writes a snapshot.
SHARED_ROLES = frozenset({Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER})
SHARED_VISIBILITY = "submitted"


def submitted_q() -> Q:
    """Every proposal after its submission: not a draft, not withdrawn before it was ever submitted."""
    return ~Q(state=P.DRAFT) & ~Q(state=P.WITHDRAWN, submitted_at__isnull=True)


def shared_visibility(user) -> str | None:
    """The name of the snapshot the user may read, or None when the user's figures are computed live."""
    return SHARED_VISIBILITY if roles_of(user) & SHARED_ROLES else None


# Freshness -------------------------------------------------------------------------------------------------------
#
# A snapshot is served only if it was computed for today (``as_of``: "overdue now" and the date on the report) and
# for the current version of its scope. The version of a year is the sum of the weights of its StatisticsChange
# rows; session and term scopes use the sum over every year. Every write that can change a figure records a change
# of the year of the proposal it touches, in its own transaction (so the version changes exactly when the write
# commits), through two hooks:
#
# * ``workflow._move``: every state change of a proposal or an assignment (including a merge target registered by
#   the merge, and the proposal's new year on submission);
# * ``actions.proposal_act`` / ``assignment_act``: every action, whatever it writes — co-signatures, assignments,
#   replies and their grades (the office's correction is made on approval), evaluations, due dates (extensions),
#   key and excellent choices — except those in ACTIONS_WITHOUT_FIGURES, which write nothing a figure reads.
#
# Drafts (services.save_draft) are counted nowhere. Names (units, sectors, parties, collectives, categories, members,
# leaders), the order of rows and every label are not stored: they are read when the figures are assembled, so a
# rename shows at once. A term's dates are part of its snapshot's key. The second hook also stores, on each of the
# proposal's assignments, the figures of its current reply (``refresh_assignment_figures``), which the counts by unit,
# grade and satisfaction read. Data written around the services (bulk loads, the shell) must call
# ``refresh_assignment_figures`` on the assignments it touches and ``figures_changed`` (or
# ``StatisticsSnapshot.objects.all().delete()``).
#
# Only whole scopes are stored: the statistics take no other parameter. The figures' filters (REPORT_FILTER_KEYS)
# belong to the proposal list each figure links to, which applies them live, a page at a time.

SNAPSHOT_FORMAT = 1  # part of every key: raise it when the stored counts change shape or meaning
ACTIONS_WITHOUT_FIGURES = frozenset(
    {"record_contact", "request_extension", "record_supervision", "schedule_followup", "consent_publication"}
)
COMPACT_ABOVE = 500  # change rows read by a version before they are summed into one row per year


def figures_changed(obj) -> None:
    """Record, in the caller's transaction, that the figures of this proposal's (or assignment's) year change.

    An insert only: writers take no lock here and cannot wait on one another."""
    if isinstance(obj, Proposal):
        StatisticsChange.objects.create(year=obj.year)
    else:
        year = Proposal.objects.filter(pk=obj.proposal_id).values("year")
        StatisticsChange.objects.create(year=Subquery(year))


def action_done(proposal: Proposal, action: str) -> None:
    """The actions' hook: record the change (unless the action writes nothing counted) and, after commit, have the
    year's snapshot recomputed in the background so that readers find it fresh."""
    if action in ACTIONS_WITHOUT_FIGURES:
        return
    refresh_assignment_figures(Assignment.objects.filter(proposal=proposal))
    figures_changed(proposal)
    year = proposal.year
    transaction.on_commit(lambda: _schedule_refresh(year))


REFRESH_AFTER_SECONDS = 20  # writes come in bursts: one background recomputation after each
_refresh_scheduled: dict[int, float] = {}  # year -> when this process last scheduled one (time.monotonic)


def _schedule_refresh(year: int) -> None:
    now = time.monotonic()
    if now - _refresh_scheduled.get(year, -1e9) < REFRESH_AFTER_SECONDS:
        return  # the one already scheduled runs after this commit and sees it
    _refresh_scheduled[year] = now
    from .tasks import refresh_statistics

    run_after = timezone.now() + datetime.timedelta(seconds=REFRESH_AFTER_SECONDS)
    try:
        refresh_statistics.using(run_after=run_after).enqueue(year)
    except Exception:  # noqa: BLE001 - only an optimisation: the next reader recomputes
        logger.exception("could not schedule the statistics refresh of %s", year)


def _changes(scope: Scope) -> QuerySet:
    changes = StatisticsChange.objects.order_by()
    return changes.filter(year=scope.year) if scope.kind == "year" else changes


def scope_version(scope: Scope) -> int:
    return _changes(scope).aggregate(v=Sum("weight"))["v"] or 0


def compact_changes(*, batch: int = 20_000) -> int:
    """Replace each year's change rows by one row carrying their sum, in the same transaction, so that every
    version stays exactly what it was. Rows another compaction holds are skipped, rows not yet committed are not
    seen; up to ``batch`` rows a call. Returns the number of rows removed."""
    with transaction.atomic():
        rows = list(
            StatisticsChange.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "year", "weight")[:batch]
        )
        by_year: dict[int, list] = {}
        for pk, year, weight in rows:
            by_year.setdefault(year, []).append((pk, weight))
        merged = {year: items for year, items in by_year.items() if len(items) > 1}
        removed = [pk for items in merged.values() for pk, _w in items]
        for i in range(0, len(removed), 500):  # within every database's limit of query parameters
            StatisticsChange.objects.filter(pk__in=removed[i : i + 500]).delete()
        StatisticsChange.objects.bulk_create(
            [StatisticsChange(year=year, weight=sum(w for _pk, w in items)) for year, items in merged.items()]
        )
        return len(removed) - len(merged)


def snapshot_key(scope: Scope, visibility: str = SHARED_VISIBILITY) -> str:
    if scope.kind == "session":
        where = f"session:{scope.session.pk}"
    elif scope.kind == "term":
        where = f"term:{scope.term.pk}:{scope.term.starts_on}:{scope.term.ends_on}"
    else:
        where = f"year:{scope.year}"
    # The grades configured decide which grade rows have zeros: a new setting starts new snapshots.
    return f"{SNAPSHOT_FORMAT}:{visibility}:{where}:{','.join(c for c, _label in conf('GRADES'))}"


# The figures -----------------------------------------------------------------------------------------------------


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
        return _assemble(self.scope, self.counts, self.as_of, self.base, unit_limit=unit_limit, list_limit=list_limit)


def proposal_statistics(*, user, scope: Scope, today: datetime.date | None = None) -> dict:
    """All figures of the report as plain data (the page, the API, the workbook and the report read this)."""
    return statistics_report(user=user, scope=scope, today=today).figures()


def statistics_report(*, user, scope: Scope, today: datetime.date | None = None) -> Report:
    """The figures the user may see: the office, leaders and overseers read the stored snapshot while it is fresh
    (one query for the counts, then names and the key and excellent proposals: seven in all) and recompute and
    store it when it is not; anyone else gets them computed live (``live_report``).

    A computation is a fixed number of queries, whatever the numbers of proposals and units: one pass over the
    proposals grouped by category, sector, party and collective (their combinations are summed here), one over
    those withdrawn after reaching the office, one over the joint ones, two over the assignments (by unit; by the
    grade and rating of their current replies, which each assignment carries: ``assignment_figures``), one for the
    overdue ones, one for ratings on behalf of merged proposals, one for the members; four of them on a second
    connection at the same time (``_Reads``). Measured in-process at province scale (300,000 proposals over ten
    years, 3,000 units; PostgreSQL 15, year 2025): a snapshot read ≈ 60 ms for the page and ≈ 80 ms for the API
    (2.1 MB of JSON), a read right after a change (which recomputes) ≈ 165 and 180 ms.
    """
    today = today or timezone.localdate()
    visibility = shared_visibility(user)
    if visibility is None:
        return live_report(user=user, scope=scope, today=today)
    key = snapshot_key(scope, visibility)
    fresh = (
        StatisticsSnapshot.objects.filter(key=key, as_of=today, version=_current_version(scope))
        .values_list("computed_at", "figures")
        .first()
    )
    if fresh is not None:
        return Report(scope, fresh[1], today, fresh[0], from_snapshot=True, base=_shared_base(scope))
    return _recompute(scope, key, today)


def live_report(*, user, scope: Scope, today: datetime.date | None = None) -> Report:
    """The figures computed now from the proposals the user may see, without any snapshot."""
    from .selectors import visible_proposals

    today = today or timezone.localdate()
    base = visible_proposals(user).filter(scope.q()).order_by()
    with _analytic_transaction():
        counts = _count(base, today, year=scope.calendar_year)
    return Report(scope, counts, today, timezone.now(), from_snapshot=False, base=base)


def _current_version(scope: Scope) -> Coalesce:
    """``scope_version`` as an expression (SUM without GROUP BY: one row, NULL before the first change)."""
    total = _changes(scope).annotate(v=Func(F("weight"), function="SUM")).values("v")
    return Coalesce(Subquery(total), 0, output_field=BigIntegerField())


def _recompute(scope: Scope, key: str, today: datetime.date) -> Report:
    """Compute and store the snapshot. The version is read first, so the counts are at least as new as the version
    they are stored with: a change committed meanwhile makes the next read recompute, never serves old counts.
    Two requests recomputing at once both store; the last one's row stays (each is valid for its version)."""
    version = _changes(scope).aggregate(v=Sum("weight"), rows=Count("pk"))
    base = _shared_base(scope)
    with _analytic_transaction():
        counts = _count(base, today, year=scope.calendar_year, whole_year=scope.kind == "year")
    computed_at = timezone.now()
    StatisticsSnapshot.objects.bulk_create(
        [StatisticsSnapshot(key=key, as_of=today, version=version["v"] or 0, computed_at=computed_at, figures=counts)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["as_of", "version", "computed_at", "figures"],
    )
    if version["rows"] > COMPACT_ABOVE:
        compact_changes()
    return Report(scope, counts, today, computed_at, from_snapshot=False, base=base)


def _shared_base(scope: Scope) -> QuerySet:
    return Proposal.objects.filter(submitted_q(), scope.q()).order_by()


def refresh_snapshot(scope: Scope, today: datetime.date | None = None) -> bool:
    """Recompute the shared snapshot of the scope unless it is fresh (the background task; idempotent). Returns
    whether it recomputed."""
    today = today or timezone.localdate()
    key = snapshot_key(scope)
    if StatisticsSnapshot.objects.filter(key=key, as_of=today, version=scope_version(scope)).exists():
        return False
    _recompute(scope, key, today)
    return True


def _count(base: QuerySet, today: datetime.date, *, year: int | None = None, whole_year: bool = False) -> dict:
    """The counts behind every figure of the proposals in ``base`` (the scope's, as some user sees them), as JSON
    data: ids and numbers only, no names, labels or filters (``_assemble`` adds them). ``year``: the scope's year,
    when it is one (its assignments are then read from the index on their year). ``whole_year``: ``base`` is every
    submitted proposal of that year (the shared snapshot's): every assignment of the year belongs to one of them
    (only a registered proposal is assigned), so the assignments are counted by their year alone, without looking
    up their proposals (at province scale: by unit 30 -> 12 ms, by grade 24 -> 8 ms)."""
    withdrawn_received = base.filter(Q(state=P.WITHDRAWN) & Exists(_withdrawn_when_submitted()))
    # The assignments in scope, by unit, then by the grade and the rating of their current replies: two passes over
    # the assignments alone, which carry those figures (``assignment_figures``). "Overdue now" needs the proposal's
    # state: it is counted apart, over the proposals being handled only.
    in_scope = base.values("pk")
    handling = base.filter(state__in=(P.ASSIGNED, P.REHANDLING)).values("pk")
    assignments = Assignment.objects.exclude(state=AssignmentState.REASSIGNED)
    if year is not None:
        assignments = assignments.filter(year=year)
    if not (whole_year and year is not None):
        assignments = assignments.filter(proposal__in=in_scope)
    replied = handling_q("replied", today)
    # Ratings given on behalf of proposals merged into the ones in scope (the only other evaluating proposals).
    # Such a rating is always of a reply to the proposal it was merged into (evaluate and close rate a proposal's
    # replies on behalf of it and of the proposals merged into it), so naming those merged proposals selects the
    # same rows while letting the database start from them rather than from every rating ever given (at province
    # scale, ten years: 130-200 ms -> 30 ms).
    merged_in_scope = Proposal.objects.filter(state=P.MERGED, merged_into__in=in_scope).values("pk")

    # Half of the reads on a second connection while this one makes the others (``_Reads``).
    reads = _Reads()
    # Joint proposals (a confirmed co-signer, not in a collective's name) in a pass of their own, so that the
    # grouping below tests no co-signature per proposal.
    joint_read = reads.submit(
        lambda: (
            base.filter(_has_confirmed_cosigner(year), collective__isnull=True)
            .order_by()
            .aggregate(
                received=_Count(
                    "pk",
                    filter=Q(state__in=RECEIVED_STATES) | (Q(state=P.WITHDRAWN) & Exists(_withdrawn_when_submitted())),
                ),
                registered=_Count("pk", filter=registered_q()),
            )
        )
    )
    units_read = reads.submit(
        lambda: list(
            assignments.order_by()
            .values("unit_id")
            .annotate(  # counted by unit (never null), so that the rows are read from the index alone
                assigned=_Count("unit"),
                owes=_Count("unit", filter=handling_q("owes", today)),
                replied=_Count("unit", filter=replied),
                on_time=_Count("unit", filter=replied & Q(replied_on_time=True)),
            )
        )
    )
    grades_read = reads.submit(
        lambda: list(
            assignments.exclude(current_grade="")
            .order_by()
            .values("current_grade", "proposer_rating")
            .annotate(n=_Count("unit"))
            .values_list("current_grade", "proposer_rating", "n")
        )
    )
    merged_ratings_read = reads.submit(
        lambda: list(
            Evaluation.objects.filter(
                _current_reply_condition("reply__", "reply__assignment"),
                proposal__in=merged_in_scope,
                reply__assignment__proposal__in=in_scope,
            )
            .order_by()
            .values("satisfaction")
            .annotate(n=Count("pk"))
            .values_list("satisfaction", "n")
        )
    )

    columns = _proposal_columns()
    # Proposals in scope grouped by what the breakdowns split on; the groups (a few thousand at most) are summed
    # below. Read from the index on the year alone on PostgreSQL (``proposal_year_scope``).
    dimensions = ("category_id", "lead_sector_id", "lead_party_id", "collective_id")
    names = list(columns)
    rows = list(
        base.values(*dimensions)
        .annotate(**columns)
        .values_list(*dimensions, *names)  # "received" and "registered" first (see _proposal_columns)
    )
    totals = {name: sum(r[i] for r in rows) for i, name in enumerate(names, start=len(dimensions))}
    # Withdrawn after reaching the office: received, and counted as withdrawn (a few rows).
    withdrawn = list(
        withdrawn_received.values(*dimensions)
        .annotate(received=_Count("pk"), session_proposals=_Count("pk", filter=Q(is_session_proposal=True)))
        .values_list(*dimensions, "received", "session_proposals")
    )
    totals["withdrawn"] = sum(r[-2] for r in withdrawn)
    totals["received"] += totals["withdrawn"]
    totals["session_proposals"] += sum(r[-1] for r in withdrawn)
    breakdowns = {key: {} for key in ("category", "sector", "party", "collective")}
    for category, sector, party, collective_id, received, registered, *_counts in (
        *rows,
        *((*r[:-1], 0) for r in withdrawn),
    ):
        for key, value in (("category", category), ("sector", sector), ("party", party), ("collective", collective_id)):
            if value is not None:
                sums = breakdowns[key].setdefault(value, [0, 0])
                sums[0] += received
                sums[1] += registered
    totals["ordinary_proposals"] = totals["received"] - totals["session_proposals"]
    collective = [sum(r[i] for r in breakdowns["collective"].values()) for i in (0, 1)]

    # handling_q("overdue"), its condition on the proposal's state being ``handling``.
    overdue = dict(
        Assignment.objects.filter(proposal__in=handling, state__in=OPEN_ASSIGNMENT, due_date__lt=today)
        .order_by()
        .values("unit_id")
        .annotate(n=_Count("pk"))
        .values_list("unit_id", "n")
    )
    # Members: lead proposers and confirmed co-signers of received proposals (the few withdrawn after reaching
    # the office in branches of their own, so the big branches need no subquery).
    in_office = base.filter(state__in=RECEIVED_STATES)
    branches = [
        rows.filter(lead_member__isnull=False).values("lead_member_id") for rows in (in_office, withdrawn_received)
    ] + [
        Cosignature.objects.filter(
            state=CosignState.CONFIRMED, proposal__in=rows.values("pk"), **({} if year is None else {"year": year})
        )
        .order_by()
        .values("member_id")
        for rows in (in_office, withdrawn_received)
    ]
    totals["members"] = branches[0].union(*branches[1:]).count()

    joint = joint_read()
    joint = [joint["received"], joint["registered"]]
    types = {
        "individual": [totals["received"] - collective[0] - joint[0], totals["registered"] - collective[1] - joint[1]],
        "joint": joint,
        "collective": collective,
    }
    units_counted = units_read()
    grades = {code: 0 for code, _label in conf("GRADES")}  # a grade no longer configured is counted as it is
    ratings = dict.fromkeys(Satisfaction.values, 0)
    for grade, rating, n in grades_read():
        grades[grade] = grades.get(grade, 0) + n
        if rating:
            ratings[rating] = ratings.get(rating, 0) + n
    for value, n in merged_ratings_read():
        ratings[value] = ratings.get(value, 0) + n
    return {
        "totals": totals,
        "types": types,
        "by_category": [[pk, *sums] for pk, sums in breakdowns["category"].items()],
        "by_sector": [[pk, *sums] for pk, sums in breakdowns["sector"].items()],
        "by_party": [[pk, *sums] for pk, sums in breakdowns["party"].items()],
        "by_collective": [[pk, *sums] for pk, sums in breakdowns["collective"].items()],
        # unit, assigned, owes a reply, replied, replied on time, overdue now
        "by_unit": [
            [u["unit_id"], u["assigned"], u["owes"], u["replied"], u["on_time"], overdue.get(u["unit_id"], 0)]
            for u in units_counted
        ],
        "grades": [[code, n] for code, n in grades.items()],
        "ratings": [[value, n] for value, n in ratings.items()],
    }


def _assemble(
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
