"""Reads of proposals that know the user: visibility rules of the spec in one place.

``visible_proposals(user)`` is the one restricted queryset (as NetBox's ``restrict(user, action)``): every read of
proposals on behalf of a person starts from it — the list, the detail, the boards, the documents, the services'
checks. Everything else here narrows it, shapes it for a screen, or reads one proposal's parts."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhengxie.accounts.roles import Role
from zhengxie.core.access import roles_of
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import HandlingUnit, Member, Session, UnitStaff
from zhengxie.people.principal import units_of

from .choices import AssignmentState, CosignState, ExtensionState, ProposalState, ReplyState
from .conf import conf
from .models import (
    Assignment,
    Attachment,
    Category,
    Cosignature,
    Evaluation,
    ExtensionRequest,
    Proposal,
    Reply,
    TimelineEntry,
)
from .statistics.definitions import apply_report_filters

P = ProposalState
A = AssignmentState
OVERSIGHT = {Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER}
UNIT_ROLES = {Role.UNIT_STAFF, Role.UNIT_LEADER}
# States in which a proposal has never been assigned (a returned draft or a proposal out of review has none).
UNASSIGNED = (P.DRAFT, P.COSIGNING, P.SUBMITTED, P.REGISTERED, P.MERGED, P.CONVERTED, P.REJECTED, P.WITHDRAWN)
PUBLIC_TO_MEMBERS = (P.REGISTERED, P.ASSIGNED, P.REPLIED, P.EVALUATING, P.REHANDLING, P.CLOSED)
LIVE_ASSIGNMENT = (A.PENDING, A.ACCEPTED, A.DISPUTED, A.REPLY_SIGNED)
# An assignment in these states was never accepted: it has no contacts, extension requests or replies.
NEVER_ACCEPTED = (A.PENDING, A.DISPUTED, A.REASSIGNED)


def _unit_ids(user) -> list[int]:
    return units_of(user)


def reader_units(user) -> set[int]:
    """The handling units ``user`` works for (none for someone without a unit role)."""
    return set(_unit_ids(user)) if roles_of(user) & UNIT_ROLES else set()


def visible_proposals(user) -> QuerySet[Proposal]:
    """Drafts only to their author; after submission the proposers, office, leaders and overseers; registered ones
    to every member (setting); a handling unit only what is assigned to it (not reassigned away)."""
    if user is None or not user.is_authenticated:
        return Proposal.objects.none()
    roles = roles_of(user)
    rule = Q(author_id=user.pk)
    # A draft withdrawn before it was ever submitted stays its author's alone, like any draft.
    submitted = ~Q(state=P.DRAFT) & ~Q(state=P.WITHDRAWN, submitted_at__isnull=True)
    if roles & OVERSIGHT:
        rule |= submitted
    if Role.MEMBER in roles:
        rule |= Exists(Cosignature.objects.filter(proposal=OuterRef("pk"), member__user_id=user.pk)) & submitted
        if conf("MEMBERS_SEE_REGISTERED"):
            rule |= Q(state__in=PUBLIC_TO_MEMBERS)
    units = reader_units(user)
    if units:
        rule |= Exists(
            Assignment.objects.filter(proposal=OuterRef("pk"), unit_id__in=sorted(units)).exclude(state=A.REASSIGNED)
        )
    return Proposal.objects.filter(rule)


def proposal_get(*, user, pk: int) -> Proposal | None:
    """The proposal read for one request (a page, an API call), with what its header names. The workflow's
    conditions remember what they read about it on it (``facts_of``), so checking every action of the table reads
    each fact once. The relations that are mostly empty (session, supervising leader, the proposal it was merged
    into) are read when shown, and only when set."""
    if user is None or not user.is_authenticated or not isinstance(pk, int) or not -(2**63) < pk < 2**63:
        return None
    rows = visible_proposals(user).filter(pk=pk).select_related("category", "lead_member", "collective", "author")
    proposal = next(iter(rows.order_by()[:1]), None)  # one row by its key: no ORDER BY
    if proposal is not None:
        proposal._zx_facts = ProposalFacts(proposal)
    return proposal


# Lists ---------------------------------------------------------------------------------------------------------

_FLAGS = ("key", "excellent", "mine")


def _flag(value) -> bool:
    return value in (True, "1", "true")


def _number(value) -> int | None:
    """A filter's id or year: an integer a database column can hold, else None (the filter then finds nothing)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -(2**31) < number < 2**31 else None


def _list_filters(qs: QuerySet[Proposal], user, f: dict) -> QuerySet[Proposal]:
    """The list's own filters: state, year, category, unit, proposer and the flags key, excellent, mine."""
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    numbers = {key: _number(f[key]) for key in ("year", "category", "unit", "proposer") if f.get(key)}
    if None in numbers.values():
        return qs.none()
    if "year" in numbers:
        qs = qs.filter(year=numbers["year"])
    if "category" in numbers:
        qs = qs.filter(category_id=numbers["category"])
    if "unit" in numbers:
        live = Assignment.objects.filter(proposal=OuterRef("pk"), unit_id=numbers["unit"]).exclude(state=A.REASSIGNED)
        qs = qs.filter(Exists(live))
    if "proposer" in numbers:
        confirmed = Cosignature.objects.filter(
            proposal=OuterRef("pk"), member_id=numbers["proposer"], state=CosignState.CONFIRMED
        )
        qs = qs.filter(Q(lead_member_id=numbers["proposer"]) | Exists(confirmed))
    if _flag(f.get("key")):
        qs = qs.filter(key_state="approved")
    if _flag(f.get("excellent")):
        qs = qs.filter(excellent_state="approved")
    if _flag(f.get("mine")):
        mine = Cosignature.objects.filter(proposal=OuterRef("pk"), member__user_id=user.pk)
        qs = qs.filter(Q(author_id=user.pk) | Exists(mine))
    return qs


# Unnumbered (not yet registered) proposals last on every database: PostgreSQL puts NULLs first when descending.
# Numbers start at 1, so COALESCE(seq, 0) orders as "seq DESC NULLS LAST" and, unlike NULLS LAST, can be indexed
# on SQLite too (Proposal.Meta's proposal_list_order serves this ORDER BY).
_LIST_ORDER = ("-year", Coalesce("seq", Value(0)).desc(), "-id")


def proposal_list(*, user, filters: dict | None = None) -> QuerySet[Proposal]:
    """The proposals ``user`` sees that match the list's filters (and the statistics' ones, which link each figure
    to its proposals), newest first."""
    f = filters or {}
    qs = _list_filters(visible_proposals(user), user, f)
    q = (f.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number=q) | Q(suggestions__icontains=q))
    # The statistics' filters (session, term, received, proposer_type, grade, handling …), defined with the figures.
    return apply_report_filters(qs, f).select_related("category", "lead_member", "collective").order_by(*_LIST_ORDER)


# What a list row shows (``read_models.ListRow``): not the proposals' texts, nor the proposers' personal data.
LIST_ROW_FIELDS = (
    *("number", "title", "year", "seq", "state", "key_state", "excellent_state", "submitted_at", "registered_at"),
    *("imported", "proposer_names"),
    *("category", "lead_member", "collective", "category__name", "lead_member__name", "collective__name"),
)


def proposal_rows(*, user, filters: dict | None = None, units: bool = False) -> QuerySet[Proposal]:
    """``proposal_list`` with the columns a list row shows and its co-signers counted; ``units``: with each
    proposal's assignments that are not reassigned away, with their units' names (``live_assignments``: the list
    page's column of handling units), read for a page's proposals at once. The list page and the list API read
    their pages from it (a count, then a slice)."""
    cosigners = (
        Cosignature.objects.filter(proposal=OuterRef("pk"), state__in=[CosignState.INVITED, CosignState.CONFIRMED])
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        proposal_list(user=user, filters=filters)
        .only(*LIST_ROW_FIELDS)
        .annotate(cosigner_count=Coalesce(Subquery(cosigners, output_field=IntegerField()), Value(0)))
    )
    if units:
        live = (
            Assignment.objects.exclude(state=A.REASSIGNED)
            .select_related("unit")
            .only("proposal", "unit", "role", "unit__name", "unit__short_name")
            .order_by("id")
        )
        qs = qs.prefetch_related(Prefetch("assignments", queryset=live, to_attr="live_assignments"))
    return qs


def year_range(user) -> list[int]:
    """The years of the proposals ``user`` sees, from the latest down to the earliest: two index probes (the first
    and the last year), not a DISTINCT over every visible proposal (at province scale that read the whole table,
    about 115 ms on each list page). Proposals are filed every year, so the years between are the ones with
    proposals; a year where this person sees none merely lists nothing."""
    years = visible_proposals(user).values_list("year", flat=True)
    first = next(iter(years.order_by("year")[:1]), None)
    if first is None:
        return []
    last = next(iter(years.order_by("-year")[:1]))
    return list(range(last, first - 1, -1))


def categories() -> list[Category]:
    """Every category, active or not, in their order (a list's filter names past years' categories too)."""
    return list(Category.objects.all())


def can_see_replies(user, proposal, cosignatures: list[Cosignature] | None = None) -> bool:
    """``cosignatures``: the proposal's co-signatures with their members when read (``ProposalParts``)."""
    roles = roles_of(user)
    if roles & {Role.PROPOSAL_OFFICE, Role.LEADER}:
        return True
    if proposal.author_id == user.pk or any(m.author_id == user.pk for m in facts_of(proposal).merged()):
        return True
    if cosignatures is not None:
        return any(c.member.user_id == user.pk and c.state == "confirmed" for c in cosignatures)
    return proposal.cosignatures.filter(member__user=user, state="confirmed").exists()


def proposal_replies(proposal) -> list[Reply]:
    """Every reply to the proposal, oldest first, with its assignment's unit, the people who drafted, signed and
    approved it, its evaluations and its files (a read of its own, for a caller that has not read the proposal's
    parts: ``proposal_parts`` reads the replies of a page or an API detail)."""
    qs = Reply.objects.filter(assignment__proposal=proposal).select_related(
        "assignment__unit", "drafted_by", "signed_by", "approved_by"
    )
    return list(qs.prefetch_related("attachments", "evaluations").order_by("id"))


def visible_replies(
    user,
    proposal,
    replies: list[Reply] | None = None,
    *,
    assignments: list[Assignment] | None = None,
    cosignatures: list[Cosignature] | None = None,
) -> list[Reply]:
    """Replies the user may read: proposers, office and leaders see approved ones; a unit sees its own drafts and,
    when co-handling, the lead unit's reply once signed. ``replies``, ``assignments``, ``cosignatures``: the
    proposal's, when already read (``proposal_parts``)."""
    replies = proposal_replies(proposal) if replies is None else replies
    roles = roles_of(user)
    units = set(_unit_ids(user)) if roles & {Role.UNIT_STAFF, Role.UNIT_LEADER} else set()
    if roles & {Role.PROPOSAL_OFFICE}:
        # Only a signed reply leaves the unit: the office reads no unit's drafts.
        return [r for r in replies if r.state != ReplyState.DRAFT or r.assignment.unit_id in units]
    shown = []
    proposer_view = can_see_replies(user, proposal, cosignatures)
    assignments = proposal.assignments.all() if assignments is None else assignments
    my_roles = {a.role for a in assignments if a.unit_id in units}
    for r in replies:
        if r.assignment.unit_id in units:
            shown.append(r)
        elif r.state == ReplyState.APPROVED and proposer_view:
            shown.append(r)
        elif "co" in my_roles and r.assignment.role == "lead" and r.state in (ReplyState.SIGNED, ReplyState.APPROVED):
            shown.append(r)
    return shown


def timeline_entries(proposal, *, assignments: list[Assignment] | None = None) -> list[TimelineEntry]:
    """Every entry of the proposal's timeline, oldest first, for ``timeline`` to filter for a reader.
    ``assignments``: all the proposal's assignments when the caller has read them (no join is then needed)."""
    entries = TimelineEntry.objects.filter(proposal=proposal).order_by("at", "id")
    return list(entries if assignments is not None else entries.select_related("assignment"))


# A reply's columns and, of the people who drafted, signed and approved it, their names: nothing else of their
# accounts (a mobile number would be decrypted for nothing).
REPLY_FIELDS = (
    *("assignment", "round", "text", "grade", "office_grade", "grade_note", "state", "return_comment"),
    *("drafted_by", "drafted_at", "signed_by", "signed_at", "approved_by", "approved_at"),
    *(f"{who}__{name}" for who in ("drafted_by", "signed_by", "approved_by") for name in ("username", "display_name")),
)


@dataclass
class ProposalParts:
    """Everything shown with one proposal, read once for its page or its API detail (``proposal_parts``)."""

    assignments: list[Assignment]  # with their unit and, once accepted, their extension requests (``.extensions``)
    replies: list[Reply]  # every reply, oldest first, with its assignment, people, ``files`` and, once approved,
    # its evaluations
    timeline: list[TimelineEntry]  # every entry, oldest first
    files: list[Attachment]  # every file: the proposal's own and its replies'
    cosignatures: list[Cosignature]  # with the member's name, account and sector
    suggested_units: list[HandlingUnit]  # by id

    @property
    def own_files(self) -> list[Attachment]:
        return [f for f in self.files if f.reply_id is None]


def proposal_parts(proposal) -> ProposalParts:
    """The proposal's parts (``ProposalParts``), handed to the workflow's facts about it (``ProposalFacts.prime``).
    What cannot exist yet is not read: a proposal never assigned has no assignments, an assignment never accepted
    has no extension requests or replies, and only an approved reply has ratings. A unit's contacts with the
    proposers are read when shown (``read_models.ProposalDetail.contacts``)."""
    if proposal.session_id is not None:
        proposal.session = Session.objects.select_related("term").get(pk=proposal.session_id)
    assignments: list[Assignment] = []
    if proposal.state not in UNASSIGNED:
        assignments = list(Assignment.objects.filter(proposal=proposal).select_related("unit").order_by("id"))
    for a in assignments:
        a.proposal = proposal
    accepted = [a for a in assignments if a.state not in NEVER_ACCEPTED]
    replies: list[Reply] = []
    if accepted:
        prefetch_related_objects(accepted, Prefetch("extensions", queryset=ExtensionRequest.objects.order_by("id")))
        replies = list(
            Reply.objects.filter(assignment__proposal=proposal)
            .select_related("drafted_by", "signed_by", "approved_by")
            .only(*REPLY_FIELDS)
            .order_by("id")
        )
        # Only an approved reply is rated.
        approved = [r for r in replies if r.state == ReplyState.APPROVED]
        prefetch_related_objects(approved, Prefetch("evaluations", queryset=Evaluation.objects.order_by("id")))
    files = list(Attachment.objects.filter(proposal=proposal).order_by("id"))
    by_id = {a.pk: a for a in assignments}
    for r in replies:
        r.assignment = by_id[r.assignment_id]
        r.files = [f for f in files if f.reply_id == r.pk]
    parts = ProposalParts(
        assignments=assignments,
        replies=replies,
        timeline=list(TimelineEntry.objects.filter(proposal=proposal).order_by("at", "id")),
        files=files,
        # The page and the API name each co-signer and their sector: nothing else of the member (no personal data).
        cosignatures=list(
            Cosignature.objects.filter(proposal=proposal)
            .select_related("member__sector")
            .only("proposal_id", "state", "answered_at", "member__name", "member__user_id", "member__sector__name")
            .order_by("id")
        ),
        suggested_units=list(HandlingUnit.objects.filter(suggested_for=proposal).only("id", "name").order_by("id")),
    )
    pending = {e.assignment_id for a in accepted for e in a.extensions.all() if e.state == ExtensionState.PENDING}
    facts_of(proposal).prime(
        replies=replies, assignments=assignments, pending_extensions=pending, timeline=parts.timeline
    )
    return parts


def timeline(
    user, proposal, *, assignments: list[Assignment] | None = None, entries: list[TimelineEntry] | None = None
) -> list[TimelineEntry]:
    """The proposal's timeline as ``user`` may see it: a unit's internal steps only to that unit and to oversight.
    ``assignments``: all the proposal's assignments when the caller has read them (no join is then needed);
    ``entries``: every entry, when already read (``timeline_entries``)."""
    if entries is None:
        entries = timeline_entries(proposal, assignments=assignments)
    if roles_of(user) & OVERSIGHT:
        return list(entries)
    units = set(_unit_ids(user))
    if assignments is None:
        unit_of = {e.assignment_id: e.assignment.unit_id for e in entries if e.assignment is not None}
    else:
        unit_of = {a.pk: a.unit_id for a in assignments}
    return [e for e in entries if not e.internal or unit_of.get(e.assignment_id) in units]


def current_replies(proposal, replies: list[Reply] | None = None) -> list[Reply]:
    """The latest approved reply of each assignment that owes one (the ones proposers rate). ``replies``: all the
    proposal's replies already read with their assignments and evaluations (``proposal_parts``), to pick from
    instead of a query."""
    latest: dict[int, Reply] = {}
    if replies is not None:
        for r in sorted(replies, key=lambda r: r.pk):
            if r.state == ReplyState.APPROVED and r.assignment.role != "co":
                latest[r.assignment_id] = r
        return list(latest.values())
    qs = (
        Reply.objects.filter(assignment__proposal=proposal, state=ReplyState.APPROVED)
        .exclude(assignment__role="co")
        .select_related("assignment")
        .prefetch_related(Prefetch("evaluations", queryset=Evaluation.objects.all()))
    )
    for r in qs.order_by("id"):
        latest[r.assignment_id] = r
    return list(latest.values())


def evaluating_proposals(proposal) -> list[Proposal]:
    """The proposal and the ones merged into it: each proposer rates each reply."""
    return [proposal, *proposal.merged_proposals.all()]


def evaluations_outstanding(
    proposal, *, current: list[Reply] | None = None, merged: list[Proposal] | None = None
) -> list[tuple[Reply, Proposal]]:
    """(reply, proposal rated on behalf of) of every rating still to be given. ``current`` and ``merged``: the
    current replies and the merged proposals when already read."""
    current = current_replies(proposal) if current is None else current
    if not current:
        return []
    evaluating = evaluating_proposals(proposal) if merged is None else [proposal, *merged]
    pending = []
    for reply in current:
        rated = {e.proposal_id for e in reply.evaluations.all()}
        pending.extend((reply, p) for p in evaluating if p.pk not in rated)
    return pending


def replies_awaiting_evaluation(proposal, user) -> list[tuple[Reply, Proposal]]:
    outstanding = facts_of(proposal).evaluations_outstanding()
    return [(r, p) for r, p in outstanding if p.author_id == getattr(user, "pk", None)]


class ProposalFacts:
    """What the workflow's conditions and relations read about one proposal (its current replies, the proposals
    merged into it, which assignments have a draft reply or a pending extension, the reader's posts in handling
    units), each read at most once.

    A proposal read for a request by ``proposal_get`` keeps its facts (``facts_of``): a page or an API call checks
    every action of the table for the proposal and for each of its assignments, and so reads each fact once. A page
    that has read the replies or the assignments already hands them over (``prime``). Anywhere else — the services
    above all, which must see the rows they have just locked — ``facts_of`` gives fresh facts to each check."""

    def __init__(self, proposal):
        self.proposal = proposal
        self._current: list[Reply] | None = None
        self._merged: list[Proposal] | None = None
        self._outstanding: list[tuple[Reply, Proposal]] | None = None
        self._drafts: set[int] | None = None
        self._pending_extensions: set[int] | None = None
        self._posts: dict[int, dict[int, bool]] = {}

    def prime(
        self,
        *,
        replies: list[Reply],
        assignments: list[Assignment],
        pending_extensions: set[int],
        timeline: list[TimelineEntry],
    ) -> None:
        """What ``proposal_parts`` read: all the proposal's replies and assignments, the assignments with a pending
        extension request, and every entry of its timeline. A merge writes a "merged_in" entry on the proposal
        merged into (``actions._merge``): without one, no proposal was merged into it, and the facts need not look
        for any."""
        if self._merged is None and not any(e.action == "merged_in" for e in timeline):
            self._merged = []
        self._current = current_replies(self.proposal, replies)
        rounds = {a.pk: a.round for a in assignments}
        self._drafts = {
            r.assignment_id for r in replies if r.state == ReplyState.DRAFT and r.round == rounds.get(r.assignment_id)
        }
        self._pending_extensions = set(pending_extensions)

    def current_replies(self) -> list[Reply]:
        if self._current is None:
            self._current = current_replies(self.proposal)
        return self._current

    def merged(self) -> list[Proposal]:
        if self._merged is None:
            self._merged = list(self.proposal.merged_proposals.select_related("author").order_by("id"))
        return self._merged

    def evaluations_outstanding(self) -> list[tuple[Reply, Proposal]]:
        if self._outstanding is None:
            current = self.current_replies()
            self._outstanding = evaluations_outstanding(self.proposal, current=current, merged=self.merged())
        return self._outstanding

    def has_draft_reply(self, assignment) -> bool:
        """A reply drafted in the assignment's current round, waiting for the unit leader's signature."""
        if self._drafts is None:
            self._drafts = set(
                Reply.objects.filter(
                    assignment__proposal=self.proposal, state=ReplyState.DRAFT, round=F("assignment__round")
                ).values_list("assignment_id", flat=True)
            )
        return assignment.pk in self._drafts

    def has_pending_extension(self, assignment) -> bool:
        if self._pending_extensions is None:
            self._pending_extensions = set(
                ExtensionRequest.objects.filter(
                    assignment__proposal=self.proposal, state=ExtensionState.PENDING
                ).values_list("assignment_id", flat=True)
            )
        return assignment.pk in self._pending_extensions

    def unit_post(self, user, unit_id: int) -> bool | None:
        """None when ``user`` works for no such unit, else whether they are one of its leaders. Only someone who
        holds a unit role has a post in an active unit (``people.principal.compute_roles``)."""
        posts = self._posts.get(user.pk)
        if posts is None:
            posts = {}
            if roles_of(user) & {Role.UNIT_STAFF, Role.UNIT_LEADER}:
                rows = UnitStaff.objects.filter(user=user).order_by("id").values_list("unit_id", "is_leader")
                for unit, is_leader in rows:
                    posts.setdefault(unit, is_leader)
            self._posts[user.pk] = posts
        return posts.get(unit_id)


def facts_of(proposal) -> ProposalFacts:
    """The facts remembered on a proposal read for a request (``proposal_get``), else fresh ones."""
    return getattr(proposal, "_zx_facts", None) or ProposalFacts(proposal)


HANDLING_PROPOSAL = (P.ASSIGNED, P.REHANDLING)


def is_overdue(assignment, today: datetime.date | None = None) -> bool:
    """Still open past its due date while the proposal is being handled."""
    today = today or timezone.localdate()
    return (
        assignment.state in LIVE_ASSIGNMENT
        and assignment.due_date < today
        and assignment.proposal.state in HANDLING_PROPOSAL
    )


def assignment_board(
    *, user, unit_id: int | None = None, filters: dict | None = None, own_units: list[int] | None = None
) -> QuerySet[Assignment]:
    """Assignments of the user's units (or, for the office, leaders and overseers, of any unit). ``own_units``: the
    user's units as ``units_of(user)`` gives them, when the caller has read them: the board is then limited to them,
    for someone who also holds an oversight role too. The proposals' long texts are not read: a board shows their
    number and title."""
    roles = roles_of(user)
    qs = (
        Assignment.objects.select_related("proposal", "unit")
        .defer("proposal__analysis", "proposal__suggestions", "proposal__office_comment")
        .exclude(state=AssignmentState.REASSIGNED)
    )
    if own_units is not None:
        qs = qs.filter(unit_id__in=own_units)
    elif not roles & OVERSIGHT:
        qs = qs.filter(unit_id__in=_unit_ids(user))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    f = filters or {}
    today = timezone.localdate()
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("overdue") in (True, "1", "true"):
        qs = qs.filter(state__in=LIVE_ASSIGNMENT, due_date__lt=today)
    if f.get("due_within"):
        qs = qs.filter(
            state__in=LIVE_ASSIGNMENT,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=int(f["due_within"])),
        )
    if f.get("year"):
        qs = qs.filter(proposal__year=f["year"])
    return qs.order_by("due_date", "id")


# Type-ahead ------------------------------------------------------------------------------------------------------


def units_named(text: str) -> QuerySet[HandlingUnit]:
    """Active handling units whose name or short name contains ``text``, those whose name or short name begins with
    it first, then by name (the unit fields of the proposal pages; every active unit may be chosen there)."""
    text = text.strip()
    qs = HandlingUnit.objects.filter(is_active=True)
    if not text:
        return qs.order_by("name", "id")
    first = Case(
        When(Q(name__istartswith=text) | Q(short_name__istartswith=text), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return qs.filter(Q(name__icontains=text) | Q(short_name__icontains=text)).order_by(first, "name", "id")


def cosigners_named(user, text: str) -> QuerySet[Member]:
    """Serving members, other than ``user``, whose name contains ``text`` (those whose name begins with it first):
    the co-signers a member may invite (the draft editor's ``cosigner_ids``)."""
    text = text.strip()
    qs = Member.objects.filter(status=MemberStatus.SERVING).exclude(user=user).select_related("sector")
    if not text:
        return qs.order_by("name", "id")
    first = Case(When(name__istartswith=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.filter(name__icontains=text).order_by(first, "name", "id")
