"""The statistics' definitions: what each figure counts, as query conditions. The proposal list applies the same
conditions to show the proposals behind a figure (``apply_report_filters``), and the unit boards count overdue,
replied and on-time assignments by them (``handling_q``), so that every screen agrees with the report.

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
  ``current_reply_condition``). Counted per reply, so a proposal with two units counts twice. Each assignment
  carries its current reply's grade, its approval by the due date and its own proposal's rating of it, stored by
  every action that changes a figure (``assignment_figures``), so the counts read no reply.
* **satisfaction** — the ratings recorded on current replies, one per reply and evaluating proposal (a merged
  proposal's proposer rates too), counted per rating: satisfied / basically satisfied / dissatisfied / not rated
  (recorded when the office closes a proposal whose window passed without a rating). Ratings still awaited are not
  counted. Figures counted per reply or rating link to the proposals that have them.
* **key / excellent** — proposals in scope whose key / excellent status is approved.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.params import db_int
from zhengxie.people.models import Session, Term

from ..choices import LIVE_ASSIGNMENT_STATES, AssignmentRole, AssignmentState, CosignState, ReplyState, Satisfaction
from ..choices import ProposalState as P
from ..models import Assignment, Cosignature, Evaluation, Proposal, Reply, TimelineEntry

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
PROPOSER_TYPES = ("individual", "joint", "collective")
HANDLING_FILTERS = ("owes", "replied", "on_time", "overdue")
# The list filters the statistics add to selectors.proposal_list (a list page passes them through from the URL).
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
    # Beyond 64 bits is no id and no year: treated as text, so a filter by it matches nothing.
    return db_int(value)


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


def withdrawn_when_submitted() -> QuerySet:
    """The outer proposal's timeline entry of a withdrawal from ``submitted`` (for ``Exists``)."""
    return TimelineEntry.objects.filter(proposal=OuterRef("pk"), action="withdraw", from_state=P.SUBMITTED)


def withdrawn_after_reaching_office() -> QuerySet:
    """Ids of proposals withdrawn from ``submitted``: the few withdrawn proposals, each looked up in its timeline
    (an uncorrelated subquery, so the database runs it once rather than once per proposal)."""
    return Proposal.objects.filter(Q(state=P.WITHDRAWN) & Exists(withdrawn_when_submitted())).values("pk")


def received_q() -> Q:
    return Q(state__in=RECEIVED_STATES) | Q(state=P.WITHDRAWN, pk__in=withdrawn_after_reaching_office())


def registered_q() -> Q:
    return Q(state__in=REGISTERED_STATES)


def has_confirmed_cosigner(year: int | None = None) -> Exists:
    """``year``: the proposals' year, when they are all of one (the year's co-signatures are then read alone)."""
    confirmed = Cosignature.objects.filter(proposal=OuterRef("pk"), state=CosignState.CONFIRMED)
    return Exists(confirmed if year is None else confirmed.filter(year=year))


def proposer_type_q(kind: str) -> Q:
    if kind == "collective":
        return Q(collective__isnull=False)
    if kind == "joint":
        return Q(collective__isnull=True) & has_confirmed_cosigner()
    if kind == "individual":
        return Q(collective__isnull=True) & ~has_confirmed_cosigner()
    if kind == "member":
        return Q(collective__isnull=True)
    raise ValueError(kind)


def current_reply_condition(prefix: str, assignment: str) -> Q:
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
    return current_reply_condition("", "assignment")


def assignment_figures(reply_model=Reply, evaluation_model=Evaluation) -> dict:
    """What the statistics count of an assignment's current reply, as expressions on Assignment (the models are
    parameters for the migration that first stores them): its final grade, whether it was approved by the
    assignment's due date, and the rating the assignment's own proposal gave it ("" where there is none)."""
    current = reply_model.objects.filter(current_replies_q(), assignment=OuterRef("pk"))
    own_rating = evaluation_model.objects.filter(
        current_reply_condition("reply__", "reply__assignment"), reply__assignment=OuterRef("pk")
    ).filter(proposal=OuterRef("proposal"))
    return {
        "current_grade": Coalesce(Subquery(current.annotate(g=_final_grade()).values("g")[:1]), Value("")),
        "replied_on_time": Exists(current.filter(approved_at__date__lte=OuterRef("due_date"))),
        "proposer_rating": Coalesce(Subquery(own_rating.values("satisfaction")[:1]), Value("")),
    }


def refresh_assignment_figures(assignments: QuerySet) -> int:
    """Store ``assignment_figures`` on these assignments (``changes.record_change`` does it for the proposal's after
    every action that changes a figure). Returns how many were written."""
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
        return Q(state__in=LIVE_ASSIGNMENT_STATES, due_date__lt=today, proposal__state__in=(P.ASSIGNED, P.REHANDLING))
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
            current_reply_condition("reply__", "reply__assignment"),
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


def submitted_q() -> Q:
    """Every proposal after its submission: not a draft, not withdrawn before it was ever submitted."""
    return ~Q(state=P.DRAFT) & ~Q(state=P.WITHDRAWN, submitted_at__isnull=True)
