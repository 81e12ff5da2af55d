"""Proposal items on each person's to-do list: what waits for them, in the words the workflow declares for each
awaited action (``Action.due``, else the action's label) and among the objects in that action's source states.

One item per proposal a person acts on (``core.todo.TodoGroups``): a unit leader whose unit's reply waits for their
signature sees "签发答复", not also "办理答复"; the office sees one item for a proposal whose two units' replies wait
for approval. Work that comes in numbers (proposals to review, to assign, overdue assignments) is one item with the
count, linking to the list where it is done; per-proposal work lists at most ``LIMIT`` proposals of each kind and
then one item with how many more there are.
"""

import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, TodoItem, register_todo_provider
from zhengxie.people.principal import units_of

from . import workflow as wf
from .choices import AssignmentRole, CosignState, ExcellentState, ExtensionState, KeyState, ReplyState
from .models import Assignment, Cosignature, Evaluation, ExtensionRequest, Proposal, Reply, SupervisionActivity
from .selectors import replies_awaiting_evaluation
from .statistics import handling_q

LIMIT = 20
FOLLOWUP_NOTICE_DAYS = 30  # a follow-up visit (回头看) shows on the office's list this many days before its date
P, A = wf.PROPOSAL, wf.ASSIGNMENT
IN_HANDLING = (wf.P.ASSIGNED, wf.P.REHANDLING)  # what a unit's actions need of the proposal (``_proposal_in_handling``)


def _todo(flow, action: str) -> str:
    """The to-do words the action declares (``Due.todo``, else ``Due.what``), else its label."""
    step = flow[action]
    if step.due is not None:
        return str(step.due.todo or step.due.what)
    return str(step.label)


def _subject(p: Proposal) -> str:
    return f"{p.number} {p.title}" if p.number else p.title


def _url(p_id: int) -> str:
    return f"/proposals/{p_id}/"


def _each(qs, limit: int = LIMIT):
    """The first ``limit`` rows, and how many more there are (counted only when the limit is reached)."""
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, 0
    return rows[:limit], qs.count() - limit


def _more(items: list, what: str, n: int, url: str, kind: str) -> None:
    if n:
        items.append(TodoItem(_("%(what)s：另有 %(n)d 件") % {"what": what, "n": n}, url, kind))


def _closable():
    """Proposals the office may close now (``close``'s condition ``_can_close`` as a query): evaluating, and either
    every proposer has rated every current reply (the latest approved reply of each assignment that owes one) or
    the evaluation window has passed."""
    later = Reply.objects.filter(assignment=OuterRef("assignment"), state=ReplyState.APPROVED, pk__gt=OuterRef("pk"))
    current = (
        Reply.objects.filter(state=ReplyState.APPROVED, assignment__proposal=OuterRef("pk"))
        .exclude(assignment__role=AssignmentRole.CO)
        .filter(~Exists(later))
    )
    unrated_by_author = current.filter(
        ~Exists(Evaluation.objects.filter(reply=OuterRef("pk"), proposal=OuterRef(OuterRef("pk"))))
    )
    merged_unrated = Proposal.objects.filter(merged_into=OuterRef(OuterRef("pk"))).filter(
        ~Exists(Evaluation.objects.filter(reply=OuterRef(OuterRef("pk")), proposal=OuterRef("pk")))
    )
    unrated_by_merged = current.filter(Exists(merged_unrated))
    today = timezone.localdate()
    return Proposal.objects.filter(state__in=P["close"].sources).filter(
        Q(evaluation_deadline__lt=today) | (~Exists(unrated_by_author) & ~Exists(unrated_by_merged))
    )


def _proposer_items(user, items: list, kind: str) -> None:
    """What waits for a proposer: a draft returned for revision (and drafts not yet submitted), an invitation to
    co-sign, replies to rate."""
    groups = TodoGroups(kind)
    drafts = Proposal.objects.filter(author=user, state__in=P["submit"].sources)
    returned, more = _each(drafts.filter(office_comment__gt="").order_by("-updated_at"))
    for p in returned:
        groups.add(_url(p.pk), _subject(p), _todo(P, "submit"))
    _more(items, _todo(P, "submit"), more, "/proposals/?state=draft&mine=1", kind)
    unsent = drafts.filter(office_comment="").count()
    if unsent:
        items.append(TodoItem(_("%(n)d 件提案草稿尚未提交") % {"n": unsent}, "/proposals/?state=draft&mine=1", kind))
    invited = (
        Cosignature.objects.filter(
            member__user=user, state=CosignState.INVITED, proposal__state__in=P["cosign"].sources
        )
        .select_related("proposal")
        .order_by("proposal__cosign_deadline", "pk")
    )
    for c in invited[:LIMIT]:
        groups.add(_url(c.proposal_id), _subject(c.proposal), _todo(P, "cosign"), due=P["cosign"].due.by(c.proposal))
    evaluating = Proposal.objects.filter(state__in=P["evaluate"].sources).filter(
        Q(author=user) | Exists(Proposal.objects.filter(merged_into=OuterRef("pk"), author=user))
    )
    for p in evaluating.order_by("evaluation_deadline", "pk"):
        if replies_awaiting_evaluation(p, user):
            groups.add(_url(p.pk), _subject(p), _todo(P, "evaluate"), due=P["evaluate"].due.by(p))
    items.extend(groups.items())


def _office_items(items: list, kind: str, today: datetime.date) -> None:
    """The proposal office: review, assignment, disputes, replies to approve, extensions, closing, follow-ups and
    overdue assignments to urge."""
    n = Proposal.objects.filter(state__in=P["register"].sources).count()
    if n:
        items.append(TodoItem(_("%(n)d 件提案待审查") % {"n": n}, "/proposals/review/", kind))
    n = Proposal.objects.filter(state__in=P["assign"].sources).count()
    if n:
        items.append(TodoItem(_("%(n)d 件提案待交办") % {"n": n}, "/proposals/?state=registered", kind))
    n = Assignment.objects.filter(handling_q("overdue", today)).count()
    if n:
        items.append(TodoItem(_("%(n)d 项交办已超期，可催办") % {"n": n}, "/proposals/boards/?overdue=1", kind))
    groups = TodoGroups(kind)
    handling = Q(proposal__state__in=IN_HANDLING)
    for action in ("resolve_dispute", "approve_reply"):
        rows, more = _each(
            Assignment.objects.filter(handling, state__in=A[action].sources)
            .select_related("proposal", "unit")
            .order_by("proposal_id", "pk")
        )
        for a in rows:
            groups.add(_url(a.proposal_id), _subject(a.proposal), _todo(A, action), detail=a.unit.name)
        _more(items, _todo(A, action), more, "/proposals/?state=assigned", kind)
    extensions, more = _each(
        ExtensionRequest.objects.filter(state=ExtensionState.PENDING, assignment__proposal__state__in=IN_HANDLING)
        .select_related("assignment__proposal", "assignment__unit")
        .order_by("assignment__proposal_id", "pk")
    )
    for e in extensions:
        a = e.assignment
        groups.add(_url(a.proposal_id), _subject(a.proposal), _todo(A, "decide_extension"), detail=a.unit.name)
    _more(items, _todo(A, "decide_extension"), more, "/proposals/?state=assigned", kind)
    closable, more = _each(_closable().order_by("evaluation_deadline", "pk"))
    for p in closable:
        groups.add(_url(p.pk), _subject(p), _todo(P, "close"))
    _more(items, _todo(P, "close"), more, "/proposals/?state=evaluating", kind)
    grade_b = Assignment.objects.filter(proposal=OuterRef("pk"), current_grade="B").exclude(role=AssignmentRole.CO)
    to_schedule, more = _each(
        Proposal.objects.filter(state__in=P["schedule_followup"].sources, followup_on__isnull=True)
        .filter(Exists(grade_b))
        .order_by("-closed_at", "pk")
    )
    for p in to_schedule:
        groups.add(_url(p.pk), _subject(p), _todo(P, "schedule_followup"))
    _more(items, _todo(P, "schedule_followup"), more, "/proposals/?state=closed", kind)
    visits = Proposal.objects.filter(
        state=wf.P.CLOSED,
        followup_on__gte=today,
        followup_on__lte=today + datetime.timedelta(days=FOLLOWUP_NOTICE_DAYS),
    ).order_by("followup_on", "pk")
    for p in visits[:LIMIT]:
        groups.add(_url(p.pk), _subject(p), _("回头看"), due=p.followup_on)
    items.extend(groups.items())


def _leader_items(user, items: list, kind: str) -> None:
    """Leaders: the key proposals and excellent proposals to decide; a supervising leader, the key proposals they
    supervise that have no supervision recorded yet."""
    groups = TodoGroups(kind)
    for action, rule in (
        ("approve_key", Q(key_state=KeyState.PROPOSED)),
        ("approve_excellent", Q(excellent_state=ExcellentState.NOMINATED)),
    ):
        rows, more = _each(Proposal.objects.filter(rule, state__in=P[action].sources).order_by("year", "seq", "pk"))
        for p in rows:
            groups.add(_url(p.pk), _subject(p), _todo(P, action))
        _more(items, _todo(P, action), more, "/proposals/key/", kind)
    supervised = Proposal.objects.filter(
        supervising_leader=user, key_state=KeyState.APPROVED, state__in=wf.IN_HANDLING
    ).exclude(Exists(SupervisionActivity.objects.filter(proposal=OuterRef("pk"))))
    for p in supervised.order_by("year", "seq", "pk")[:LIMIT]:
        groups.add(_url(p.pk), _subject(p), _todo(P, "record_supervision"))
    items.extend(groups.items())


def _overseer_items(user, items: list, kind: str, today: datetime.date) -> None:
    """Overseers watch handling: the overdue assignments to urge (a count), and each key proposal with an overdue
    assignment, by unit, due by the earliest missed date."""
    n = Assignment.objects.filter(handling_q("overdue", today)).count()
    if n and Role.PROPOSAL_OFFICE not in roles_of(user):  # the office's own list already counts them
        items.append(TodoItem(_("%(n)d 项交办已超期，可催办") % {"n": n}, "/proposals/boards/?overdue=1", kind))
    groups = TodoGroups(kind)
    overdue_key = (
        Assignment.objects.filter(handling_q("overdue", today), proposal__key_state=KeyState.APPROVED)
        .select_related("proposal", "unit")
        .order_by("due_date", "pk")
    )
    for a in overdue_key[:LIMIT]:
        late = _("重点提案超期未办复")
        groups.add(_url(a.proposal_id), _subject(a.proposal), late, detail=a.unit.name, due=a.due_date)
    items.extend(groups.items())


def _unit_items(user, items: list, kind: str) -> None:
    """A handling unit's staff and leaders: one item per assignment of their units that waits for the unit — to sign
    for it, to reply (or, a co-handler, to send its opinion), and for a unit leader a drafted reply to sign. A drafted
    reply waits for the leader, not for the staff who drafted it."""
    units = units_of(user)
    if not units:
        return
    led = set(user.unit_posts.filter(unit_id__in=units, is_leader=True).values_list("unit_id", flat=True))
    drafted = Reply.objects.filter(assignment=OuterRef("pk"), state=ReplyState.DRAFT, round=F("assignment__round"))
    mine = (
        Assignment.objects.filter(unit_id__in=units, proposal__state__in=IN_HANDLING)
        .filter(state__in=A["accept_assignment"].sources | A["draft_reply"].sources)
        .annotate(has_draft=Exists(drafted))
        .select_related("proposal", "unit")
        .order_by("due_date", "pk")
    )
    groups = TodoGroups(kind)
    rows, more = _each(mine, LIMIT * 2)
    for a in rows:
        detail = a.unit.name if len(units) > 1 else ""
        if a.state in A["accept_assignment"].sources:
            action = "accept_assignment"
        elif not a.owes_reply:
            action = "submit_co_opinion"
        elif not a.has_draft:
            action = "draft_reply"
        elif a.unit_id in led:
            action = "sign_reply"
        else:
            continue  # the draft waits for the unit leader
        groups.add(_url(a.proposal_id), _subject(a.proposal), _todo(A, action), detail=detail, due=A[action].due.by(a))
    items.extend(groups.items())
    _more(items, _("办理提案"), more, "/proposals/unit/", kind)


@register_todo_provider
def proposal_todo(user) -> list[TodoItem]:
    """What waits for this person on proposals (see the module's docstring)."""
    roles = roles_of(user)
    items: list[TodoItem] = []
    kind = _("提案")
    today = timezone.localdate()
    _proposer_items(user, items, kind)
    if Role.PROPOSAL_OFFICE in roles:
        _office_items(items, kind, today)
    if Role.LEADER in roles:
        _leader_items(user, items, kind)
    if Role.OVERSEER in roles:
        _overseer_items(user, items, kind, today)
    if roles & {Role.UNIT_STAFF, Role.UNIT_LEADER}:
        _unit_items(user, items, kind)
    return _one_per_page(items)


def _one_per_page(items: list[TodoItem]) -> list[TodoItem]:
    """A person holding several roles may meet one proposal in two of them (a leader who is also an overseer, an
    author who is also in the office): the items for one page are joined into one."""
    by_url: dict[str, TodoItem] = {}
    for item in items:
        seen = by_url.get(item.url)
        if seen is None:
            by_url[item.url] = item
            continue
        dues = [d for d in (seen.due, item.due) if d is not None]
        by_url[item.url] = TodoItem(
            _("%(a)s；%(b)s") % {"a": seen.title, "b": item.title}, seen.url, seen.kind, min(dues) if dues else None
        )
    return list(by_url.values())
