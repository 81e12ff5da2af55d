"""The online deliberation's workflow, declared once on the core engine: draft → open → closed → summarised, the
members' posts while it is open, and the staff's selection of opinions (a post: posted ⇄ selected).

Closing at ``closes_at``: a deliberation stays ``open`` in the table until the ``expire`` job closes it (every five
minutes, ``tasks.py``), but the window is also a condition of posting, read at the moment of each post: a post one
second after ``closes_at`` is refused even if the job has not run yet, and the pages and the API show it as closed
from then on (``read_models``). So the state a person sees never depends on when the job last ran, and the state
in the table still changes only through the engine (with its audit row)."""

from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import Field

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.workflow import SYSTEM, ActionInput, Date, Due, Id, Label, Page, Text, Workflow, condition

from .choices import DeliberationState as S
from .choices import PostState as P

STAFF, INVITEE = "staff", "invitee"


def is_staff(user) -> bool:
    """The secretariat manages deliberations."""
    return user is not None and Role.SECRETARIAT in roles_of(user)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class Reads:
    """What the relations read that the declarations do not import (the invitation table): set by services."""

    is_invited = staticmethod(lambda deliberation, user: False)


reads = Reads()


def relations(deliberation, user) -> frozenset[str]:
    if user is None:
        return frozenset({SYSTEM})
    rel = set()
    if is_staff(user):
        rel.add(STAFF)
    if getattr(user, "is_authenticated", False) and reads.is_invited(deliberation, user):
        rel.add(INVITEE)
    return frozenset(rel)


def post_relations(post, user) -> frozenset[str]:
    if user is None:
        return frozenset({SYSTEM})
    return frozenset({STAFF}) if is_staff(user) else frozenset()


# Conditions: None when met, else the reason a person reads (409) ------------------------------------------------


@condition
def _window_open(d, user, now):
    if now < d.opens_at:
        return _("议政尚未开始，%(t)s 起可以发言。") % {"t": _local(d.opens_at)}
    if now >= d.closes_at:
        return _("议政已于 %(t)s 截止，不能再发言。") % {"t": _local(d.closes_at)}
    return None


@condition
def _closes_later(d, user, now):
    return _("截止时间（%(t)s）已过，请先修改截止时间。") % {"t": _local(d.closes_at)} if now >= d.closes_at else None


@condition
def _closing_time_passed(d, user, now):
    return _("尚未到截止时间。") if now < d.closes_at else None


@condition
def _selection_open(post, user, now):
    d = post.deliberation
    if d.state == S.SUMMARISED:
        return _("已形成综述，选用的意见不能再变更。")
    if d.state == S.DRAFT:
        return _("议政尚未发布。")
    return None


# Input ----------------------------------------------------------------------------------------------------------


class PostInput(ActionInput):
    text: Annotated[Text(gettext_lazy("发言内容"), max_length=5000), Page(rows=4)]
    reply_to: (
        Id(gettext_lazy("回复的发言"), description="The id of the post replied to; none for a new opinion.") | None
    ) = None


class RecommendationInput(ActionInput):
    text: Text(gettext_lazy("建议内容"), max_length=2000)
    unit_id: Id(gettext_lazy("承办单位"))
    weight: Annotated[int, Field(ge=1, le=100), Label(gettext_lazy("权重"))] = 1
    due_date: Date(gettext_lazy("落实期限")) = None


class SummariseInput(ActionInput):
    title: Text(gettext_lazy("综述标题"), max_length=200, required=False) = ""
    summary: Annotated[Text(gettext_lazy("综述"), max_length=20000), Page(rows=8)]
    recommendations: Annotated[list[RecommendationInput], Field(max_length=50), Label(gettext_lazy("建议"))] = []


def _opened(d, data):
    return _("已发布，已通知 %(n)d 位受邀委员") % {"n": d.invitations.count()}


# The deliberation workflow ---------------------------------------------------------------------------------------

DELIBERATION = Workflow(
    "deliberation",
    relations=lambda d, user: relations(d, user),
    state_refusal=gettext_lazy("网络议政当前状态（%(s)s）不能%(a)s。"),
)
act = DELIBERATION.action
# Editing a draft is a form of its own (``services.deliberation_update``), declared for who may do it and when.
act("edit", gettext_lazy("修改"), sources=[S.DRAFT], who=[STAFF], style="secondary", done=gettext_lazy("已保存修改"))
act(
    "open",
    gettext_lazy("发布"),
    sources=[S.DRAFT],
    targets=[S.OPEN],
    who=[STAFF],
    conditions=[_closes_later],
    confirm=gettext_lazy("发布后将邀请范围内的委员加入议政并通知他们。确定发布？"),
    due=Due(gettext_lazy("发布网络议政"), todo=gettext_lazy("发布网络议政")),
    done=_opened,
)
act(
    "post",
    gettext_lazy("发言"),
    sources=[S.OPEN],
    who=[INVITEE],
    conditions=[_window_open],
    schema=PostInput,
    example={"text": "建议在老旧小区加装燃气泄漏报警器，并与物业平台联网。", "reply_to": None},
    due=Due(
        gettext_lazy("发表意见"),
        todo=gettext_lazy("参与网络议政"),
        deadline=lambda d: timezone.localdate(d.closes_at),
    ),
    done=gettext_lazy("已发表"),
)
act(
    "close",
    gettext_lazy("结束议政"),
    sources=[S.OPEN],
    targets=[S.CLOSED],
    who=[STAFF],
    confirm=gettext_lazy("结束后委员不能再发言，议政转为只读。确定结束？"),
    style="danger",
    done=gettext_lazy("议政已结束，发言已转为只读"),
)
act(
    "expire",
    gettext_lazy("到期截止"),
    sources=[S.OPEN],
    targets=[S.CLOSED],
    who=[SYSTEM],
    conditions=[_closing_time_passed],
    done=gettext_lazy("议政已到期截止"),
)
act(
    "summarise",
    gettext_lazy("形成综述"),
    sources=[S.CLOSED],
    targets=[S.SUMMARISED],
    who=[STAFF],
    schema=SummariseInput,
    confirm=gettext_lazy("形成综述后将生成成果文件，选用的意见不能再变更。确定提交？"),
    example={
        "title": "“数字燃气安全”网络议政综述",
        "summary": "委员们围绕老旧小区燃气管网改造、报警器安装和监管平台建设提出意见……",
        "recommendations": [{"text": "推进燃气泄漏报警器全覆盖", "unit_id": 1, "weight": 1, "due_date": None}],
    },
    due=Due(gettext_lazy("形成议政综述"), todo=gettext_lazy("形成议政综述")),
    done=gettext_lazy("已形成综述，成果文件已生成"),
)
del act
ACTIONS = DELIBERATION.actions


POST = Workflow(
    "deliberation_post",
    relations=lambda post, user: post_relations(post, user),
    state_refusal=gettext_lazy("该发言当前状态（%(s)s）不能%(a)s。"),
)
POST.action(
    "select",
    gettext_lazy("选用"),
    sources=[P.POSTED],
    targets=[P.SELECTED],
    who=[STAFF],
    conditions=[_selection_open],
    done=gettext_lazy("已选用，作者的履职积分已记入"),
)
POST.action(
    "unselect",
    gettext_lazy("取消选用"),
    sources=[P.SELECTED],
    targets=[P.POSTED],
    who=[STAFF],
    conditions=[_selection_open],
    style="secondary",
    done=gettext_lazy("已取消选用，相应履职积分已冲销"),
)
POST_ACTIONS = POST.actions
