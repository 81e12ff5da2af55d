"""The proposals API's contract: what /api/v1/proposals… accepts and answers (see ``api.py``).

Action bodies are each action's input schema, declared with the action (``workflow.py``, ``inputs.py``): the engine
validates them (422 naming the fields) and the OpenAPI document lists them.
"""

import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from zhengxie.core.api_types import Id, PageNumber, Year

from .choices import ProposalState

# Errors --------------------------------------------------------------------------------------------------------


class FieldError(Schema):
    field: str | None = Field(description="The input field at fault (dotted path), or null for the whole body.")
    message: str


class ErrorOut(Schema):
    message: str = Field(description="What went wrong, in Chinese, fit to show to the user.")
    errors: list[FieldError] | None = Field(None, description="Per-field errors (422 only).")


# 401/403/404/409/422 share one shape; each operation lists the ones it can answer.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# References ----------------------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class ProposalRef(Schema):
    id: int
    number: str
    title: str


# List ----------------------------------------------------------------------------------------------------------


class ProposalFilters(Schema):
    state: ProposalState | None = Field(None, description="Only proposals in this state.")
    year: Year | None = Field(None, description="Proposal year (年度).")
    category: Id | None = Field(None, description="Category id.")
    unit: Id | None = Field(None, description="Handling unit id: proposals assigned to it (not reassigned away).")
    proposer: Id | None = Field(None, description="Member id: proposals they lead or co-signed (confirmed).")
    key: bool | None = Field(None, description="true: key proposals (重点提案) only.")
    excellent: bool | None = Field(None, description="true: excellent proposals (优秀提案) only.")
    mine: bool | None = Field(None, description="true: proposals the caller filed or was invited to co-sign.")
    q: str | None = Field(None, description="Text in the title or suggestions, or an exact number.")
    # The statistics' breakdowns (GET /api/v1/proposals/statistics) give each figure these filters.
    session: Id | None = Field(None, description="Session id: its session proposals (大会提案).")
    term: Id | None = Field(None, description="Term id: proposals submitted during the term.")
    received: bool | None = Field(None, description="true: received by the office (see the statistics).")
    registered: bool | None = Field(None, description="true: registered (立案), whatever happened since.")
    proposer_type: str | None = Field(None, description="individual | joint | collective | member")
    collective: Id | None = Field(None, description="Collective proposer id.")
    sector: Id | None = Field(None, description="Sector id of the lead proposer when submitted.")
    party: Id | None = Field(None, description="Party id of the lead proposer when submitted.")
    filing: str | None = Field(None, description="session | ordinary")
    grade: str | None = Field(None, description="Final grade of a current reply: A | B | C.")
    satisfaction: str | None = Field(None, description="satisfied | basically_satisfied | dissatisfied | not_rated")
    handling: str | None = Field(None, description="owes | replied | on_time | overdue (with unit: that unit's).")
    limit: PageNumber = Field(50, description="Page size, 1–200 (larger values are capped at 200).")
    offset: PageNumber = Field(0, description="Items to skip.")


class ProposerSummary(Schema):
    kind: str = Field(description="individual | joint | collective")
    name: str = Field(description="The lead proposer's or the collective's name.")
    member_id: int | None = Field(description="The lead proposer (a member), or null for a collective proposal.")
    collective_id: int | None
    cosigner_count: int = Field(description="Co-signers who confirmed.")


class ProposalListItem(Schema):
    id: int
    number: str = Field(description="Registration number (案号); empty before registration.")
    title: str
    year: int
    state: ProposalState
    state_label: str
    category: Ref | None
    proposer: ProposerSummary
    is_key: bool
    is_excellent: bool
    submitted_at: datetime.datetime | None
    registered_at: datetime.datetime | None
    imported: bool = Field(description="Brought in closed from an earlier year's spreadsheet (历史导入).")


class ProposalPage(Schema):
    count: int = Field(description="All proposals matching the filters that the caller may see.")
    items: list[ProposalListItem]


# Drafts --------------------------------------------------------------------------------------------------------


class ProposalDraftIn(Schema):
    """A new draft (save_draft). Everything may be left empty while drafting; ``submit`` checks the content."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", description="案由: at most 50 characters when submitted.")
    analysis: str = Field("", description="情况分析.")
    suggestions: str = Field("", description="具体建议.")
    category: Id | None = Field(None, description="Category id (提案类别).")
    cosigner_ids: list[Id] = Field(default_factory=list, description="Member ids invited to co-sign (联名).")
    suggested_unit_ids: list[Id] = Field(default_factory=list, description="Suggested handling unit ids.")
    collective_id: Id | None = Field(
        None, description="File in the name of this collective proposer (the caller must be its contact)."
    )


class ProposalDraftPatch(Schema):
    """Changes to a draft: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    analysis: str | None = None
    suggestions: str | None = None
    category: Id | None = None
    cosigner_ids: list[Id] | None = None
    suggested_unit_ids: list[Id] | None = None


# Detail --------------------------------------------------------------------------------------------------------


class CosignerOut(Schema):
    member_id: int
    name: str
    state: str = Field(description="invited | confirmed | declined | lapsed")
    state_label: str
    answered_at: datetime.datetime | None


class ProposersOut(Schema):
    lead: Ref | None = Field(description="The lead proposer (第一提案人), a member; null for a collective proposal.")
    collective: Ref | None = Field(description="The collective proposer, if any.")
    filed_by: str = Field(description="The account that filed the proposal.")
    cosigners: list[CosignerOut]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str = Field(description="Judged from the content, not the name.")
    size: int
    sha256: str
    reply_id: int | None = Field(None, description="The reply it belongs to, or null for the proposal's own.")
    uploaded_at: datetime.datetime | None = None


class ReplyOut(Schema):
    id: int
    round: int = Field(description="1, or 2 after re-handling.")
    text: str
    grade: str = Field(description="The final grade (A/B/C): the office's correction if any, else the unit's.")
    grade_label: str
    grade_note: str = Field(description="The office's note when it corrected the grade.")
    state: str = Field(description="draft | signed | approved | returned")
    state_label: str
    signed_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    return_comment: str = Field(description="The office's comment when it returned the reply.")
    contact_person: str = Field(description="Whom the proposer may call about the reply (printed on the letter).")
    contact_phone: str = Field(description="Their telephone (printed on the letter); empty when none was given.")
    attachments: list[AttachmentOut]


class ExtensionOut(Schema):
    requested_due: datetime.date
    reason: str
    requested_at: datetime.datetime


class AssignmentOut(Schema):
    id: int
    unit: Ref
    role: str = Field(description="single | separate | lead | co")
    role_label: str
    state: str = Field(description="pending | accepted | disputed | reply_signed | replied | opinion_sent | reassigned")
    state_label: str
    round: int
    assigned_at: datetime.datetime
    accepted_at: datetime.datetime | None
    dispute_deadline: datetime.date
    due_date: datetime.date
    overdue: bool = Field(description="Still being handled and past its due date.")
    reply: ReplyOut | None = Field(description="The latest reply of this assignment that the caller may read.")
    co_opinion: str | None = Field(
        description="A co-handler's opinion (会办意见): shown to the office, the lead unit and that co-handler."
    )
    pending_extension: ExtensionOut | None = Field(
        description="An extension request awaiting decision: shown to the assignment's unit and to oversight."
    )
    allowed_actions: list[str] = Field(
        description="Actions the caller may take on this assignment now: "
        "POST /api/v1/assignments/{id}/actions/{action}."
    )


class TimelineOut(Schema):
    at: datetime.datetime
    actor: str
    action: str
    action_label: str
    from_state: str
    to_state: str
    note: str


class EvaluationOut(Schema):
    id: int
    reply_id: int
    unit: Ref
    on_behalf_of: int = Field(description="The proposal rated for (a merged proposal's id when its proposer rated).")
    satisfaction: str = Field(description="satisfied | basically_satisfied | dissatisfied | not_rated")
    satisfaction_label: str
    comment: str
    at: datetime.datetime


class ReviewOut(Schema):
    rejection_ground: str = Field(description="Code of the rejection ground (不予立案理由), or empty.")
    rejection_ground_label: str
    converted_kind: str = Field(description="opinion_report | suggestion, or empty.")
    comment: str = Field(description="The office's comment on returning, rejecting or converting the proposal.")


class ProposalDetail(Schema):
    id: int
    number: str
    year: int
    state: ProposalState
    state_label: str
    title: str
    analysis: str
    suggestions: str
    category: Ref | None
    is_session_proposal: bool
    proposers: ProposersOut
    suggested_units: list[Ref]
    assignments: list[AssignmentOut]
    timeline: list[TimelineOut]
    allowed_actions: list[str] = Field(
        description="Actions the caller may take now: POST /api/v1/proposals/{id}/actions/{action}; "
        "`edit` means PATCH /api/v1/proposals/{id}."
    )
    evaluations: list[EvaluationOut] = Field(description="Ratings of the replies the caller may read.")
    attachments: list[AttachmentOut] = Field(description="The proposal's own attachments (reply ones are in replies).")
    review: ReviewOut | None = Field(
        description="The office's decision while it matters (returned draft, rejected, converted); else null."
    )
    merged_into: ProposalRef | None
    key_state: str = Field(description="'' | proposed | approved")
    is_key: bool
    supervising_leader: Ref | None
    excellent_state: str = Field(description="'' | nominated | approved")
    is_excellent: bool
    rehandling_count: int
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    cosign_deadline: datetime.datetime | None
    registered_at: datetime.datetime | None
    assigned_at: datetime.datetime | None
    replied_at: datetime.datetime | None
    evaluation_deadline: datetime.date | None
    closed_at: datetime.datetime | None
    followup_on: datetime.date | None
