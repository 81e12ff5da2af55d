"""One read model per screen: what a screen shows, built once from the reader and the object, then rendered by the
page template and serialised by the API. Who may see which part is decided here alone, so the page and the API
cannot drift apart (``tests/test_page_api_agreement.py`` walks every demo account over both).

- ``proposal_detail(user, proposal)``: a proposal with the parts its reader may see and the actions they may take;
- ``list_rows(proposals)``: the rows of a proposal list (``selectors.proposal_rows``);
- ``unit_board_rows(assignments, …)``: the rows of a handling unit's board.

The models hold plain values and the rows they were read from; how a value is written (a date as text, a label) is
the page's or the API's business.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from zhengxie.accounts.roles import Role
from zhengxie.core.access import roles_of
from zhengxie.followup import services as followup
from zhengxie.followup.choices import Source as FollowupSource
from zhengxie.opinions import services as opinions
from zhengxie.workdays.services import add_months

from . import selectors
from . import workflow as wf
from .choices import (
    AssignmentRole,
    AssignmentState,
    ExcellentState,
    ExtensionState,
    KeyState,
    ProposalState,
    ReplyState,
)
from .conf import conf
from .models import Assignment, Attachment, Contact, Cosignature, Evaluation, ExtensionRequest, Proposal, Reply

A = AssignmentState


@dataclass(frozen=True)
class Reader:
    """Who reads a screen, as far as what it shows depends on it."""

    user: object
    roles: frozenset
    units: frozenset[int]  # the handling units they work for

    @classmethod
    def of(cls, user) -> "Reader":
        return cls(user=user, roles=roles_of(user), units=frozenset(selectors.reader_units(user)))

    @property
    def office(self) -> bool:
        return Role.PROPOSAL_OFFICE in self.roles

    @property
    def oversight(self) -> bool:
        """The office, leaders and overseers: they follow every unit's handling, internal steps included."""
        return bool(self.roles & selectors.OVERSIGHT)


# Proposal detail -----------------------------------------------------------------------------------------------


@dataclass
class ReplyPart:
    reply: Reply
    files: list[Attachment]
    evaluations: list[Evaluation]  # oldest first


@dataclass
class AssignmentPart:
    """One assignment as the reader may see it."""

    assignment: Assignment
    overdue: bool
    internal: bool  # the reader sees the unit's internal steps: dispute reason, reassignment note, extension requests
    co_opinion: str  # a co-handler's opinion, "" when there is none or it is not for this reader
    extensions: list[ExtensionRequest]  # every request, when ``internal``
    pending_extension: ExtensionRequest | None  # the request awaiting decision, when ``internal``
    replies: list[ReplyPart]  # the replies the reader may read, oldest first
    has_draft_reply: bool  # a reply drafted in the current round awaits the unit leader's signature
    allowed_actions: list[str]

    @property
    def reply(self) -> ReplyPart | None:
        """The latest reply the reader may read."""
        return self.replies[-1] if self.replies else None


@dataclass
class ProposalDetail:
    """A proposal's page and its API detail."""

    proposal: Proposal
    reader: Reader
    allowed_actions: list[str]
    assignments: list[AssignmentPart]
    cosignatures: list[Cosignature]  # with the member's name and sector
    suggested_units: list  # by id
    files: list[Attachment]  # the proposal's own files (a reply's are with the reply)
    timeline: list  # the entries the reader may see, oldest first

    @property
    def evaluations(self) -> list[tuple[Evaluation, Assignment]]:
        """Every rating of the replies the reader may read, oldest first, with the assignment rated."""
        rated = [(e, part.assignment) for part in self.assignments for r in part.replies for e in r.evaluations]
        return sorted(rated, key=lambda pair: (pair[0].at, pair[0].pk))

    @cached_property
    def contacts(self) -> dict[int, list[Contact]]:
        """Each assignment's contacts with the proposers (办前沟通), by assignment id: the page lists them."""
        accepted = [p.assignment.pk for p in self.assignments if p.assignment.state not in selectors.NEVER_ACCEPTED]
        found: dict[int, list[Contact]] = {}
        if accepted:
            for c in Contact.objects.filter(assignment__in=accepted).order_by("date", "id"):
                found.setdefault(c.assignment_id, []).append(c)
        return found

    @cached_property
    def merged(self) -> list[Proposal]:
        """The proposals merged into this one that the reader may see (the page names them)."""
        ids = [m.pk for m in selectors.facts_of(self.proposal).merged()]
        if not ids:
            return []
        return list(selectors.visible_proposals(self.reader.user).filter(pk__in=ids).order_by("id"))

    @cached_property
    def supervision(self) -> list:
        """The supervision recorded on a key proposal (the page lists it)."""
        if not self.proposal.key_state:
            return []
        return list(self.proposal.supervision_activities.select_related("recorded_by"))

    @cached_property
    def followup_documents(self) -> list:
        """A key proposal's supervision opinions (重点提案督办意见) with their recommendations' progress, kept by the
        follow-up (成果转化): the page links to them."""
        if not self.proposal.key_state:
            return []
        found = followup.documents_for_sources(source=FollowupSource.KEY_PROPOSAL, source_ids=[self.proposal.pk])
        return found.get(self.proposal.pk, [])

    @cached_property
    def converted_report(self) -> dict | None:
        """The opinion report (社情民意信息) a proposal converted to one became: the page links to it."""
        if self.proposal.state != ProposalState.CONVERTED:
            return None
        return opinions.opinion_for_proposal(proposal_id=self.proposal.pk)


def proposal_detail(user, proposal: Proposal, *, today: datetime.date | None = None) -> ProposalDetail:
    """``proposal``: read for ``user`` (``selectors.proposal_get``). Its parts are read once
    (``selectors.proposal_parts``), and the workflow's conditions find them there."""
    reader = Reader.of(user)
    today = today or timezone.localdate()
    parts = selectors.proposal_parts(proposal)
    facts = selectors.facts_of(proposal)
    visible = selectors.visible_replies(
        user, proposal, replies=parts.replies, assignments=parts.assignments, cosignatures=parts.cosignatures
    )
    replies_of: dict[int, list[ReplyPart]] = {}
    for r in visible:
        rated = r.state == ReplyState.APPROVED  # only an approved reply is rated (and its ratings read)
        evaluations = sorted(r.evaluations.all(), key=lambda e: (e.at, e.pk)) if rated else []
        replies_of.setdefault(r.assignment_id, []).append(ReplyPart(r, r.files, evaluations))
    # A co-handler's opinion goes to the lead unit: the office, the lead unit and that co-handler read it.
    lead_units = {a.unit_id for a in parts.assignments if a.role == AssignmentRole.LEAD and a.state != A.REASSIGNED}
    reads_opinions = reader.office or bool(reader.units & lead_units)
    assignments = []
    for a in parts.assignments:
        internal = reader.oversight or a.unit_id in reader.units
        accepted = a.state not in selectors.NEVER_ACCEPTED  # only then has it extension requests
        extensions = list(a.extensions.all()) if accepted and internal else []
        assignments.append(
            AssignmentPart(
                assignment=a,
                overdue=selectors.is_overdue(a, today),
                internal=internal,
                co_opinion=a.co_opinion if reads_opinions or a.unit_id in reader.units else "",
                extensions=extensions,
                pending_extension=next((e for e in extensions if e.state == ExtensionState.PENDING), None),
                replies=replies_of.get(a.pk, []),
                has_draft_reply=facts.has_draft_reply(a),
                allowed_actions=wf.allowed_assignment_actions(a, user),
            )
        )
    return ProposalDetail(
        proposal=proposal,
        reader=reader,
        allowed_actions=wf.allowed_proposal_actions(proposal, user),
        assignments=assignments,
        cosignatures=parts.cosignatures,
        suggested_units=parts.suggested_units,
        files=parts.own_files,
        timeline=selectors.timeline(user, proposal, assignments=parts.assignments, entries=parts.timeline),
    )


# Proposal lists ------------------------------------------------------------------------------------------------


@dataclass
class ListRow:
    """A row of a proposal list (the list page, the list API)."""

    pk: int
    number: str  # "" before registration
    title: str
    year: int
    state: str
    state_label: str
    category_id: int | None
    category_name: str
    proposer_kind: str  # individual | joint | collective
    proposer_name: str  # the collective's, else the lead proposer's
    member_id: int | None
    collective_id: int | None
    cosigner_count: int  # invited or confirmed
    is_key: bool
    is_excellent: bool
    submitted_at: datetime.datetime | None
    registered_at: datetime.datetime | None
    imported: bool  # 历史导入
    units: list[tuple[str, str]] = field(default_factory=list)  # (unit, role label) when read (the list page)


def list_rows(proposals) -> list[ListRow]:
    """``proposals``: a page of ``selectors.proposal_rows``."""
    states = {value: str(label) for value, label in ProposalState.choices}
    roles = {value: str(label) for value, label in AssignmentRole.choices}
    rows = []
    for p in proposals:
        if p.collective_id:
            kind, name = "collective", p.collective.name
        else:
            # An imported proposal whose first proposer matched no member keeps the names as written.
            lead = p.lead_member.name if p.lead_member_id else p.proposer_names.split("、")[0]
            kind, name = ("joint" if p.cosigner_count else "individual"), lead
        rows.append(
            ListRow(
                pk=p.pk,
                number=p.number,
                title=p.title,
                year=p.year,
                state=p.state,
                state_label=states.get(p.state, p.state),
                category_id=p.category_id,
                category_name=p.category.name if p.category_id else "",
                proposer_kind=kind,
                proposer_name=name,
                member_id=p.lead_member_id,
                collective_id=p.collective_id,
                cosigner_count=p.cosigner_count,
                is_key=p.key_state == KeyState.APPROVED,
                is_excellent=p.excellent_state == ExcellentState.APPROVED,
                submitted_at=p.submitted_at,
                registered_at=p.registered_at,
                imported=p.imported,
                units=[
                    (a.unit.short_name or a.unit.name, roles.get(a.role, a.role))
                    for a in getattr(p, "live_assignments", ())
                ],
            )
        )
    return rows


# The handling unit's board -------------------------------------------------------------------------------------


@dataclass
class UnitRow:
    """A row of a handling unit's board: the assignment and what the board says of it. ``shown``: the texts the
    page writes for it (``views_boards``)."""

    assignment: Assignment
    overdue: bool
    days_left: int | None
    contact: Contact | None = None
    contact_late: bool = False  # no contact yet and the window has passed, or the contact was recorded late
    reply: Reply | None = None  # the current round's latest reply
    answered_at: datetime.datetime | None = None  # the reply was signed, or the co-opinion sent
    approved_at: datetime.datetime | None = None  # the office approved the reply
    on_time: bool | None = None  # a replied assignment: approved by its due date, as statistics.handling_q counts
    co_due: datetime.date | None = None  # a co-handler's co-opinion is expected by this date
    co_late: bool = False
    co_sent: int = 0  # for a lead unit: co-handlers that have sent their opinion …
    co_total: int = 0  # … of all co-handlers
    shown: dict = field(default_factory=dict)

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.overdue and self.days_left is not None else 0

    def __getitem__(self, name: str):
        # The template looks a name up as an item first: answering it spares a failed lookup for every value.
        return getattr(self, name)


def unit_board_rows(assignments, *, today: datetime.date, contact_cutoff: datetime.date) -> list[UnitRow]:
    """``assignments``: a page of the board (``views_boards.unit_board``), with their ``contact_list``,
    ``reply_list`` and their proposals' ``live_assignments``. ``contact_cutoff``: an assignment accepted before it
    and without a contact is late (``views_boards._contact_overdue_before``)."""
    co_months = conf("CO_OPINION_WITHIN_MONTHS")
    rows = []
    for a in assignments:
        live = a.state in selectors.LIVE_ASSIGNMENT
        row = UnitRow(
            assignment=a,
            overdue=selectors.is_overdue(a, today),
            days_left=(a.due_date - today).days if live else None,
        )
        round_replies = [r for r in a.reply_list if r.round == a.round]
        row.reply = round_replies[-1] if round_replies else None
        if a.state == A.ACCEPTED:
            row.contact = a.contact_list[0] if a.contact_list else None
            accepted = timezone.localdate(a.accepted_at or a.assigned_at)
            row.contact_late = row.contact.late if row.contact else accepted < contact_cutoff
        if a.role == AssignmentRole.CO:
            row.co_due = add_months(timezone.localdate(a.assigned_at), co_months)
            row.co_late = a.state != A.OPINION_SENT and today > row.co_due
        elif a.role == AssignmentRole.LEAD:
            co = [x for x in a.proposal.live_assignments if x.role == AssignmentRole.CO]
            row.co_total, row.co_sent = len(co), sum(1 for x in co if x.state == A.OPINION_SENT)
        if a.state == A.OPINION_SENT:
            row.answered_at = a.co_opinion_at
        elif a.state in (A.REPLY_SIGNED, A.REPLIED):
            signed = [r for r in round_replies if r.state in (ReplyState.SIGNED, ReplyState.APPROVED)]
            if signed:
                row.answered_at, row.approved_at = signed[-1].signed_at, signed[-1].approved_at
        if a.state == A.REPLIED and row.approved_at is not None:
            row.on_time = timezone.localdate(row.approved_at) <= a.due_date
        rows.append(row)
    return rows
