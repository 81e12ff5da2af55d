"""The authorization matrix of the proposals API: every action of the workflow table a person can take, called by
every role on a proposal brought to the action's source state through the services.

Statuses: 401 anonymous; 404 where the proposal is not visible to that person; 403 where it is visible but the
action is not theirs; 200 for the role(s) whose action it is, with a valid body (each allowed role on a fresh
proposal). Every refusal leaves the proposal, its assignment, the audit rows, the timeline and every table's row
count as they were. Before anyone calls, each role's ``allowed_actions`` in the detail must agree with the table.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from tests.builders import proposals as make
from tests.builders.org import member_with_account
from zhengxie.accounts.services import api_token_issue
from zhengxie.audit.models import AuditEntry
from zhengxie.people.models import HandlingUnit
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.actions import add_months
from zhengxie.proposals.models import Assignment, Proposal, TimelineEntry

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",  # a member who is neither proposer nor co-signer
    "proposer",  # the lead proposer, who filed it
    "cosigner",
    "unit2",  # staff of a unit the proposal is not assigned to
    "unit",  # staff of the assigned unit
    "unit-leader",  # leader of the assigned unit
    "office",
    "leader",
    "overseer",
    "admin",
    "staff",  # secretariat
]

# fmt: off
#                         anon outs. prop. cosig unit2 unit  u-lead office leader overs. admin staff
PROPOSAL_MATRIX: dict[str, tuple[int, ...]] = {
    # draft: the author's alone ("edit" is PATCH /proposals/{id})
    "edit":                 (401, 404,  200,  404,  404,  404,  404,  404,  404,  404,   404,  404),
    "submit":               (401, 404,  200,  404,  404,  404,  404,  404,  404,  404,   404,  404),
    # 204: the draft is gone
    "delete_draft":         (401, 404,  204,  404,  404,  404,  404,  404,  404,  404,   404,  404),
    # co-signing / submitted: proposers and oversight see it
    "cosign":               (401, 404,  403,  200,  404,  404,  404,  403,  403,  403,   404,  404),
    "decline_cosign":       (401, 404,  403,  200,  404,  404,  404,  403,  403,  403,   404,  404),
    "withdraw":             (401, 404,  200,  403,  404,  404,  404,  403,  403,  403,   404,  404),
    # 204: done, and the draft is its author's again, out of the office's sight
    "return_for_revision":  (401, 404,  403,  403,  404,  404,  404,  204,  403,  403,   404,  404),
    "register":             (401, 404,  403,  403,  404,  404,  404,  200,  403,  403,   404,  404),
    "merge":                (401, 404,  403,  403,  404,  404,  404,  200,  403,  403,   404,  404),
    "convert":              (401, 404,  403,  403,  404,  404,  404,  200,  403,  403,   404,  404),
    "reject":               (401, 404,  403,  403,  404,  404,  404,  200,  403,  403,   404,  404),
    # registered: every member reads it; no unit yet
    "assign":               (401, 403,  403,  403,  404,  404,  404,  200,  403,  403,   404,  404),
    # assigned to the unit: its staff read it too
    "evaluate":             (401, 403,  200,  403,  404,  403,  403,  403,  403,  403,   404,  404),
    "request_rehandling":   (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    "close":                (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    "schedule_followup":    (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    "propose_key":          (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    "approve_key":          (401, 403,  403,  403,  404,  403,  403,  403,  200,  403,   404,  404),
    "decline_key":          (401, 403,  403,  403,  404,  403,  403,  403,  200,  403,   404,  404),
    # the supervising leader and the office
    "record_supervision":   (401, 403,  403,  403,  404,  403,  403,  200,  200,  403,   404,  404),
    # a key proposal's recommendation to its unit, followed up with the others (followup): office and overseers
    "record_recommendation": (401, 403, 403,  403,  404,  403,  403,  200,  403,  200,   404,  404),
    "nominate_excellent":   (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    "approve_excellent":    (401, 403,  403,  403,  404,  403,  403,  403,  200,  403,   404,  404),
    "decline_excellent":    (401, 403,  403,  403,  404,  403,  403,  403,  200,  403,   404,  404),
    "consent_publication":  (401, 403,  200,  403,  404,  403,  403,  403,  403,  403,   404,  404),
}

# The assignment is the (first) unit's; the proposal is assigned, so its staff and every member read it.
ASSIGNMENT_MATRIX: dict[str, tuple[int, ...]] = {
    "accept_assignment":    (401, 403,  403,  403,  404,  200,  200,  403,  403,  403,   404,  404),
    "dispute_assignment":   (401, 403,  403,  403,  404,  200,  200,  403,  403,  403,   404,  404),
    "resolve_dispute":      (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    "record_contact":       (401, 403,  403,  403,  404,  200,  200,  403,  403,  403,   404,  404),
    "submit_co_opinion":    (401, 403,  403,  403,  404,  200,  200,  403,  403,  403,   404,  404),
    "request_extension":    (401, 403,  403,  403,  404,  200,  200,  403,  403,  403,   404,  404),
    "decide_extension":     (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    "draft_reply":          (401, 403,  403,  403,  404,  200,  200,  403,  403,  403,   404,  404),
    "sign_reply":           (401, 403,  403,  403,  404,  403,  200,  403,  403,  403,   404,  404),
    "approve_reply":        (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    "return_reply":         (401, 403,  403,  403,  404,  403,  403,  200,  403,  403,   404,  404),
    # an overdue assignment: the office and the overseers urge the unit
    "urge":                 (401, 403,  403,  403,  404,  403,  403,  200,  403,  200,   404,  404),
}
# fmt: on

# The state after the allowed call: the proposal's for proposal actions, the assignment's for assignment actions.
AFTER = {
    "edit": "draft",
    "submit": "cosigning",
    "delete_draft": None,  # no longer exists
    "cosign": "submitted",
    "decline_cosign": "submitted",
    "withdraw": "withdrawn",
    "return_for_revision": "draft",
    "register": "registered",
    "merge": "merged",
    "convert": "converted",
    "reject": "rejected",
    "assign": "assigned",
    "evaluate": "evaluating",
    "request_rehandling": "rehandling",
    "close": "closed",
    "schedule_followup": "closed",
    "propose_key": "assigned",
    "approve_key": "assigned",
    "decline_key": "assigned",
    "record_supervision": "assigned",
    "record_recommendation": "assigned",
    "nominate_excellent": "assigned",
    "approve_excellent": "assigned",
    "decline_excellent": "assigned",
    "consent_publication": "closed",
    "accept_assignment": "accepted",
    "dispute_assignment": "disputed",
    "resolve_dispute": "accepted",
    "record_contact": "accepted",
    "submit_co_opinion": "opinion_sent",
    "request_extension": "accepted",
    "decide_extension": "accepted",
    "draft_reply": "accepted",
    "sign_reply": "reply_signed",
    "approve_reply": "replied",
    "return_reply": "accepted",
    "urge": "accepted",
}


@dataclass
class Target:
    proposal: Proposal
    body: dict
    assignment: Assignment | None = None


@dataclass
class World:
    """The organisation, a bearer token per role, and the steps that bring a proposal to each source state."""

    org: object
    category: object
    users: dict
    tokens: dict
    unit3: HandlingUnit
    client: Client = field(default_factory=Client)

    # Calls -------------------------------------------------------------------------------------------------------

    def _headers(self, role):
        token = self.tokens.get(role)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, role, path):
        return self.client.get(path, **self._headers(role))

    def call(self, role, action, target: Target):
        headers = self._headers(role)
        if action == "edit":
            path = f"/api/v1/proposals/{target.proposal.pk}"
            return self.client.patch(path, target.body, content_type="application/json", **headers)
        if action in wf.ASSIGNMENT_ACTIONS:
            path = f"/api/v1/assignments/{target.assignment.pk}/actions/{action}"
        else:
            path = f"/api/v1/proposals/{target.proposal.pk}/actions/{action}"
        return self.client.post(path, target.body, content_type="application/json", **headers)

    # Source states, through the services -------------------------------------------------------------------------

    def p_act(self, p, action, role, **payload):
        return make.act(p, action, self.users[role], **payload)

    def a_act(self, a, action, role, **payload):
        make.act(a, action, self.users[role], **payload)
        a.refresh_from_db()
        return a

    def draft(self, cosigners=True) -> Proposal:
        fields = {} if cosigners else {"cosigner_ids": []}
        return make.joint_draft(self.org, self.category, author=self.users["proposer"], **fields)

    def cosigning(self) -> Proposal:
        return self.p_act(self.draft(), "submit", "proposer")

    def submitted(self) -> Proposal:
        return self.p_act(self.cosigning(), "cosign", "cosigner")

    def registered(self) -> Proposal:
        return self.p_act(self.submitted(), "register", "office")

    def assigned(self) -> tuple[Proposal, Assignment]:
        units = [{"unit_id": self.org.unit.pk, "role": "single"}]
        p = self.p_act(self.registered(), "assign", "office", mode="single", units=units)
        return p, p.assignments.get()

    def accepted(self) -> tuple[Proposal, Assignment]:
        p, a = self.assigned()
        return p, self.a_act(a, "accept_assignment", "unit")

    def co_accepted(self) -> tuple[Proposal, Assignment]:
        units = [{"unit_id": self.unit3.pk, "role": "lead"}, {"unit_id": self.org.unit.pk, "role": "co"}]
        p = self.p_act(self.registered(), "assign", "office", mode="lead", units=units)
        return p, self.a_act(p.assignments.get(unit=self.org.unit), "accept_assignment", "unit")

    def reply_drafted(self) -> tuple[Proposal, Assignment]:
        p, a = self.accepted()
        return p, self.a_act(a, "draft_reply", "unit", text="正在推进", grade="B")

    def reply_signed(self) -> tuple[Proposal, Assignment]:
        p, a = self.reply_drafted()
        return p, self.a_act(a, "sign_reply", "unit-leader")

    def evaluating(self) -> Proposal:
        p, a = self.reply_signed()
        self.a_act(a, "approve_reply", "office")
        p.refresh_from_db()
        assert p.state == "evaluating"
        return p

    def closed(self) -> Proposal:
        p = self.p_act(self.evaluating(), "evaluate", "proposer", satisfaction="satisfied")
        return self.p_act(p, "close", "office")

    def key_proposed(self) -> Proposal:
        p, _a = self.assigned()
        return self.p_act(p, "propose_key", "office", supervising_leader_id=self.users["leader"].pk)

    def nominated(self) -> Proposal:
        p, _a = self.assigned()
        return self.p_act(p, "nominate_excellent", "office")


def _today() -> str:
    return str(timezone.localdate())


def _merge(w: World) -> Target:
    lead = w.p_act(w.p_act(w.draft(cosigners=False), "submit", "proposer"), "register", "office")
    return Target(w.submitted(), {"into": lead.pk})


def _assignment(build: Callable, body: dict | Callable[[World], dict]) -> Callable[[World], Target]:
    def make(w: World) -> Target:
        p, a = build(w)
        return Target(p, body(w) if callable(body) else body, a)

    return make


def _disputed(w: World):
    p, a = w.assigned()
    return p, w.a_act(a, "dispute_assignment", "unit", reason="不属于本单位职责")


def _overdue(w: World):
    p, a = w.accepted()
    # Time has passed: the handling deadline was yesterday (the services only set deadlines in the future).
    Assignment.objects.filter(pk=a.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    a.refresh_from_db()
    return p, a


def _extension_pending(w: World):
    p, a = w.accepted()
    return p, w.a_act(a, "request_extension", "unit", due_date=str(add_months(timezone.localdate(), 4)), reason="复杂")


PROPOSAL_SCENARIOS: dict[str, Callable[[World], Target]] = {
    "edit": lambda w: Target(w.draft(), {"title": "关于加快新能源汽车充电桩建设的建议"}),
    "delete_draft": lambda w: Target(w.draft(), {}),
    "submit": lambda w: Target(w.draft(), {}),
    "cosign": lambda w: Target(w.cosigning(), {}),
    "decline_cosign": lambda w: Target(w.cosigning(), {}),
    "withdraw": lambda w: Target(w.submitted(), {"comment": "情况已变化"}),
    "return_for_revision": lambda w: Target(w.submitted(), {"comment": "请补充数据"}),
    "register": lambda w: Target(w.submitted(), {}),
    "merge": _merge,
    "convert": lambda w: Target(w.submitted(), {"kind": "opinion_report", "comment": "转为社情民意信息"}),
    "reject": lambda w: Target(w.submitted(), {"ground": "no_content", "explanation": "无具体建议"}),
    "assign": lambda w: Target(
        w.registered(), {"mode": "single", "units": [{"unit_id": w.org.unit.pk, "role": "single"}]}
    ),
    "evaluate": lambda w: Target(w.evaluating(), {"satisfaction": "satisfied", "comment": "满意"}),
    "request_rehandling": lambda w: Target(
        w.p_act(w.evaluating(), "evaluate", "proposer", satisfaction="dissatisfied", comment="未落实"),
        {"comment": "请重新办理"},
    ),
    "close": lambda w: Target(w.p_act(w.evaluating(), "evaluate", "proposer", satisfaction="satisfied"), {}),
    "schedule_followup": lambda w: Target(w.closed(), {}),
    "propose_key": lambda w: Target(w.assigned()[0], {"supervising_leader_id": w.users["leader"].pk}),
    "approve_key": lambda w: Target(w.key_proposed(), {}),
    "decline_key": lambda w: Target(w.key_proposed(), {"comment": "暂不列入"}),
    "record_supervision": lambda w: Target(
        w.p_act(w.key_proposed(), "approve_key", "leader"),
        {"kind": "site_visit", "date": _today(), "findings": "现场察看了建设进度"},
    ),
    "record_recommendation": lambda w: Target(
        w.p_act(w.key_proposed(), "approve_key", "leader"),
        {"unit_id": w.org.unit.pk, "text": "年内完成老旧小区充电桩改造试点"},
    ),
    "nominate_excellent": lambda w: Target(w.assigned()[0], {}),
    "approve_excellent": lambda w: Target(w.nominated(), {}),
    "decline_excellent": lambda w: Target(w.nominated(), {"comment": "不予评定"}),
    "consent_publication": lambda w: Target(w.closed(), {}),
}

ASSIGNMENT_SCENARIOS: dict[str, Callable[[World], Target]] = {
    "accept_assignment": _assignment(World.assigned, {}),
    "dispute_assignment": _assignment(World.assigned, {"reason": "不属于本单位职责"}),
    "resolve_dispute": _assignment(_disputed, {"decision": "keep", "comment": "属于本单位职责，请继续办理"}),
    "record_contact": _assignment(
        World.accepted, lambda w: {"date": _today(), "way": "phone", "summary": "电话沟通了办理思路"}
    ),
    "submit_co_opinion": _assignment(World.co_accepted, {"text": "同意主办单位意见"}),
    "request_extension": _assignment(
        World.accepted, lambda w: {"due_date": str(add_months(timezone.localdate(), 4)), "reason": "涉及多部门"}
    ),
    "decide_extension": _assignment(_extension_pending, {"approve": True}),
    "draft_reply": _assignment(World.accepted, {"text": "答复如下", "grade": "A"}),
    "sign_reply": _assignment(World.reply_drafted, {}),
    "approve_reply": _assignment(World.reply_signed, {}),
    "return_reply": _assignment(World.reply_signed, {"comment": "请补充办理措施"}),
    "urge": _assignment(_overdue, {"note": "请尽快答复提案人"}),
}


@pytest.fixture
def world(org, category):
    outsider = member_with_account(org, username="demo-member3", name="王委员", seq=3).user
    unit3 = HandlingUnit.objects.create(name="新建区发展和改革委员会", short_name="区发改委")
    keys = {"proposer": "member", "cosigner": "member2", "outsider": None}
    users = {role: org.users[keys.get(role, role)] for role in ROLES if role not in ("anonymous", "outsider")}
    users["outsider"] = outsider
    tokens = {role: api_token_issue(user=user)[0] for role, user in users.items()}
    return World(org=org, category=category, users=users, tokens=tokens, unit3=unit3)


def _row_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed and not m._meta.proxy
    }


def _snapshot(target: Target):
    return (
        Proposal.objects.filter(pk=target.proposal.pk).values().get(),
        Assignment.objects.filter(pk=target.assignment.pk).values().get() if target.assignment else None,
        AuditEntry.objects.count(),
        TimelineEntry.objects.count(),
    )


def _allowed_in_detail(w: World, role: str, target: Target) -> list[str]:
    body = w.get(role, f"/api/v1/proposals/{target.proposal.pk}").json()
    if target.assignment is None:
        return body["allowed_actions"]
    return next(a["allowed_actions"] for a in body["assignments"] if a["id"] == target.assignment.pk)


def _state_after(target: Target) -> str | None:
    if target.assignment is not None:
        return Assignment.objects.get(pk=target.assignment.pk).state
    return Proposal.objects.filter(pk=target.proposal.pk).values_list("state", flat=True).first()


def _run(w: World, action: str, row: tuple[int, ...], scenario: Callable[[World], Target]) -> None:
    expected = dict(zip(ROLES, row, strict=True))
    target = scenario(w)

    # the detail's allowed actions agree with the table, and those who may not see the proposal get 404 there too
    for role in ROLES[1:]:
        if expected[role] == 404:
            assert w.get(role, f"/api/v1/proposals/{target.proposal.pk}").status_code == 404, role
        else:
            assert (action in _allowed_in_detail(w, role, target)) == (expected[role] in (200, 204)), role

    # every refused role: the exact status, a JSON message, and nothing changed
    refused = [r for r in ROLES if expected[r] not in (200, 204)]
    before, rows = _snapshot(target), _row_counts()
    actual = {}
    for role in refused:
        response = w.call(role, action, target)
        actual[role] = response.status_code
        assert response.json()["message"], (role, response.content)
        assert _snapshot(target) == before, role
    assert actual == {r: expected[r] for r in refused}
    assert _row_counts() == rows

    # each allowed role, on a proposal of its own
    allowed = [r for r in ROLES if expected[r] in (200, 204)]
    assert allowed, action
    for i, role in enumerate(allowed):
        if i:
            target = scenario(w)
        audit, steps = AuditEntry.objects.count(), TimelineEntry.objects.count()
        response = w.call(role, action, target)
        assert response.status_code == expected[role], (role, response.content)
        if expected[role] == 200:
            assert response.json()["id"] == target.proposal.pk
        assert _state_after(target) == AFTER[action], role
        assert AuditEntry.objects.count() > audit, role
        # editing a draft is audited, not a step of the proposal's life; a deleted draft's timeline goes with it
        if action not in ("edit", "delete_draft"):
            assert TimelineEntry.objects.count() > steps, role


def test_the_matrix_covers_every_action_a_person_can_take():
    assert set(PROPOSAL_MATRIX) == {n for n, s in wf.PROPOSAL_ACTIONS.items() if wf.SYSTEM not in s.who}
    assert set(ASSIGNMENT_MATRIX) == {n for n, s in wf.ASSIGNMENT_ACTIONS.items() if wf.SYSTEM not in s.who}
    assert set(PROPOSAL_SCENARIOS) == set(PROPOSAL_MATRIX)
    assert set(ASSIGNMENT_SCENARIOS) == set(ASSIGNMENT_MATRIX)
    assert set(AFTER) == set(PROPOSAL_MATRIX) | set(ASSIGNMENT_MATRIX)
    assert {len(row) for row in [*PROPOSAL_MATRIX.values(), *ASSIGNMENT_MATRIX.values()]} == {len(ROLES)}


@pytest.mark.parametrize("action", list(PROPOSAL_MATRIX))
def test_proposal_action_matrix(action, world, settings):
    if action == "consent_publication":
        settings.PROPOSALS = {"PUBLICATION_ENABLED": True}
    _run(world, action, PROPOSAL_MATRIX[action], PROPOSAL_SCENARIOS[action])


@pytest.mark.parametrize("action", list(ASSIGNMENT_MATRIX))
def test_assignment_action_matrix(action, world):
    _run(world, action, ASSIGNMENT_MATRIX[action], ASSIGNMENT_SCENARIOS[action])


def test_a_unit_that_lost_the_proposal_to_another_gets_404(world):
    """Reassigned away, the first unit no longer sees the proposal: its old assignment answers 404."""
    p, a = world.assigned()
    world.a_act(a, "dispute_assignment", "unit", reason="不属于本单位职责")
    world.a_act(a, "resolve_dispute", "office", decision="reassign", comment="改交",
                units=[{"unit_id": world.org.other_unit.pk, "role": "single"}])  # fmt: skip
    target = Target(p, {}, a)
    before = _snapshot(target)
    for role in ["unit", "unit-leader"]:
        assert world.call(role, "accept_assignment", target).status_code == 404
        assert world.get(role, f"/api/v1/proposals/{p.pk}").status_code == 404
    new = p.assignments.get(unit=world.org.other_unit)
    assert world.call("unit2", "accept_assignment", Target(p, {}, new)).status_code == 200
    assert _snapshot(target)[1] == before[1]
