"""The workflow engine: declarations, refusals in their order (404, 403, 409, 422), one transaction, one audit row,
input errors in words, and the state diagrams in the docs drawn from the declarations."""

import datetime
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy as _

from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.core.workflow import ActionInput, Choice, Date, Id, Text, Workflow, condition, validate_input
from zhengxie.duty.activities import ACTIVITY
from zhengxie.proposals import actions
from zhengxie.proposals import workflow as wf

DOCS = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


class Body(ActionInput):
    comment: Text(_("退回意见"))
    day: Date(_("日期")) = None
    mode: Choice(_("交办方式"), ["single", "lead"])
    leader: Id(_("督办领导")) | None = None


def test_input_errors_name_the_field_in_words_and_keep_each_fields_short_message():
    with pytest.raises(InvalidInput) as refused:
        validate_input(Body, {})
    assert refused.value.message == "请填写退回意见。"
    assert refused.value.errors == {"comment": "必填", "mode": "必填"}

    with pytest.raises(InvalidInput) as refused:
        validate_input(Body, {"comment": "x" * 5001, "mode": "co", "day": "2026-3-5", "leader": 2**64})
    assert refused.value.message == "退回意见过长（最多5000字）。"
    assert refused.value.errors == {
        "comment": "过长",
        "mode": "可选值：single, lead",
        "day": "日期格式错误",
        "leader": "无效",
    }

    with pytest.raises(InvalidInput) as refused:
        validate_input(Body, {"comment": "   ", "mode": ""})
    assert refused.value.errors == {"comment": "必填", "mode": "必填"}


def test_valid_input_is_trimmed_typed_and_extra_keys_are_ignored():
    data = validate_input(Body, {"comment": "  请补充  ", "mode": "lead", "day": "2026-03-05", "leader": "7", "x": 1})
    assert (data.comment, data.mode, data.day, data.leader) == ("请补充", "lead", datetime.date(2026, 3, 5), 7)
    assert not hasattr(data, "x")


def test_a_workflow_refuses_an_action_declared_twice_or_handled_twice():
    flow = Workflow("sample", relations=lambda obj, user: frozenset({"owner"}))
    flow.action("close", _("关闭"), sources=["open"], targets=["closed"], who=["owner"])
    with pytest.raises(ValueError):
        flow.action("close", _("关闭"), sources=["open"], who=["owner"])
    flow.handler("close")(lambda ctx: None)
    with pytest.raises(ValueError):
        flow.handler("close")(lambda ctx: None)


class _Thing:
    """A stand-in object with a state, as a model instance has (only what the checks read)."""

    def __init__(self, state):
        self.state = state

    def get_state_display(self):
        return {"open": "进行中", "closed": "已关闭"}[self.state]


def test_checks_come_in_order_who_then_state_then_conditions():
    @condition
    def _not_on_sunday(obj, user, now):
        return "周日不办理。" if now.weekday() == 6 else None

    flow = Workflow("sample", relations=lambda obj, user: frozenset({"owner"} if user == "me" else set()))
    close = flow.action(
        "close", _("关闭"), sources=["open"], targets=["closed"], who=["owner"], conditions=[_not_on_sunday]
    )
    monday, sunday = datetime.datetime(2026, 12, 7, 9), datetime.datetime(2026, 12, 6, 9)
    assert isinstance(flow.refusal(close, _Thing("closed"), "you", now=monday), NotAllowed)
    refused = flow.refusal(close, _Thing("closed"), "me", now=monday)
    assert isinstance(refused, StateConflict) and refused.message == "当前状态（已关闭）不能执行“关闭”。"
    refused = flow.refusal(close, _Thing("open"), "me", now=sunday)
    assert isinstance(refused, StateConflict) and refused.message == "周日不办理。"
    assert flow.refusal(close, _Thing("open"), "me", now=monday) is None
    assert flow.allowed(_Thing("open"), "me", now=monday) == ["close"]
    assert flow.allowed(_Thing("open"), "me", now=sunday) == []
    with pytest.raises(NotVisible):
        flow.get("reopen")


def test_a_move_goes_only_to_a_declared_target():
    thing = _Thing("open")
    with pytest.raises(AssertionError):
        wf.PROPOSAL.move(thing, "register", "closed")
    with pytest.raises(AssertionError):
        wf.PROPOSAL.move(thing, "send_for_evaluation", "evaluating")  # a system move from a state it does not leave


def test_every_action_a_person_takes_has_a_handler_and_a_documented_input():
    assert wf.PROPOSAL.context is actions.Ctx  # importing the handlers' module attaches them
    for flow in (wf.PROPOSAL, wf.ASSIGNMENT, ACTIVITY):
        for name, step in flow.actions.items():
            if name == "edit":  # the draft editor (services.proposal_update_draft)
                continue
            assert step.handler is not None, name
            schema = flow.input_json_schema(name)
            assert schema["title"] == name and "$ref" not in str(schema), name


def test_the_state_diagrams_in_the_docs_are_drawn_from_the_declarations():
    text = DOCS.read_text(encoding="utf-8")
    for flow in (wf.PROPOSAL, wf.ASSIGNMENT, ACTIVITY):
        assert f"```mermaid\n{flow.mermaid()}\n```" in text, flow.name
