"""The input of each plan and consultation action, as one typed schema: the engine validates a body with it (422
naming the field), the API documents it, the page forms are made from it, and the handlers read the values. Rules
that depend on the data (an item of this plan, a member who exists) are the handlers' to check."""

import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, BeforeValidator, Field, StrictBool

from zhengxie.core.workflow import BIGINT_MAX, ActionInput, Choice, Date, Id, Label, NoInput, Page, Text
from zhengxie.followup.choices import DocumentKind

from .choices import Form

__all__ = ["NoInput"]


def _today():
    return timezone.localdate()


def _in_range(value: datetime.datetime) -> datetime.datetime:
    # Made aware in the committee's zone by the handlers: a year far from now would leave the calendar in UTC.
    if not 2000 <= value.year <= 2100:
        raise ValueError(_("时间应在2000年至2100年之间。"))
    return value


def DateTime(label):  # noqa: N802 - a type
    return Annotated[datetime.datetime, AfterValidator(_in_range), Label(label)]


def _blank_as_none(value):
    return None if value == "" else value


def OptionalId(label):  # noqa: N802 - a type
    """The id of a record, or nothing chosen."""
    return Annotated[
        Annotated[int, Field(ge=1, le=BIGINT_MAX)] | None, BeforeValidator(_blank_as_none), Label(label, True)
    ]


Month = Annotated[int, Field(ge=1, le=12), Label(_("计划月份"), pick=True)]


def _step(body_initial):
    class StepInput(ActionInput):
        date: Annotated[Date(_("日期"), required=True), Page(initial=_today)]
        body: Annotated[Text(_("机构或会议"), max_length=200), Page(initial=body_initial)]
        document_number: Text(_("文号"), required=False, max_length=100) = ""
        note: Annotated[Text(_("说明"), required=False, max_length=2000), Page(rows=2)] = ""

    return StepInput


Revise = _step(_("区委办公室、区政府办公室"))
Review = _step(_("区政协主席会议"))
Decide = _step(_("区委常委会"))
Publish = _step(_("区政协办公室"))


class ReturnToDraft(ActionInput):
    note: Annotated[Text(_("退回理由"), max_length=2000), Page(rows=3)]


class Amend(ActionInput):
    reason: Annotated[Text(_("修订理由"), max_length=2000), Page(rows=3)]


class Item(ActionInput):
    form: Choice(_("协商形式"), Form)
    topic: Text(_("议题"), max_length=200)
    background: Annotated[Text(_("背景"), required=False, max_length=5000), Page(rows=3)] = ""
    lead_committee_id: Annotated[OptionalId(_("牵头专委会")), Page(empty="—")] = None
    counterpart: Text(_("对口部门"), required=False, max_length=200) = ""
    planned_month: Month
    suggestion_id: Annotated[OptionalId(_("选题建议")), Page(empty="—")] = None


class ItemUpdate(Item):
    item_id: Id(_("计划项目"))


class ItemRemove(ActionInput):
    item_id: Id(_("计划项目"))


class ConfirmTopic(ActionInput):
    background: Annotated[Text(_("背景"), required=False, max_length=5000), Page(rows=4)] = ""


class Briefing(ActionInput):
    date: Annotated[Date(_("通报日期"), required=True), Page(initial=_today)]
    by: Text(_("通报部门"), max_length=200)
    summary: Annotated[Text(_("通报情况"), max_length=10000), Page(rows=4)]


class GroupMemberInput(ActionInput):
    member_id: Annotated[OptionalId(_("委员")), Page(empty="—")] = None
    user_id: Annotated[OptionalId(_("工作人员")), Page(empty="—")] = None
    is_head: Annotated[StrictBool, Label(_("组长"))] = False


class _Timed(ActionInput):
    title: Text(_("名称"), max_length=200)
    start: DateTime(_("开始时间"))
    end: DateTime(_("结束时间"))
    place: Text(_("地点"), max_length=200)


# The duty activity kinds a research visit may be: a research visit (调研) or an inspection (视察).
VISIT_KINDS = (("research", _("调研")), ("inspection", _("视察")))


class Visit(_Timed):
    kind: Choice(_("活动类别"), VISIT_KINDS) = "research"


INVITEES = (("all", _("全体委员")), ("standing_committee", _("常委")), ("group", _("调研组成员")))


class Meeting(_Timed):
    invitees: Choice(_("参会范围"), INVITEES)
    send_notice: Annotated[StrictBool, Label(_("同时发出会议通知"))] = True


class Report(ActionInput):
    report: Annotated[Text(_("调研报告"), max_length=50000), Page(rows=8)]


class MeetingRecord(ActionInput):
    briefing: Annotated[Text(_("情况通报"), required=False, max_length=20000), Page(rows=3)] = ""
    questions: Annotated[Text(_("委员提问"), required=False, max_length=20000), Page(rows=3)] = ""
    answers: Annotated[Text(_("部门答复"), required=False, max_length=20000), Page(rows=3)] = ""
    speeches: Annotated[Text(_("委员发言"), required=False, max_length=20000), Page(rows=3)] = ""


class Recommendation(ActionInput):
    text: Text(_("建议内容"), max_length=5000)
    unit_id: Id(_("承办单位"))
    weight: Annotated[int, Field(ge=1, le=100), Label(_("权重"))] = 1
    due_date: Date(_("落实期限")) = None


class Outcome(ActionInput):
    kind: Choice(_("成果类型"), DocumentKind)
    title: Text(_("标题"), max_length=200)
    body: Annotated[Text(_("正文"), required=False, max_length=100000), Page(rows=6)] = ""
    recommendations: Annotated[list[Recommendation], Field(max_length=100), Label(_("建议"))] = []


class Cancel(ActionInput):
    reason: Annotated[Text(_("取消理由"), max_length=2000), Page(rows=2)]
