"""The two workflows of democratic supervision, declared on the engine (``core.workflow``): the yearly plan
(草稿 → 审议通过 → 印发, each step recorded) and a topic's phases (组织发动 → 调研评议 → 总结整改 → 办结) with the
steps taken inside each phase. The handlers are in ``services``; buttons, ``allowed_actions``, the API bodies, the
to-do list and the audit trail read these declarations."""

import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator, Field, StrictBool

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.workflow import ActionInput, Choice, Date, Due, Id, Label, Page, Text, Workflow, condition
from zhengxie.people.models import HandlingUnit

from .checklist import topic_checklist
from .choices import ACTIVITY_INVITEES, VISIT_KINDS, PlanState, SupervisionForm, TopicState

ORGANISER = "organiser"  # the secretariat organises supervision


def relations(obj, user) -> frozenset[str]:
    return frozenset({ORGANISER}) if Role.SECRETARIAT in roles_of(user) else frozenset()


def unit_choices() -> list[tuple[str, str]]:
    """The departments a topic may supervise, by name (the handling units' list)."""
    return [(str(pk), name) for pk, name in HandlingUnit.objects.order_by("name").values_list("pk", "name")]


# Inputs ---------------------------------------------------------------------------------------------------------


class AddTopic(ActionInput):
    title: Text(gettext_lazy("议题"), max_length=200)
    form: Annotated[Choice(gettext_lazy("监督形式"), SupervisionForm), Page(empty="—")]
    department_id: Annotated[Id(gettext_lazy("被监督单位")), Page(options=unit_choices, empty="—")]
    description: Annotated[Text(gettext_lazy("说明"), required=False, max_length=5000), Page(rows=3)] = ""


class Approve(ActionInput):
    approved_on: Date(gettext_lazy("审议日期"), required=True)
    approval_body: Annotated[Text(gettext_lazy("审议机构"), max_length=100), Page(initial=gettext_lazy("政协常委会议"))]
    document_number: Text(gettext_lazy("文号"), max_length=100)


class Publish(ActionInput):
    published_on: Annotated[Date(gettext_lazy("印发日期"), required=True), Page(initial=timezone.localdate)]


class WriteScheme(ActionInput):
    scheme: Annotated[Text(gettext_lazy("实施方案"), max_length=20000), Page(rows=8)]


class SetGroup(ActionInput):
    member_ids: list[Id(gettext_lazy("小组委员"))] = Field(default_factory=list, max_length=200)
    staff_ids: list[Id(gettext_lazy("小组工作人员"))] = Field(default_factory=list, max_length=100)


class LinkActivity(ActionInput):
    activity_id: Id(gettext_lazy("活动"))


def _in_range(value: datetime.datetime) -> datetime.datetime:
    # Made aware in the committee's zone by the handler: a year far from now would leave the calendar in UTC.
    if not 2000 <= value.year <= 2100:
        raise ValueError(_("时间应在2000年至2100年之间。"))
    return value


def DateTime(label):  # noqa: N802 - a type
    """A time of day on a date (ISO 8601; the committee's zone when none is given)."""
    return Annotated[datetime.datetime, AfterValidator(_in_range), Label(label), Page(attrs={"type": "datetime-local"})]


class ScheduleActivity(ActionInput):
    """An inspection, research visit or appraisal meeting made for the topic in one step: the duty activity is
    created (attendance and duty records follow from it) and linked to the topic in the same transaction."""

    title: Text(gettext_lazy("活动名称"), max_length=200)
    kind: Annotated[Choice(gettext_lazy("活动类别"), VISIT_KINDS), Page(empty="—")]
    start: DateTime(gettext_lazy("开始时间"))
    end: DateTime(gettext_lazy("结束时间"))
    place: Text(gettext_lazy("地点"), max_length=200)
    invitees: Annotated[Choice(gettext_lazy("邀请对象"), ACTIVITY_INVITEES), Page(initial="group")] = "group"
    publish: Annotated[StrictBool, Label(gettext_lazy("同时发出活动通知")), Page(initial=True)] = True


class DraftFindings(ActionInput):
    title: Text(gettext_lazy("标题"), max_length=200)
    body: Annotated[Text(gettext_lazy("监督意见"), required=False, max_length=20000), Page(rows=6)] = ""
    recommendations: Annotated[
        Text(gettext_lazy("建议（每行一条）"), max_length=20000),
        Page(rows=6, help=gettext_lazy("每行一条建议，均交被监督单位整改反馈。")),
    ]
    due_date: Date(gettext_lazy("整改反馈期限"))


class UploadScheme(ActionInput):
    """The scheme's file is sent as a multipart form (``POST …/scheme-files``), not through the action path."""


# Conditions -----------------------------------------------------------------------------------------------------


@condition
def _has_topics(plan, user, now):
    return None if plan.topics.exists() else _("计划还没有监督议题。")


@condition
def _plan_published(topic, user, now):
    return None if topic.plan.state == PlanState.PUBLISHED else _("年度民主监督计划尚未印发。")


@condition
def _has_scheme(topic, user, now):
    return None if topic_checklist(topic).done("scheme") else _("请先制定实施方案（填写或上传）。")


@condition
def _has_group(topic, user, now):
    return None if topic.members.exists() else _("请先确定监督小组的委员。")


@condition
def _research_held(topic, user, now):
    return None if topic_checklist(topic).done("research") else _("尚未开展视察调研（关联的活动须已结束）。")


@condition
def _findings_drafted(topic, user, now):
    return None if topic_checklist(topic).done("findings") else _("请先形成监督意见并报送被监督单位。")


@condition
def _five_haves(topic, user, now):
    missing = topic_checklist(topic).missing
    if not missing:
        return None
    return _("“五有”尚未齐全，还缺：%(items)s。") % {"items": _("、").join(missing)}


# The yearly plan ------------------------------------------------------------------------------------------------

P = PlanState
PLAN = Workflow(
    "supervision_plan",
    relations=relations,
    state_refusal=gettext_lazy("计划当前状态（%(s)s）不能%(a)s。"),
)
# Creating a plan is a form of its own (``services.plan_create``; POST in the API): declared for its label in the
# audit trail; it starts from no state, so it is never offered as a button.
PLAN.action("create", gettext_lazy("新建年度监督计划"), sources=[], who=[ORGANISER])
PLAN.action(
    "add_topic",
    gettext_lazy("添加监督议题"),
    sources=[P.DRAFT],
    who=[ORGANISER],
    schema=AddTopic,
    style="secondary",
    example={"title": "西部物流园建设情况", "form": "inspection", "department_id": 3, "description": ""},
    done=gettext_lazy("已添加议题：%(title)s"),
)
PLAN.action(
    "approve",
    gettext_lazy("登记常委会审议"),
    sources=[P.DRAFT],
    targets=[P.APPROVED],
    who=[ORGANISER],
    conditions=[_has_topics],
    schema=Approve,
    confirm=gettext_lazy("审议通过后计划的议题不能再修改。确定登记？"),
    due=Due(gettext_lazy("提请常委会议审议"), gettext_lazy("提请审议年度民主监督计划")),
    example={"approved_on": "2026-02-20", "approval_body": "政协常委会议", "document_number": "新政协发〔2026〕3号"},
    done=gettext_lazy("已登记审议：%(approval_body)s，%(document_number)s"),
)
PLAN.action(
    "publish",
    gettext_lazy("印发"),
    sources=[P.APPROVED],
    targets=[P.PUBLISHED],
    who=[ORGANISER],
    schema=Publish,
    confirm=gettext_lazy("印发后委员可以看到本计划，各议题开始组织发动。确定印发？"),
    due=Due(gettext_lazy("印发计划"), gettext_lazy("印发年度民主监督计划")),
    example={"published_on": "2026-02-25"},
    done=gettext_lazy("计划已印发"),
)

# A topic's phases -----------------------------------------------------------------------------------------------

T = TopicState
OPEN = [T.ORGANISING, T.INVESTIGATING, T.RECTIFYING]
TOPIC = Workflow(
    "supervision_topic",
    relations=relations,
    state_refusal=gettext_lazy("议题当前阶段（%(s)s）不能%(a)s。"),
)
TOPIC.action(
    "write_scheme",
    gettext_lazy("填写实施方案"),
    sources=[T.ORGANISING, T.INVESTIGATING],
    who=[ORGANISER],
    schema=WriteScheme,
    style="secondary",
    example={"scheme": "一、监督目的……二、时间安排……"},
    done=gettext_lazy("已保存实施方案"),
)
TOPIC.action(
    "upload_scheme",
    gettext_lazy("上传实施方案"),
    sources=[T.ORGANISING, T.INVESTIGATING],
    who=[ORGANISER],
    schema=UploadScheme,
    style="secondary",
    done=gettext_lazy("已上传实施方案"),
)
TOPIC.action(
    "set_group",
    gettext_lazy("确定监督小组"),
    sources=OPEN,
    who=[ORGANISER],
    schema=SetGroup,
    style="secondary",
    example={"member_ids": [12, 15], "staff_ids": [4]},
    done=gettext_lazy("已保存监督小组"),
)
TOPIC.action(
    "link_activity",
    gettext_lazy("关联视察调研活动"),
    sources=OPEN,
    who=[ORGANISER],
    schema=LinkActivity,
    style="secondary",
    example={"activity_id": 7},
    done=gettext_lazy("已关联活动"),
)
TOPIC.action(
    "schedule_activity",
    gettext_lazy("安排视察调研活动"),
    sources=OPEN,
    who=[ORGANISER],
    schema=ScheduleActivity,
    style="secondary",
    example={
        "title": "视察西部物流园建设",
        "kind": "inspection",
        "start": "2026-05-12T09:00:00+08:00",
        "end": "2026-05-12T12:00:00+08:00",
        "place": "西部物流园",
        "invitees": "group",
        "publish": True,
    },
    done=gettext_lazy("已安排活动并关联本议题：%(title)s"),
)
TOPIC.action(
    "start_investigation",
    gettext_lazy("进入调研评议"),
    sources=[T.ORGANISING],
    targets=[T.INVESTIGATING],
    who=[ORGANISER],
    conditions=[_plan_published, _has_scheme, _has_group],
    due=Due(gettext_lazy("组织发动：制定方案、组建小组"), gettext_lazy("组织发动后进入调研评议")),
    done=gettext_lazy("已进入调研评议阶段"),
)
TOPIC.action(
    "draft_findings",
    gettext_lazy("形成监督意见"),
    sources=[T.INVESTIGATING, T.RECTIFYING],
    who=[ORGANISER],
    schema=DraftFindings,
    example={
        "title": "关于西部物流园建设情况的监督意见",
        "body": "……",
        "recommendations": "加快多式联运设施建设\n完善园区配套服务",
        "due_date": "2026-09-30",
    },
    done=gettext_lazy("已形成监督意见，请在成果转化页面报送被监督单位"),
)
TOPIC.action(
    "start_rectification",
    gettext_lazy("进入总结整改"),
    sources=[T.INVESTIGATING],
    targets=[T.RECTIFYING],
    who=[ORGANISER],
    conditions=[_research_held, _findings_drafted],
    due=Due(gettext_lazy("调研评议：视察调研并形成监督意见"), gettext_lazy("调研评议后进入总结整改")),
    done=gettext_lazy("已进入总结整改阶段"),
)
TOPIC.action(
    "close",
    gettext_lazy("办结"),
    sources=[T.RECTIFYING],
    targets=[T.CLOSED],
    who=[ORGANISER],
    conditions=[_five_haves],
    confirm=gettext_lazy("办结后议题不能再修改。确定办结？"),
    due=Due(gettext_lazy("总结整改：跟踪被监督单位整改反馈"), gettext_lazy("跟踪整改反馈后办结")),
    done=gettext_lazy("议题已办结"),
)

# Actions taken through the action path of the API (the others are forms of their own).
PLAN_PATH_ACTIONS = [n for n in PLAN.actions if n != "create"]
TOPIC_PATH_ACTIONS = [n for n in TOPIC.actions if n != "upload_scheme"]
