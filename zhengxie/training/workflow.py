"""The study and training workflows, declared once on the core engine: the yearly plan (draft → published) and a
seminar paper (submitted → accepted or rejected → selected; a review decision reconsidered goes back to submitted
while the seminar's selection is open). The handlers are in ``services.py``."""

from typing import Annotated

from django.utils.translation import gettext_lazy as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.workflow import ActionInput, Choice, Due, Page, Text, Workflow, condition
from zhengxie.duty import services as duty

from .models import PaperState, PlanState

STAFF, AUTHOR = "staff", "author"


def is_staff(user) -> bool:
    """The secretariat (机关) organises study and training."""
    return Role.SECRETARIAT in roles_of(user)


def plan_relations(plan, user) -> frozenset[str]:
    return frozenset({STAFF}) if is_staff(user) else frozenset()


def paper_relations(paper, user) -> frozenset[str]:
    rel = set()
    if is_staff(user):
        rel.add(STAFF)
    if user is not None and user.is_authenticated and paper.author.user_id == user.pk:
        rel.add(AUTHOR)
    return frozenset(rel)


PLAN = Workflow("training_plan", relations=plan_relations, state_refusal=_("计划当前状态（%(s)s）不能%(a)s。"))
PLAN.action(
    "publish",
    _("发布计划"),
    sources=[PlanState.DRAFT],
    targets=[PlanState.PUBLISHED],
    who=[STAFF],
    confirm=_("发布后委员可以看到本计划，计划项目不能再增加。确定发布？"),
    done=_("已发布年度学习培训计划"),
)


class ReviewInput(ActionInput):
    decision: Annotated[Choice(_("审核结果"), [("accept", _("审核通过")), ("reject", _("不通过"))]), Page(radio=True)]
    comment: Annotated[Text(_("审核意见"), required=False, max_length=2000), Page(rows=2)] = ""


def _reviewed(paper, data) -> str:
    return str(_("已审核通过")) if paper.state == PaperState.ACCEPTED else str(_("已审核：不通过"))


class ReconsiderInput(ActionInput):
    reason: Annotated[Text(_("重新审核的理由"), max_length=2000), Page(rows=2)]


def seminar_activity_state(paper) -> str:
    """The state of the paper's seminar activity (set on the paper by a page listing many papers, read once)."""
    state = getattr(paper, "seminar_activity_state", None)
    if state is None:
        activity_id = paper.seminar.activity_id
        summary = duty.activity_summaries(ids=[activity_id]).get(activity_id)
        state = paper.seminar_activity_state = summary.state if summary is not None else ""
    return state


@condition
def _selection_open(paper, user, now):
    """A seminar's selection closes with its activity (closed after it was held, or cancelled): its results are
    final from then on."""
    if seminar_activity_state(paper) in ("closed", "cancelled"):
        return _("本次理论研讨的论文评选已经结束，不能再重新审核。")
    return None


PAPER = Workflow("seminar_paper", relations=paper_relations, state_refusal=_("论文当前状态（%(s)s）不能%(a)s。"))
PAPER.action(
    "review",
    _("审核论文"),
    sources=[PaperState.SUBMITTED],
    targets=[PaperState.ACCEPTED, PaperState.REJECTED],
    who=[STAFF],
    schema=ReviewInput,
    due=Due(_("审核研讨论文"), todo=_("审核研讨论文")),
    example={"decision": "accept", "comment": "观点鲜明，论证充分"},
    done=_reviewed,
)
PAPER.action(
    "reconsider",
    _("重新审核"),
    sources=[PaperState.ACCEPTED, PaperState.REJECTED],
    targets=[PaperState.SUBMITTED],
    who=[STAFF],
    conditions=[_selection_open],
    schema=ReconsiderInput,
    style="outline-secondary",
    example={"reason": "作者补充了调研数据，重新审核"},
    done=_("已撤回审核结论，论文重新待审核"),
)
PAPER.action(
    "select",
    _("评为入选论文"),
    sources=[PaperState.ACCEPTED],
    targets=[PaperState.SELECTED],
    who=[STAFF],
    confirm=_("入选论文将记入作者的履职档案，不能撤回。确定评为入选？"),
    done=_("已评为入选论文，已记入作者的履职档案"),
)
