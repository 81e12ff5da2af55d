"""Reads of proposals that know the user: visibility rules of the spec in one place."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhengxie.accounts.models import User
from zhengxie.accounts.roles import Role
from zhengxie.core.access import roles_of
from zhengxie.core.prepared import Prepared, SlicedRows, Variants, give_prefetched
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import HandlingUnit, Member, Session, UnitStaff

from .choices import AssignmentState, ExtensionState, ProposalState, ReplyState, Satisfaction
from .conf import conf
from .models import (
    Assignment,
    Attachment,
    Category,
    Contact,
    Cosignature,
    Evaluation,
    ExtensionRequest,
    Proposal,
    Reply,
    TimelineEntry,
)

P = ProposalState
OVERSIGHT = {Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER}
# States in which a proposal has never been assigned (a returned draft or a proposal out of review has none).
UNASSIGNED = (P.DRAFT, P.COSIGNING, P.SUBMITTED, P.REGISTERED, P.MERGED, P.CONVERTED, P.REJECTED, P.WITHDRAWN)
PUBLIC_TO_MEMBERS = (P.REGISTERED, P.ASSIGNED, P.REPLIED, P.EVALUATING, P.REHANDLING, P.CLOSED)
LIVE_ASSIGNMENT = (
    AssignmentState.PENDING,
    AssignmentState.ACCEPTED,
    AssignmentState.DISPUTED,
    AssignmentState.REPLY_SIGNED,
)


def _unit_ids(user) -> list[int]:
    from zhengxie.people.principal import units_of

    return units_of(user)


def _visibility_key(user) -> tuple:
    """What shapes a reader's visibility rule: whether they oversee, whether they are a member (and members see
    registered proposals), and how many units they work for."""
    roles = roles_of(user)
    member = Role.MEMBER in roles
    units = _unit_ids(user) if roles & {Role.UNIT_STAFF, Role.UNIT_LEADER} else []
    return (bool(roles & OVERSIGHT), member, member and bool(conf("MEMBERS_SEE_REGISTERED")), len(units))


def _visibility_rule(key: tuple, user: int, units: list[int] | None = None) -> Q:
    """The rule of ``visible_proposals`` for a reader of this ``key`` (``_visibility_key``), as a function of the
    reader's id and units only, so that it can be prepared (``core.prepared``)."""
    oversight, member, members_see_registered, n_units = key
    rule = Q(author_id=user)
    # A draft withdrawn before it was ever submitted stays its author's alone, like any draft.
    submitted = ~Q(state=P.DRAFT) & ~Q(state=P.WITHDRAWN, submitted_at__isnull=True)
    if oversight:
        rule |= submitted
    if member:
        rule |= Exists(Cosignature.objects.filter(proposal=OuterRef("pk"), member__user_id=user)) & submitted
        if members_see_registered:
            rule |= Q(state__in=PUBLIC_TO_MEMBERS)
    if n_units:
        rule |= Exists(
            Assignment.objects.filter(proposal=OuterRef("pk"), unit_id__in=units).exclude(
                state=AssignmentState.REASSIGNED
            )
        )
    return rule


def _visibility_values(user, key: tuple) -> dict:
    values = {"user": user.pk}
    if key[3]:
        values["units"] = _unit_ids(user)
    return values


def _visibility_params(key: tuple) -> dict:
    return {"user": int, **({"units": (int, key[3])} if key[3] else {})}


def visible_proposals(user) -> QuerySet[Proposal]:
    """Drafts only to their author; after submission the proposers, office, leaders and overseers; registered ones
    to every member (setting); a handling unit only what is assigned to it (not reassigned away)."""
    if user is None or not user.is_authenticated:
        return Proposal.objects.none()
    key = _visibility_key(user)
    return Proposal.objects.filter(_visibility_rule(key, **_visibility_values(user, key)))


_PROPOSAL_GET = Variants()


def _proposal_get_query(key: tuple):
    def build(pk, **reader):
        # Four joins; the relations that are mostly empty (session, supervising leader, the proposal it was merged
        # into) are read when shown, and only when set. No ORDER BY: one row by its key.
        return (
            Proposal.objects.filter(_visibility_rule(key, **reader), pk=pk)
            .select_related("category", "lead_member", "collective", "author")
            .order_by()
        )

    return build


def proposal_get(*, user, pk: int) -> Proposal | None:
    """The proposal read for one request (a page, an API call): the workflow's conditions remember what they read
    about it on it (``facts_of``), so checking every action of the table reads each fact once."""
    if user is None or not user.is_authenticated or not isinstance(pk, int):
        return None
    key = _visibility_key(user)
    prepared = _PROPOSAL_GET.get(key, _proposal_get_query(key), pk=int, **_visibility_params(key))
    proposal = prepared.first(pk=pk, **_visibility_values(user, key))
    if proposal is not None:
        proposal._zx_facts = ProposalFacts(proposal)
    return proposal


_FLAGS = ("key", "excellent", "mine")
# The filters a list can be prepared with (``proposal_rows``), with the kind of their values.
_PREPARED_FILTERS = {"state": str, "year": int, "category": int, "unit": int, "proposer": int}


def _flag(value) -> bool:
    return value in (True, "1", "true")


def _list_filters(qs: QuerySet[Proposal], user: int, values: dict, flags: tuple) -> QuerySet[Proposal]:
    """The list's own filters (``values``: state, year, category, unit, proposer; ``flags``: key, excellent, mine),
    as a function of their values, so that the list can be prepared."""
    if "state" in values:
        qs = qs.filter(state=values["state"])
    if "year" in values:
        qs = qs.filter(year=values["year"])
    if "category" in values:
        qs = qs.filter(category_id=values["category"])
    if "unit" in values:
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(proposal=OuterRef("pk"), unit_id=values["unit"]).exclude(
                    state=AssignmentState.REASSIGNED
                )
            )
        )
    if "proposer" in values:
        qs = qs.filter(
            Q(lead_member_id=values["proposer"])
            | Exists(
                Cosignature.objects.filter(proposal=OuterRef("pk"), member_id=values["proposer"], state="confirmed")
            )
        )
    if "key" in flags:
        qs = qs.filter(key_state="approved")
    if "excellent" in flags:
        qs = qs.filter(excellent_state="approved")
    if "mine" in flags:
        qs = qs.filter(
            Q(author_id=user) | Exists(Cosignature.objects.filter(proposal=OuterRef("pk"), member__user_id=user))
        )
    return qs


# Unnumbered (not yet registered) proposals last on every database: PostgreSQL puts NULLs first when descending.
# Numbers start at 1, so COALESCE(seq, 0) orders as "seq DESC NULLS LAST" and, unlike NULLS LAST, can be indexed
# on SQLite too (Proposal.Meta's proposal_list_order serves this ORDER BY).
_LIST_ORDER = ("-year", Coalesce("seq", Value(0)).desc(), "-id")


def _list_order(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return qs.select_related("category", "lead_member", "collective").order_by(*_LIST_ORDER)


def proposal_list(*, user, filters: dict | None = None) -> QuerySet[Proposal]:
    f = filters or {}
    values = {key: f[key] for key in _PREPARED_FILTERS if f.get(key)}
    qs = _list_filters(
        visible_proposals(user), getattr(user, "pk", None), values, tuple(k for k in _FLAGS if _flag(f.get(k)))
    )
    q = (f.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number=q) | Q(suggestions__icontains=q))
    # The statistics' filters (session, term, received, proposer_type, grade, handling …), defined with the figures.
    from .statistics import apply_report_filters

    return _list_order(apply_report_filters(qs, f))


_LIST_VARIANTS = Variants()


class ListRows(SlicedRows):
    """A prepared list of proposals (``proposal_rows``): its count, and slices of it. A slice is read in two steps:
    the ids of its rows, in the list's order, by the filters alone (no joins, so the database does not join every
    match before sorting them); then those rows by their ids, with what ``shape`` adds (their columns, joined names,
    annotations)."""

    SIZES = (20, 50, 100, 200)  # the rows of a slice are read by ids in the smallest of these that holds them

    def __init__(self, ids: Prepared, shape, values: dict):
        self.ids, self.shape, self.values = ids, shape, values

    def count(self) -> int:
        return self.ids.count(**self.values)

    def read(self, start: int, stop: int | None) -> list[Proposal]:
        ids = self.ids.list(start=start, stop=stop, **self.values)
        found: dict[int, Proposal] = {}
        for start in range(0, len(ids), self.SIZES[-1]):
            chunk = ids[start : start + self.SIZES[-1]]
            size = next(n for n in self.SIZES if n >= len(chunk))
            rows = _LIST_ROWS.get(
                (self.shape, size),
                lambda ids, shape=self.shape: shape(Proposal.objects.filter(pk__in=ids).select_related(*_LIST_JOINS)),
                ids=(int, size),
            )
            found.update((p.pk, p) for p in rows.list(ids=chunk))
        return [found[pk] for pk in ids if pk in found]


_LIST_ROWS = Variants()
_LIST_JOINS = ("category", "lead_member", "collective")


def proposal_rows(
    *, user, filters: dict | None, shape: Callable[[QuerySet[Proposal]], QuerySet[Proposal]]
) -> ListRows | QuerySet[Proposal]:
    """``proposal_list`` with ``shape`` applied to its rows (the columns a page reads, an annotation), as a page or
    the API reads it (a count and slices): in prepared reads (``core.prepared``: one compiled query per kind of
    reader and set of filters), or, when the filters include a text search or a statistics filter (their values are
    transformed or their SQL varies), as ``proposal_list``'s queryset."""
    return _prepared_rows(user=user, filters=filters, shape=shape) or shape(proposal_list(user=user, filters=filters))


def _prepared_rows(*, user, filters: dict | None, shape) -> ListRows | None:
    from .statistics import REPORT_FILTER_KEYS

    f = filters or {}
    if user is None or not user.is_authenticated or (f.get("q") or "").strip():
        return None
    if any(f.get(key) not in (None, "", False) for key in REPORT_FILTER_KEYS):
        return None
    present = tuple(key for key in _PREPARED_FILTERS if f.get(key))
    try:
        values = {key: _PREPARED_FILTERS[key](f[key]) for key in present}
    except (TypeError, ValueError):
        return None
    if any(isinstance(v, int) and not -(2**31) < v < 2**31 for v in values.values()):
        return None  # no such row; the ORM answers that without sending it
    flags = tuple(key for key in _FLAGS if _flag(f.get(key)))
    vkey = _visibility_key(user)

    def build(**v):
        reader = {"user": v["user"], **({"units": v["units"]} if "units" in v else {})}
        qs = _list_filters(Proposal.objects.filter(_visibility_rule(vkey, **reader)), v["user"], v, flags)
        return qs.order_by(*_LIST_ORDER).values_list("pk", flat=True)

    params = {**_visibility_params(vkey), **{key: _PREPARED_FILTERS[key] for key in present}}
    # Planned afresh each time (``server_plan=False``): one state or year can have a hundred times another's rows.
    ids = _LIST_VARIANTS.get((vkey, present, flags), build, server_plan=False, **params)
    return ListRows(ids, shape, {**_visibility_values(user, vkey), **values})


_YEAR_BOUNDS = Variants()


def year_range(user) -> list[int]:
    """The years of the proposals ``user`` sees, from the latest down to the earliest: two index probes (the first
    and the last year), not a DISTINCT over every visible proposal (at province scale that read the whole table,
    about 115 ms on each list page). Proposals are filed every year, so the years between are the ones with
    proposals; a year where this person sees none merely lists nothing."""
    if user is None or not user.is_authenticated:
        return []
    vkey = _visibility_key(user)
    bounds = []
    for order in ("year", "-year"):

        def build(order=order, **reader):
            rule = _visibility_rule(vkey, **reader)
            return Proposal.objects.filter(rule).order_by(order).values_list("year", flat=True)

        prepared = _YEAR_BOUNDS.get((order, vkey), build, **_visibility_params(vkey))
        bounds.append(prepared.first(**_visibility_values(user, vkey)))
    first, last = bounds
    return [] if last is None else list(range(last, first - 1, -1))


LIVE_AT_ONCE = 20
_LIVE_ASSIGNMENTS = Prepared(
    lambda ids: (
        Assignment.objects.filter(proposal_id__in=ids)
        .exclude(state=AssignmentState.REASSIGNED)
        .select_related("unit")
        .only("proposal", "unit", "role", "unit__name", "unit__short_name")
        .order_by("id")
    ),
    name="live assignments",
    ids=(int, LIVE_AT_ONCE),
)


def give_live_assignments(proposals: list[Proposal]) -> None:
    """Each proposal's assignments that are not reassigned away, with their units' names (``live_assignments``):
    a list page's column of handling units, read for the page's proposals at once."""
    by_id = {p.pk: p for p in proposals}
    for p in proposals:
        p.live_assignments = []
    ids = list(by_id)
    for start in range(0, len(ids), LIVE_AT_ONCE):
        for a in _LIVE_ASSIGNMENTS.list(ids=ids[start : start + LIVE_AT_ONCE]):
            by_id[a.proposal_id].live_assignments.append(a)


_CATEGORIES = Prepared(lambda: Category.objects.all(), name="categories")


def categories() -> list[Category]:
    """Every category, active or not, in their order (a list's filter names past years' categories too)."""
    return _CATEGORIES.list()


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


# One proposal's parts, for its page and its API detail: each a prepared read (``core.prepared``), compiled once.
_ASSIGNMENTS = Prepared(
    lambda p: Assignment.objects.filter(proposal_id=p).select_related("unit").order_by("id"), name="assignments", p=int
)
_CONTACTS = Prepared(
    lambda p: Contact.objects.filter(assignment__proposal_id=p).order_by("date", "id"), name="contacts", p=int
)
_EXTENSIONS = Prepared(
    lambda p: ExtensionRequest.objects.filter(assignment__proposal_id=p).order_by("id"), name="extensions", p=int
)
_REPLIES = Prepared(lambda p: Reply.objects.filter(assignment__proposal_id=p).order_by("id"), name="replies", p=int)
_EVALUATIONS = Prepared(
    lambda p: Evaluation.objects.filter(reply__assignment__proposal_id=p).order_by("id"), name="evaluations", p=int
)
PEOPLE_AT_ONCE = 16
_PEOPLE = Prepared(
    lambda ids: User.objects.filter(pk__in=ids).only("id", "username", "display_name"),
    name="people",
    ids=(int, PEOPLE_AT_ONCE),
)
_TIMELINE = Prepared(lambda p: TimelineEntry.objects.filter(proposal_id=p).order_by("at", "id"), name="timeline", p=int)
_FILES = Prepared(lambda p: Attachment.objects.filter(proposal_id=p).order_by("id"), name="files", p=int)
# The page and the API name each co-signer and their sector: nothing else of the member is read (no personal data).
_COSIGNATURES = Prepared(
    lambda p: (
        Cosignature.objects.filter(proposal_id=p)
        .select_related("member__sector")
        .only("proposal_id", "state", "answered_at", "member__name", "member__user_id", "member__sector__name")
        .order_by("id")
    ),
    name="co-signatures",
    p=int,
)
_SUGGESTED_UNITS = Prepared(
    lambda p: HandlingUnit.objects.filter(suggested_for=p).only("id", "name").order_by("id"), name="suggested", p=int
)
_SESSION = Prepared(lambda pk: Session.objects.filter(pk=pk).select_related("term"), name="session", pk=int)


def _people(ids: set[int]) -> dict[int, User]:
    ids = sorted(ids)
    found = {}
    for start in range(0, len(ids), PEOPLE_AT_ONCE):
        found.update((u.pk, u) for u in _PEOPLE.list(ids=ids[start : start + PEOPLE_AT_ONCE]))
    return found


@dataclass
class ProposalParts:
    """Everything shown with one proposal, read once for its page or its API detail (``proposal_parts``)."""

    assignments: list[Assignment]  # with their unit, contacts and extensions (``.contacts.all()`` …)
    replies: list[Reply]  # every reply, oldest first, with its assignment, people, evaluations and files
    timeline: list[TimelineEntry]  # every entry, oldest first
    files: list[Attachment]  # every file: the proposal's own and its replies'
    cosignatures: list[Cosignature]  # with the member's name, account and sector
    suggested_units: list[HandlingUnit]  # by id

    @property
    def own_files(self) -> list[Attachment]:
        return [f for f in self.files if f.reply_id is None]


def proposal_parts(proposal) -> ProposalParts:
    """The proposal's parts (``ProposalParts``) in prepared reads, handed to the workflow's facts about it
    (``ProposalFacts.prime``). A proposal without assignments (not yet assigned) has no replies, contacts or
    extensions: those are not read."""
    pk = proposal.pk
    if proposal.session_id is not None and not Proposal.session.is_cached(proposal):
        proposal.session = _SESSION.first(pk=proposal.session_id)
    assignments = _ASSIGNMENTS.list(p=pk) if proposal.state not in UNASSIGNED else []
    replies: list[Reply] = []
    files = _FILES.list(p=pk)
    if assignments:
        for a in assignments:
            a.proposal = proposal
        give_prefetched(assignments, "contacts", _CONTACTS.list(p=pk), key="assignment_id")
        give_prefetched(assignments, "extensions", _EXTENSIONS.list(p=pk), key="assignment_id")
        replies = _REPLIES.list(p=pk)
    if replies:
        by_id = {a.pk: a for a in assignments}
        people = _people(
            {pk for r in replies for pk in (r.drafted_by_id, r.signed_by_id, r.approved_by_id) if pk is not None}
        )
        for r in replies:
            r.assignment = by_id[r.assignment_id]
            for field in ("drafted_by", "signed_by", "approved_by"):
                person = getattr(r, f"{field}_id")
                if person is not None:
                    setattr(r, field, people[person])
        give_prefetched(replies, "evaluations", _EVALUATIONS.list(p=pk), key="reply_id")
        give_prefetched(replies, "attachments", [f for f in files if f.reply_id is not None], key="reply_id")
    parts = ProposalParts(
        assignments=assignments,
        replies=replies,
        timeline=_TIMELINE.list(p=pk),
        files=files,
        cosignatures=_COSIGNATURES.list(p=pk),
        suggested_units=_SUGGESTED_UNITS.list(p=pk),
    )
    facts_of(proposal).prime(replies=replies, assignments=assignments, timeline=parts.timeline)
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
        replies: list[Reply] | None = None,
        assignments: list[Assignment] | None = None,
        timeline: list[TimelineEntry] | None = None,
    ) -> None:
        """``replies``: all the proposal's replies (``proposal_parts``); ``assignments``: all its assignments with
        their ``extensions`` prefetched; ``timeline``: every entry of its timeline (``timeline_entries``). A merge
        writes a "merged_in" entry on the proposal merged into (``actions._merge``): without one, no proposal was
        merged into it, and the facts need not look for any."""
        if timeline is not None and self._merged is None and not any(e.action == "merged_in" for e in timeline):
            self._merged = []
        if replies is not None:
            self._current = current_replies(self.proposal, replies)
            if assignments is not None:
                rounds = {a.pk: a.round for a in assignments}
                self._drafts = {
                    r.assignment_id
                    for r in replies
                    if r.state == ReplyState.DRAFT and r.round == rounds.get(r.assignment_id)
                }
        if assignments is not None:
            self._pending_extensions = {
                a.pk for a in assignments if any(e.state == ExtensionState.PENDING for e in a.extensions.all())
            }

    def current_replies(self) -> list[Reply]:
        if self._current is None:
            self._current = current_replies(self.proposal)
        return self._current

    def merged(self) -> list[Proposal]:
        if self._merged is None and getattr(self.proposal, "zx_has_merged", True) is False:
            self._merged = []
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


def satisfaction_of(reply) -> str:
    values = [e.satisfaction for e in reply.evaluations.all()]
    return values[0] if values else Satisfaction.NOT_RATED


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
