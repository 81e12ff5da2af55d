"""Invariants of the workflow under random use.

A hypothesis state machine drives random sequences of every action of the table (``PROPOSAL_ACTIONS`` and
``ASSIGNMENT_ACTIONS``, the scheduler's own included) by users of every role — anonymous, admin, office, secretariat,
leader, overseer, three units' staff and leaders, three members — on a few proposals, with plausible payloads of
which some are invalid, while a controlled clock moves forward and the scheduled jobs run. Most steps pick one of
the actions the table offers someone (so the machine gets far into the workflow), the others anything at all.

After each step it checks:
* an action succeeds only if it was in ``allowed_*_actions`` for that user just before; an allowed action is never
  refused with 403/404/409, and with a valid payload it is not refused at all; a refused action is refused with the
  status that follows from visibility, relation and state (404, 403, 409) or 422 for a bad payload;
* a refused action changed nothing (states, rows, audit, timeline, notifications, duty records);
* a success moves the object only to one of the action's targets and leaves an audit row and a timeline entry;
* who sees which proposal agrees with the spec's rules, and each unit sees only its own assignments (board too);
* every owed reply belongs to a live (not reassigned) lead/single/separate assignment; assignments keep a valid mode;
  a proposal past ``replied`` has an approved reply from every owing unit;
* a closed proposal has an evaluation — possibly "not rated", never a made-up "satisfied" — for every current reply
  and every evaluating proposer;
* registration numbers are unique and gapless per year and only registered proposals have one;
* the scheduled jobs are idempotent (a rerun tells nobody anything).

The run is kept short (25 sequences of up to 30 steps) so the test takes well under a minute on SQLite.
"""

import datetime
import os
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.builders.org import PASSWORD, make_member
from zhengxie.accounts.services import account_create
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import ActionRefused, InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.duty.models import DutyRecord
from zhengxie.notifications.models import Notification
from zhengxie.people.models import HandlingUnit, UnitStaff
from zhengxie.proposals import reminders
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.actions import add_months, assignment_act, proposal_act
from zhengxie.proposals.choices import (
    LIVE_ASSIGNMENT_STATES,
    AssignmentRole,
    AssignmentState,
    ProposalState,
    ReplyState,
    Satisfaction,
)
from zhengxie.proposals.conf import conf
from zhengxie.proposals.models import (
    Assignment,
    Contact,
    Cosignature,
    Evaluation,
    ExtensionRequest,
    Proposal,
    Reply,
    SupervisionActivity,
    TimelineEntry,
    YearCounter,
)
from zhengxie.proposals.selectors import (
    assignment_board,
    current_replies,
    evaluating_proposals,
    replies_awaiting_evaluation,
    visible_proposals,
)
from zhengxie.proposals.services import proposal_create_draft

P, A = ProposalState, AssignmentState
START = datetime.datetime(2026, 12, 21, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday; the year turns soon
IN_HANDLING = {P.REGISTERED, P.ASSIGNED, P.REPLIED, P.EVALUATING, P.REHANDLING}
NUMBERED = IN_HANDLING | {P.CLOSED}
OVERSIGHT_USERS = {"office", "leader", "overseer"}
MEMBER_USERS = ("member", "member2", "member3")
UNIT_USERS = {
    "unit": "unit",
    "unit-leader": "unit",
    "unit2": "other_unit",
    "unit2-leader": "other_unit",
    "unit3": "unit3",
}
# ZX_NO_SHRINK=1 skips shrinking while hunting locally: shrinking a long failing sequence can take minutes.
PHASES = [Phase.generate] if os.environ.get("ZX_NO_SHRINK") else list(Phase)
PROGRESS = {
    P.DRAFT: 0,
    P.COSIGNING: 1,
    P.SUBMITTED: 2,
    P.REGISTERED: 3,
    P.ASSIGNED: 4,
    P.REHANDLING: 4,
    P.REPLIED: 5,
    P.EVALUATING: 6,
}
# Actions that end a proposal's way early or send something back: offered less often in guided steps.
ENDINGS = {
    "withdraw",
    "delete_draft",
    "reject",
    "convert",
    "merge",
    "return_for_revision",
    "decline_cosign",
    "decline_key",
    "decline_excellent",
    "return_reply",
}
# The way from a draft to a closed proposal: guided steps mostly take one of these.
MAINLINE = {
    "submit",
    "cosign",
    "register",
    "assign",
    "evaluate",
    "close",
    "request_rehandling",
    "accept_assignment",
    "submit_co_opinion",
    "draft_reply",
    "sign_reply",
    "approve_reply",
    "resolve_dispute",
}
PROPOSAL_ACTION_NAMES = sorted(set(wf.PROPOSAL_ACTIONS) - {"edit"})  # "edit" is the draft form, not an action
ASSIGNMENT_ACTION_NAMES = sorted(wf.ASSIGNMENT_ACTIONS)


def _iso(day: datetime.date) -> str:
    return day.isoformat()


class Payloads:
    """A payload for an action on an object: valid when asked (and possible), else one that is certainly invalid.
    Returns (payload, valid)."""

    def __init__(self, world, data):
        self.w, self.data = world, data

    def pick(self, options):
        return self.data.draw(st.sampled_from(options))

    def proposal(self, action: str, p: Proposal, user, want_valid: bool):
        today = timezone.localdate()
        method = getattr(self, f"p_{action}", None)
        if method is None:  # no input to get wrong
            return {}, True
        return method(p, user, want_valid, today)

    def assignment(self, action: str, a: Assignment, user, want_valid: bool):
        today = timezone.localdate()
        method = getattr(self, f"a_{action}", None)
        if method is None:
            return {}, True
        return method(a, user, want_valid, today)

    # proposal actions
    def p_submit(self, p, user, want_valid, today):
        return {}, self.w.content_ok.get(p.pk, False)

    def p_withdraw(self, p, user, want_valid, today):
        return {"comment": self.pick(["", "不再提出"])}, True

    def _comment(self, want_valid, key="comment"):
        return ({key: "请补充相关数据"}, True) if want_valid else ({key: self.pick(["", "   "])}, False)

    def p_return_for_revision(self, p, user, want_valid, today):
        return self._comment(want_valid)

    def p_merge(self, p, user, want_valid, today):
        others = Proposal.objects.exclude(pk=p.pk)
        targets = sorted(others.filter(state__in=[P.SUBMITTED, P.REGISTERED, P.ASSIGNED]).values_list("pk", flat=True))
        if want_valid and targets:
            return {"into": self.pick(targets)}, True
        wrong = sorted(others.exclude(state__in=[P.SUBMITTED, P.REGISTERED, P.ASSIGNED]).values_list("pk", flat=True))
        return {"into": self.pick([None, "abc", p.pk, 10**9, *wrong])}, False

    def p_convert(self, p, user, want_valid, today):
        if want_valid:
            return {"kind": self.pick([None, "", "opinion_report", "suggestion"]), "comment": "转有关部门参考"}, True
        return {"kind": "bogus"}, False

    def p_reject(self, p, user, want_valid, today):
        codes = [c for c, _label in conf("REJECTION_GROUNDS")]
        if want_valid:
            return {"ground": self.pick(codes), "explanation": "说明理由"}, True
        return self.pick([{"ground": "bogus", "explanation": "说明"}, {"ground": codes[0], "explanation": ""}]), False

    def p_assign(self, p, user, want_valid, today):
        u1, u2, u3 = self.w.unit_ids
        valid = [
            {"mode": "single", "units": [{"unit_id": self.pick([u1, u2, u3]), "role": "single"}]},
            {"mode": "separate", "units": [{"unit_id": u1, "role": "separate"}, {"unit_id": u2, "role": "separate"}]},
            {"mode": "lead", "units": [{"unit_id": u1, "role": "lead"}, {"unit_id": u2, "role": "co"}]},
            {"mode": "lead", "units": [{"unit_id": u2, "role": "lead"}, {"unit_id": u1, "role": "co"}]},
        ]
        if want_valid:
            payload = dict(self.pick(valid))
            due = self.pick([None, today + datetime.timedelta(days=30)])
            if due:
                payload["due_date"] = _iso(due)
            return payload, True
        wrong = [
            {"mode": "single", "units": [{"unit_id": u1, "role": "single"}, {"unit_id": u2, "role": "single"}]},
            {"mode": "separate", "units": [{"unit_id": u1, "role": "separate"}]},
            {"mode": "lead", "units": [{"unit_id": u1, "role": "lead"}, {"unit_id": u2, "role": "lead"}]},
            {"mode": "lead", "units": [{"unit_id": u1, "role": "lead"}, {"unit_id": u1, "role": "co"}]},
            {"mode": "single", "units": []},
            {"mode": "both", "units": [{"unit_id": u1, "role": "single"}]},
            {"mode": "single", "units": [{"unit_id": u1, "role": "single"}], "due_date": _iso(today)},
            {"mode": "single", "units": [{"unit_id": u1, "role": "single"}], "due_date": _iso(add_months(today, 7))},
        ]
        return self.pick(wrong), False

    def p_evaluate(self, p, user, want_valid, today):
        pending = replies_awaiting_evaluation(p, user)
        reply_ids = sorted({r.pk for r, _q in pending})
        if want_valid and reply_ids:
            satisfaction = self.pick(["satisfied", "basically_satisfied", "dissatisfied"])
            payload = {"satisfaction": satisfaction, "comment": "未落实" if satisfaction == "dissatisfied" else ""}
            if len(reply_ids) > 1 or self.data.draw(st.booleans()):
                payload["reply_id"] = self.pick(reply_ids)
            return payload, True
        reply_id = reply_ids[0] if len(reply_ids) == 1 else None
        wrong = [
            {"satisfaction": "not_rated", "reply_id": reply_id},
            {"satisfaction": "bogus", "reply_id": reply_id},
            {"satisfaction": "dissatisfied", "comment": "", "reply_id": reply_id},
            {"satisfaction": "satisfied", "reply_id": 10**9},
        ]
        if len(reply_ids) > 1:
            wrong.append({"satisfaction": "satisfied"})
        return self.pick(wrong), False

    def p_request_rehandling(self, p, user, want_valid, today):
        if want_valid:
            due = self.pick([None, today + datetime.timedelta(days=20)])
            return {"comment": "请重新办理", **({"due_date": _iso(due)} if due else {})}, True
        return self.pick([{"comment": ""}, {"comment": "重办", "due_date": _iso(today)}]), False

    def p_schedule_followup(self, p, user, want_valid, today):
        if want_valid:
            return self.pick([{}, {"date": _iso(today + datetime.timedelta(days=100))}]), True
        return self.pick([{"date": _iso(today)}, {"date": "明年"}]), False

    def p_propose_key(self, p, user, want_valid, today):
        if want_valid:
            return {"supervising_leader_id": self.w.users["leader"].pk}, True
        return {"supervising_leader_id": self.pick([None, "x", self.w.users["office"].pk])}, False

    def p_approve_key(self, p, user, want_valid, today):
        if want_valid:
            return self.pick([{}, {"supervising_leader_id": self.w.users["leader"].pk}]), True
        return {"supervising_leader_id": self.w.users["overseer"].pk}, False

    def p_record_supervision(self, p, user, want_valid, today):
        good = {"kind": "site_visit", "date": _iso(today), "findings": "现场察看"}
        if want_valid:
            return good, True
        tomorrow = _iso(today + datetime.timedelta(days=1))
        return self.pick([{**good, "kind": "bogus"}, {**good, "date": tomorrow}, {**good, "findings": ""}]), False

    # assignment actions
    def a_dispute_assignment(self, a, user, want_valid, today):
        return self._comment(want_valid, "reason")

    def a_resolve_dispute(self, a, user, want_valid, today):
        taken = set(
            a.proposal.assignments.exclude(state=A.REASSIGNED).exclude(pk=a.pk).values_list("unit_id", flat=True)
        )
        free = [u for u in self.w.unit_ids if u not in taken and u != a.unit_id]
        if want_valid:
            if free and self.data.draw(st.booleans()):
                role = {"single": "single", "separate": "separate", "lead": "lead", "co": "co"}[a.role]
                return {"decision": "reassign", "comment": "改交", "units": [{"unit_id": free[0], "role": role}]}, True
            return {"decision": "keep", "comment": "属本单位职责"}, True
        wrong_role = "lead" if a.role in ("single", "separate", "co") else "single"
        return self.pick(
            [
                {"decision": "bogus", "comment": "x"},
                {"decision": "keep", "comment": ""},
                {"decision": "reassign", "comment": "改交", "units": [{"unit_id": a.unit_id, "role": a.role}]},
                {
                    "decision": "reassign",
                    "comment": "改交",
                    "units": [{"unit_id": self.w.unit_ids[2], "role": wrong_role}],
                },
                {"decision": "reassign", "comment": "改交", "units": []},
            ]
        ), False

    def a_record_contact(self, a, user, want_valid, today):
        good = {"date": _iso(self.pick([today, timezone.localdate(a.assigned_at)])), "way": "phone", "summary": "电话"}
        if want_valid:
            return good, True
        tomorrow = _iso(today + datetime.timedelta(days=1))
        return self.pick([{**good, "date": tomorrow}, {**good, "way": "email"}, {**good, "summary": ""}]), False

    def a_submit_co_opinion(self, a, user, want_valid, today):
        return self._comment(want_valid, "text")

    def a_urge(self, a, user, want_valid, today):
        return self._comment(want_valid, "note")

    def a_request_extension(self, a, user, want_valid, today):
        limit = add_months(timezone.localdate(a.assigned_at), conf("MAX_DUE_MONTHS"))
        later = a.due_date + datetime.timedelta(days=1)
        if want_valid and later <= limit:
            return {"due_date": _iso(later), "reason": "涉及多个部门"}, True
        return self.pick(
            [
                {"due_date": _iso(a.due_date), "reason": "涉及多个部门"},
                {"due_date": _iso(limit + datetime.timedelta(days=1)), "reason": "涉及多个部门"},
                {"due_date": _iso(later), "reason": ""} if later <= limit else {"due_date": "x", "reason": "r"},
            ]
        ), False

    def a_decide_extension(self, a, user, want_valid, today):
        if want_valid:
            return self.pick([{"approve": True}, {"approve": False, "comment": "理由不充分"}]), True
        return self.pick([{"approve": "yes"}, {"approve": False}]), False

    def a_draft_reply(self, a, user, want_valid, today):
        if want_valid:
            return {"text": "答复内容", "grade": self.pick(["A", "B", "C"])}, True
        return self.pick([{"text": "答复", "grade": "D"}, {"text": "", "grade": "A"}]), False

    def a_approve_reply(self, a, user, want_valid, today):
        signed = Reply.objects.filter(assignment=a, round=a.round, state=ReplyState.SIGNED).first()
        grade = signed.grade if signed else "A"
        other = "A" if grade != "A" else "B"
        if want_valid:
            return self.pick([{}, {"grade": grade}, {"grade": other, "note": "更正类别"}]), True
        return self.pick([{"grade": other}, {"grade": "Z", "note": "x"}]), False

    def a_return_reply(self, a, user, want_valid, today):
        return self._comment(want_valid)


def _visibility_facts():
    """All that visibility depends on besides the users' (fixed) roles: each proposal's state, author and whether it
    was ever submitted, who was invited to co-sign, which units hold a live assignment."""
    return (
        tuple(Proposal.objects.order_by("pk").values_list("pk", "state", "author__username", "submitted_at")),
        tuple(Cosignature.objects.order_by("pk").values_list("proposal_id", "member__user__username")),
        tuple(
            Assignment.objects.exclude(state=A.REASSIGNED).order_by("pk").values_list("pk", "proposal_id", "unit_id")
        ),
    )


def _expected_visibility(facts, users: dict, unit_of_user: dict) -> dict[str, set[int]]:
    """The spec's rules, written out independently of selectors.visible_proposals."""
    proposals, cosignatures, live_assignments = facts
    cosigners = {}
    for pid, username in cosignatures:
        cosigners.setdefault(pid, set()).add(username)
    units = {}
    for _pk, pid, unit_id in live_assignments:
        units.setdefault(pid, set()).add(unit_id)
    seen = {key: set() for key in users}
    for pid, state, author, submitted_at in proposals:
        # A draft, or a draft withdrawn before it was ever submitted, is its author's alone.
        private = state == P.DRAFT or (state == P.WITHDRAWN and submitted_at is None)
        for key, user in users.items():
            if user is None or not user.is_authenticated:
                continue
            if user.username == author:
                seen[key].add(pid)
            elif private:
                continue
            elif key in OVERSIGHT_USERS or user.username in cosigners.get(pid, ()):
                seen[key].add(pid)
            elif key in MEMBER_USERS and state in NUMBERED:
                seen[key].add(pid)
            elif key in unit_of_user and unit_of_user[key] in units.get(pid, ()):
                seen[key].add(pid)
    return seen


COUNTED = [AuditEntry, TimelineEntry, Notification, Evaluation, Contact, DutyRecord, SupervisionActivity]


def _snapshot():
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(m._meta.db_table)})" for m in COUNTED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row_counts = cursor.fetchone()
    return (
        list(Proposal.objects.order_by("pk").values()),
        list(Assignment.objects.order_by("pk").values()),
        list(Cosignature.objects.order_by("pk").values_list("pk", "state", "answered_at")),
        list(Reply.objects.order_by("pk").values()),
        list(ExtensionRequest.objects.order_by("pk").values_list("pk", "state", "requested_due")),
        list(YearCounter.objects.order_by("pk").values_list()),
        tuple(row_counts),
    )


def _valid_mode(roles: list[str]) -> bool:
    count = Counter(roles)
    if set(count) == {"single"}:
        return count["single"] == 1
    if set(count) == {"separate"}:
        return count["separate"] >= 2
    return set(count) == {"lead", "co"} and count["lead"] == 1


def machine_for(world):
    class ProposalWorkflow(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.clock = time_machine.travel(START, tick=False)
            self.coordinates = self.clock.start()
            world.content_ok = {}
            self.dirty = True
            self.checked_facts = None

        def teardown(self):
            self.clock.stop()
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        # Making proposals ----------------------------------------------------------------------------------------
        def _create(self, author: str, cosigners: list[str], content: str) -> None:
            title = {"ok": "关于加快充电桩建设的建议", "long": "长" * 51, "empty": "关于社区养老服务的建议"}[content]
            data = {
                "title": title,
                "analysis": "现状分析",
                "suggestions": "" if content == "empty" else "一、……",
                "category_id": world.category.pk,
                "cosigner_ids": [world.members[c].pk for c in cosigners if c != author],
            }
            p = proposal_create_draft(author=world.users[author], data=data)
            world.content_ok[p.pk] = content == "ok"
            self.dirty = True

        @initialize(author=st.sampled_from(MEMBER_USERS), cosign=st.booleans())
        def first_proposals(self, author, cosign):
            self._create(author, [m for m in MEMBER_USERS if m != author][:1] if cosign else [], "ok")
            self._create("member2" if author == "member" else "member", [], "ok")

        @precondition(lambda self: Proposal.objects.count() < 3)
        @rule(
            author=st.sampled_from(MEMBER_USERS),
            cosigners=st.lists(st.sampled_from(MEMBER_USERS), max_size=2, unique=True),
            content=st.sampled_from(["ok", "ok", "ok", "long", "empty"]),
        )
        def create_proposal(self, author, cosigners, content):
            self._create(author, cosigners, content)

        # Acting --------------------------------------------------------------------------------------------------
        def _allowed(self, kind: str, obj, user) -> list[str]:
            if user is None or not user.is_authenticated:
                assert (
                    wf.allowed_proposal_actions(obj, user)
                    if kind == "proposal"
                    else wf.allowed_assignment_actions(obj, user)
                ) == []
                return []
            if kind == "proposal":
                return wf.allowed_proposal_actions(obj, user)
            return wf.allowed_assignment_actions(obj, user)

        def _load(self, kind: str, pk: int):
            if kind == "proposal":
                return Proposal.objects.get(pk=pk)
            return Assignment.objects.select_related("proposal", "unit").get(pk=pk)

        def _offered(self, kind: str, obj, names) -> list[tuple[str, str]]:
            """What the table offers the people who can have a relation to the object now (for guided steps)."""
            if kind == "assignment":
                keys = ["office", *(k for k, unit_id in world.unit_of_user.items() if unit_id == obj.unit_id)]
            elif obj.state in (P.DRAFT, P.COSIGNING, P.EVALUATING):  # the proposers act
                keys = [*MEMBER_USERS, "office"]
            else:
                keys = ["office", "leader"]
            return sorted((k, name) for k in keys for name in self._allowed(kind, obj, world.users[k]) if name in names)

        def _pick_object(self, data, guided: bool):
            if not guided:
                if Assignment.objects.exists() and data.draw(st.booleans(), label="on an assignment"):
                    ids = list(Assignment.objects.order_by("pk").values_list("pk", flat=True))
                    return "assignment", self._load("assignment", data.draw(st.sampled_from(ids), label="id"))
                ids = list(Proposal.objects.order_by("pk").values_list("pk", flat=True))
                return "proposal", self._load("proposal", data.draw(st.sampled_from(ids), label="id"))
            # Guided: mostly a proposal still on its way; while it is being handled, mostly one of its assignments.
            moving = Proposal.objects.exclude(state__in=[P.WITHDRAWN, P.REJECTED, P.CONVERTED, P.MERGED, P.CLOSED])
            ids = list(moving.order_by("pk").values_list("pk", flat=True)) or list(
                Proposal.objects.order_by("pk").values_list("pk", flat=True)
            )
            if data.draw(st.integers(0, 2), label="focus") > 0:  # mostly the one furthest on, to get to the end
                moving = moving.order_by("pk").values_list("pk", "state")
                ids = [max(moving, key=lambda row: (PROGRESS[row[1]], -row[0]))[0]] if moving else ids
            proposal = self._load("proposal", data.draw(st.sampled_from(ids), label="id"))
            live = list(
                proposal.assignments.filter(state__in=LIVE_ASSIGNMENT_STATES)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if (
                proposal.state in (P.ASSIGNED, P.REHANDLING)
                and live
                and data.draw(st.integers(0, 4), label="which") > 0
            ):
                return "assignment", self._load("assignment", data.draw(st.sampled_from(live), label="assignment"))
            return "proposal", proposal

        def _act(self, data):
            if not Proposal.objects.exists():  # every draft deleted: nothing to act on until one is made
                return
            guided = data.draw(st.integers(0, 4), label="guided") > 0
            kind, obj = self._pick_object(data, guided)
            names = PROPOSAL_ACTION_NAMES if kind == "proposal" else ASSIGNMENT_ACTION_NAMES
            offered = self._offered(kind, obj, names) if guided else []
            # Mostly carry the proposal forward; now and then a side step (key, excellent, contact, extension …),
            # an end (withdraw, reject …) or a return.
            forward = [pair for pair in offered if pair[1] in MAINLINE - {"draft_reply"}]
            main = [pair for pair in offered if pair[1] in MAINLINE]
            side = [pair for pair in offered if pair[1] not in MAINLINE | ENDINGS]
            roll = data.draw(st.integers(0, 9), label="which kind of step")
            if forward and roll < 6:
                offered = forward
            elif main and roll < 8:
                offered = main
            elif side and roll < 9:
                offered = side
            if offered:
                user_key, action = data.draw(st.sampled_from(offered), label="offered action")
            else:
                user_key = data.draw(st.sampled_from(sorted(world.users)), label="user")
                action = data.draw(st.sampled_from(names), label="action")
            user = world.users[user_key]
            want_valid = data.draw(st.integers(0, 5), label="valid payload") > 0
            payloads = Payloads(world, data)
            if kind == "proposal":
                payload, valid = payloads.proposal(action, obj, user, want_valid)
            else:
                payload, valid = payloads.assignment(action, obj, user, want_valid)
            self._attempt(kind, obj, action, user_key, user, payload, valid)

        # Four rules doing the same, so acting is drawn more often than making proposals or passing time.
        @rule(data=st.data())
        def act(self, data):
            self._act(data)

        @rule(data=st.data())
        def act_again(self, data):
            self._act(data)

        @rule(data=st.data())
        def act_once_more(self, data):
            self._act(data)

        @rule(data=st.data())
        def act_yet_again(self, data):
            self._act(data)

        def _attempt(self, kind, obj, action, user_key, user, payload, valid):
            proposal = obj if kind == "proposal" else obj.proposal
            step = (wf.PROPOSAL_ACTIONS if kind == "proposal" else wf.ASSIGNMENT_ACTIONS)[action]
            allowed = action in self._allowed(kind, obj, user)
            if action == "edit":
                return
            visible = visible_proposals(user).filter(pk=proposal.pk).exists()
            if user is None or not user.is_authenticated:
                relations = frozenset()
            elif kind == "proposal":
                relations = wf.relations_to_proposal(obj, user)
            else:
                relations = wf.relations_to_assignment(obj, user)
            before = _snapshot()
            last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            last_entry = TimelineEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            where = f"{user_key} {action} on {kind} {obj.pk} ({obj.state}) with {payload!r}"
            try:
                if kind == "proposal":
                    proposal_act(proposal_id=obj.pk, action=action, actor=user, payload=payload)
                else:
                    assignment_act(assignment_id=obj.pk, action=action, actor=user, payload=payload)
            except ActionRefused as refusal:
                assert _snapshot() == before, f"a refused action changed something: {where}"
                if allowed:
                    assert isinstance(refusal, InvalidInput), f"allowed but refused with {refusal!r}: {where}"
                    assert not valid, f"allowed with a valid payload but refused with {refusal.errors}: {where}"
                else:
                    expected = NotVisible if not visible else NotAllowed if not step.who & relations else StateConflict
                    assert type(refusal) is expected, f"{refusal!r} instead of {expected.__name__}: {where}"
                return
            assert allowed, f"succeeded though not offered: {where}"
            assert valid, f"accepted an invalid payload: {where}"
            assert visible, f"succeeded on an invisible proposal: {where}"
            if not Proposal.objects.filter(pk=proposal.pk).exists():  # 删除草稿: the draft is gone, timeline and all
                assert (action, obj.state, obj.submitted_at) == ("delete_draft", P.DRAFT, None), f"vanished: {where}"
                audited = AuditEntry.objects.filter(pk__gt=last_audit, action="proposal.delete_draft")
                assert list(audited.values_list("object_id", flat=True)) == [str(obj.pk)], f"no audit row: {where}"
                self.successes[action] += 1
                self.dirty = True
                return
            after = self._load(kind, obj.pk)
            if step.targets:
                assert after.state in step.targets, f"{after.state} is not a target: {where}"
            else:
                assert after.state == obj.state, f"state changed by a non-moving action: {where}"
            audited = AuditEntry.objects.filter(pk__gt=last_audit, action=f"{kind}.{action}", object_id=str(obj.pk))
            assert audited.count() == 1, f"no audit row: {where}"
            assert TimelineEntry.objects.filter(pk__gt=last_entry, proposal=proposal).exists(), f"no timeline: {where}"
            self.successes[action] += 1
            self.dirty = True

        # Time ----------------------------------------------------------------------------------------------------
        @rule(days=st.integers(1, 12))
        def pass_time(self, days):
            self.coordinates.shift(datetime.timedelta(days=days))
            self.dirty = True
            today = timezone.localdate()
            last_note = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            reminders.lapse_cosign_invitations()
            reminders.cosign_reminders()
            reminders.run_daily(today=today)
            told = Notification.objects.count()
            # Due-date reminders and overdue flags concern proposals still being handled, nothing else.
            flagged = Notification.objects.filter(pk__gt=last_note, kind__in=["proposal.due_soon", "proposal.overdue"])
            handled = {f"/proposals/{pk}/" for pk in Proposal.objects.filter(state__in=[P.ASSIGNED, P.REHANDLING])
                       .values_list("pk", flat=True)}  # fmt: skip
            assert set(flagged.values_list("url", flat=True)) <= handled, "reminded of a proposal no longer in handling"
            assert reminders.lapse_cosign_invitations() == 0
            assert reminders.cosign_reminders() == 0
            assert set(reminders.run_daily(today=today).values()) == {0}
            assert Notification.objects.count() == told, "a rerun of the scheduled jobs told someone again"

        # Invariants ----------------------------------------------------------------------------------------------
        @invariant()
        def state_is_consistent(self):
            # A refused step changed nothing (checked in _attempt), so the state needs checking only after a change.
            if not self.dirty:
                return
            self.numbers_are_unique_and_gapless_per_year()
            self.everyone_sees_what_the_spec_says()
            self.owed_replies_belong_to_live_owing_assignments()
            self.closed_proposals_have_every_evaluation()
            self.merged_and_cosigning_proposals_are_consistent()
            self.dirty = False

        def numbers_are_unique_and_gapless_per_year(self):
            rows = list(Proposal.objects.values_list("year", "seq", "number", "state"))
            by_year: dict[int, list[int]] = {}
            for year, seq, number, state in rows:
                assert bool(number) == (state in NUMBERED), (number, state)
                if number:
                    assert number == f"{year}{seq:04d}"
                    by_year.setdefault(year, []).append(seq)
            for year, seqs in by_year.items():
                assert sorted(seqs) == list(range(1, len(seqs) + 1)), (year, seqs)
                assert YearCounter.objects.get(year=year).last_seq == len(seqs)

        def everyone_sees_what_the_spec_says(self):
            """Checked for every user whenever anything visibility depends on has changed; each unit's board too."""
            facts = _visibility_facts()
            if facts == self.checked_facts:
                return
            expected = _expected_visibility(facts, world.users, world.unit_of_user)
            for key, user in world.users.items():
                seen = set(visible_proposals(user).values_list("pk", flat=True))
                assert seen == expected[key], (key, seen, expected[key])
            _proposals, _cosignatures, live_assignments = facts
            for key, unit_id in world.unit_of_user.items():
                mine = {pk for pk, _pid, unit in live_assignments if unit == unit_id}
                board = set(assignment_board(user=world.users[key]).values_list("pk", flat=True))
                assert board == mine, (key, board, mine)
            self.checked_facts = facts

        def owed_replies_belong_to_live_owing_assignments(self):
            assert not Reply.objects.filter(assignment__role=AssignmentRole.CO).exists()
            for r in Reply.objects.filter(state__in=[ReplyState.DRAFT, ReplyState.SIGNED]).select_related("assignment"):
                assert r.assignment.state != A.REASSIGNED and r.round == r.assignment.round
            for a in Assignment.objects.all():
                signed = Reply.objects.filter(assignment=a, round=a.round, state=ReplyState.SIGNED).count()
                assert signed == (1 if a.state == A.REPLY_SIGNED else 0), (a.pk, a.state, signed)
            for p in Proposal.objects.filter(state__in=NUMBERED - {P.REGISTERED}):
                live = list(p.assignments.exclude(state=A.REASSIGNED))
                assert _valid_mode([a.role for a in live]), (p.pk, [a.role for a in live])
                owed = {a.pk for a in live if a.owes_reply}
                replied = {a.pk for a in live if a.owes_reply and a.state == A.REPLIED}
                if p.state in (P.REPLIED, P.EVALUATING, P.CLOSED):
                    assert replied == owed and {r.assignment_id for r in current_replies(p)} == owed, p.pk
                else:
                    assert replied != owed, f"proposal {p.pk} is {p.state} though every owed reply is approved"
            assert not Assignment.objects.filter(proposal__state__in=[P.DRAFT, P.SUBMITTED, P.REGISTERED]).exists()

        def closed_proposals_have_every_evaluation(self):
            for p in Proposal.objects.filter(state=P.CLOSED):
                evaluators = {q.pk for q in evaluating_proposals(p)}
                for reply in current_replies(p):
                    assert {e.proposal_id for e in reply.evaluations.all()} == evaluators, (p.pk, reply.pk)
            made_up = Evaluation.objects.filter(evaluator__isnull=True).exclude(satisfaction=Satisfaction.NOT_RATED)
            assert not made_up.exists()
            assert (
                not Evaluation.objects.filter(satisfaction=Satisfaction.NOT_RATED)
                .exclude(reply__assignment__proposal__state=P.CLOSED)
                .exists()
            )

        def merged_and_cosigning_proposals_are_consistent(self):
            for p in Proposal.objects.filter(state=P.MERGED).select_related("merged_into"):
                assert p.merged_into is not None and p.merged_into.state in NUMBERED
            for p in Proposal.objects.filter(state=P.COSIGNING):
                assert p.cosignatures.filter(state="invited").exists()

    ProposalWorkflow.successes = Counter()
    return ProposalWorkflow


class World:
    """The organisation the machine plays in (made once; each sequence rolls back to it)."""

    def __init__(self, org, category):
        unit3 = HandlingUnit.objects.create(name="新建区发展和改革委员会", short_name="区发改委")
        staff3 = account_create(username="demo-unit3", password=PASSWORD, display_name="区发改委")
        UnitStaff.objects.create(unit=unit3, user=staff3, is_leader=True)
        user3 = account_create(username="demo-member3", password=PASSWORD, display_name="王委员")
        member3 = make_member(name="王委员", sector=org.sector, party=org.party, seq=3, user=user3, term=org.term)
        self.category = category
        self.users = {
            key: org.users[key]
            for key in (
                "admin",
                "office",
                "staff",
                "leader",
                "overseer",
                "member",
                "member2",
                "unit",
                "unit-leader",
                "unit2",
                "unit2-leader",
            )
        }
        self.users.update({"unit3": staff3, "member3": user3, "anonymous": AnonymousUser()})
        self.members = {"member": org.member, "member2": org.member2, "member3": member3}
        self.unit_ids = [org.unit.pk, org.other_unit.pk, unit3.pk]
        units = {"unit": org.unit.pk, "other_unit": org.other_unit.pk, "unit3": unit3.pk}
        self.unit_of_user = {key: units[u] for key, u in UNIT_USERS.items()}
        self.content_ok: dict[int, bool] = {}


@pytest.mark.django_db
def test_workflow_invariants_hold_under_random_use(org, category):
    world = World(org, category)
    machine = machine_for(world)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            database=None,
            phases=PHASES,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The machine must actually get through the workflow, not only collect refusals.
    reached = set(machine.successes)
    for action in ("submit", "register", "assign", "accept_assignment", "draft_reply", "sign_reply", "approve_reply"):
        assert action in reached, (action, machine.successes)
