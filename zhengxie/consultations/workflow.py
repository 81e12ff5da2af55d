"""The plan and consultation workflows, declared on the engine (``core.workflow``): each action once, with its label,
the states it starts from and moves to, who may take it, its conditions and its input (``inputs.py``). Handlers are
attached in ``actions.py``; the pages' buttons, the API's ``allowed_actions`` and its documented bodies read these.

A plan version is edited (its items) only while a draft; each approval step records its date, body and document
number; once published nothing of the version changes — ``amend`` makes the next version, a draft."""

from django.utils.translation import gettext_lazy as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.workflow import Due, Workflow, condition

from . import inputs as i
from .choices import ConsultationKind
from .choices import ConsultationState as C
from .choices import PlanState as P

SECRETARIAT = "secretariat"
LEADER = "leader"


def relations(obj, user) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    roles = roles_of(user)
    rel = set()
    if Role.SECRETARIAT in roles:
        rel.add(SECRETARIAT)
    if Role.LEADER in roles:
        rel.add(LEADER)
    return frozenset(rel)


# The plan ---------------------------------------------------------------------------------------------------------


@condition
def _has_items(plan, user, now):
    return None if plan.items.exists() else _("计划还没有项目。")


@condition
def _latest_version(plan, user, now):
    return _("本版本已有修订版本，请在最新版本上修订。") if plan.amendments.exists() else None


PLAN = Workflow("consultation_plan", relations=relations, state_refusal=_("计划当前状态（%(s)s）不能%(a)s。"))
act = PLAN.action
act(
    "add_item",
    _("添加项目"),
    sources=[P.DRAFT],
    who=[SECRETARIAT],
    schema=i.Item,
    style="secondary",
    done=_("已添加项目：%(topic)s"),
    example={"form": "topical", "topic": "南矶湿地观鸟经济发展", "planned_month": 5, "counterpart": "区文广新旅局"},
)
act(
    "update_item",
    _("修改项目"),
    sources=[P.DRAFT],
    who=[SECRETARIAT],
    schema=i.ItemUpdate,
    style="secondary",
    done=_("已修改项目：%(topic)s"),
    example={"item_id": 1, "form": "forum", "topic": "数字燃气安全", "planned_month": 6},
)
act(
    "remove_item",
    _("删除项目"),
    sources=[P.DRAFT],
    who=[SECRETARIAT],
    schema=i.ItemRemove,
    style="outline-danger",
    confirm=_("确定从计划草案中删除该项目？"),
    done=_("已删除项目"),
    example={"item_id": 1},
)
act(
    "revise",
    _("征求党政意见"),
    sources=[P.DRAFT],
    targets=[P.REVISED],
    who=[SECRETARIAT],
    conditions=[_has_items],
    schema=i.Revise,
    due=Due(_("与区委办、区政府办沟通修改"), _("征求党政意见")),
    done=_("已记录征求党政意见（%(date)s）"),
    example={"date": "2026-02-10", "body": "区委办公室、区政府办公室", "document_number": ""},
)
act(
    "review",
    _("主席会议审议"),
    sources=[P.REVISED],
    targets=[P.REVIEWED],
    who=[SECRETARIAT, LEADER],
    schema=i.Review,
    due=Due(_("提交主席会议审议"), _("主席会议审议")),
    done=_("已记录主席会议审议（%(date)s）"),
    example={"date": "2026-02-20", "body": "区政协十七届第十次主席会议", "document_number": ""},
)
act(
    "decide",
    _("区委审定"),
    sources=[P.REVIEWED],
    targets=[P.DECIDED],
    who=[SECRETARIAT, LEADER],
    schema=i.Decide,
    due=Due(_("报区委常委会审定"), _("区委审定")),
    done=_("已记录区委审定（%(date)s）"),
    example={"date": "2026-03-01", "body": "区委常委会", "document_number": "新办字〔2026〕12号"},
)
act(
    "publish",
    _("发布"),
    sources=[P.DECIDED],
    targets=[P.PUBLISHED],
    who=[SECRETARIAT],
    schema=i.Publish,
    confirm=_("发布后本版本不能再修改，调整只能通过修订形成新版本。确定发布？"),
    due=Due(_("印发年度协商计划"), _("发布协商计划")),
    done=_("已发布第%(version)s版协商计划"),
    example={"date": "2026-03-05", "body": "区政协办公室", "document_number": "新政协字〔2026〕3号"},
)
act(
    "return_to_draft",
    _("退回修改"),
    sources=[P.REVISED, P.REVIEWED, P.DECIDED],
    targets=[P.DRAFT],
    who=[SECRETARIAT, LEADER],
    schema=i.ReturnToDraft,
    style="outline-secondary",
    done=_("已退回草拟"),
    example={"note": "请补充对口协商项目"},
)
act(
    "amend",
    _("修订计划"),
    sources=[P.PUBLISHED],
    who=[SECRETARIAT],
    conditions=[_latest_version],
    schema=i.Amend,
    style="outline-primary",
    confirm=_("将复制本版本形成新版本草案，经审批发布后生效。确定修订？"),
    done=_("已形成修订草案"),
    example={"reason": "根据区委要求增加一项对口协商"},
)
del act


# The consultation -------------------------------------------------------------------------------------------------


@condition
def _key_research_reported(c, user, now):
    if c.kind != ConsultationKind.KEY_RESEARCH:
        return _("协商议题须召开协商会后报送成果。")
    return None if c.research_report.strip() else _("请先录入调研报告。")


@condition
def _no_meeting_yet(c, user, now):
    return _("已安排协商会。") if c.meeting_activity_id else None


@condition
def _has_group_member(c, user, now):
    return None if c.group.filter(member__isnull=False).exists() else _("调研组还没有委员。")


@condition
def _meeting_recorded(c, user, now):
    filled = any(
        (c.meeting_briefing.strip(), c.meeting_questions.strip(), c.meeting_answers.strip(), c.meeting_speeches.strip())
    )
    return None if filled else _("请先录入会议记录。")


CONSULTATION = Workflow("consultation", relations=relations, state_refusal=_("当前阶段（%(s)s）不能%(a)s。"))
act = CONSULTATION.action
act(
    "confirm_topic",
    _("确定议题"),
    sources=[C.TOPIC],
    targets=[C.BRIEFING],
    who=[SECRETARIAT],
    schema=i.ConfirmTopic,
    due=Due(_("确定议题和背景"), _("确定议题")),
    done=_("议题已确定，进入知情明政"),
    example={"background": "南矶湿地候鸟资源丰富……"},
)
act(
    "record_briefing",
    _("记录情况通报"),
    sources=[C.BRIEFING],
    who=[SECRETARIAT],
    schema=i.Briefing,
    style="secondary",
    done=_("已记录情况通报"),
    example={"date": "2026-04-08", "by": "区文广新旅局", "summary": "通报了湿地保护和旅游开发情况"},
)
act(
    "start_research",
    _("开始调研"),
    sources=[C.TOPIC, C.BRIEFING],
    targets=[C.RESEARCH],
    who=[SECRETARIAT],
    due=Due(_("组建调研组开展调研"), _("开始调研")),
    done=_("已进入调研阶段"),
)
act(
    "add_group_member",
    _("加入调研组"),
    sources=[C.BRIEFING, C.RESEARCH],
    who=[SECRETARIAT],
    schema=i.GroupMemberInput,
    style="secondary",
    done=_("已加入调研组"),
    example={"member_id": 12, "is_head": True},
)
act(
    "schedule_visit",
    _("安排调研活动"),
    sources=[C.RESEARCH],
    who=[SECRETARIAT],
    conditions=[_has_group_member],
    schema=i.Visit,
    style="secondary",
    done=_("已安排调研活动并通知调研组委员"),
    example={
        "title": "赴南矶乡实地调研",
        "start": "2026-05-12T09:00:00+08:00",
        "end": "2026-05-12T12:00:00+08:00",
        "place": "南矶乡",
        "kind": "research",
    },
)
act(
    "record_report",
    _("录入调研报告"),
    sources=[C.RESEARCH, C.MEETING],
    who=[SECRETARIAT],
    schema=i.Report,
    style="secondary",
    done=_("已保存调研报告"),
    example={"report": "一、基本情况……"},
)
act(
    "schedule_meeting",
    _("安排协商会"),
    sources=[C.BRIEFING, C.RESEARCH],
    targets=[C.MEETING],
    who=[SECRETARIAT],
    conditions=[_no_meeting_yet],
    schema=i.Meeting,
    due=Due(_("安排协商会"), _("安排协商会")),
    done=_("已安排协商会"),
    example={
        "title": "南矶湿地观鸟经济专题协商会",
        "start": "2026-06-18T14:30:00+08:00",
        "end": "2026-06-18T17:30:00+08:00",
        "place": "区政协三楼会议室",
        "invitees": "all",
        "send_notice": True,
    },
)
act(
    "send_notice",
    _("发出会议通知"),
    sources=[C.MEETING],
    who=[SECRETARIAT],
    done=_("已发出会议通知"),
)
act(
    "record_meeting",
    _("录入会议记录"),
    sources=[C.MEETING],
    who=[SECRETARIAT],
    schema=i.MeetingRecord,
    style="secondary",
    done=_("已保存会议记录"),
    example={"briefing": "区住建局通报……", "questions": "……", "answers": "……", "speeches": "……"},
)
act(
    "finish_meeting",
    _("会议结束，形成成果"),
    sources=[C.MEETING],
    targets=[C.OUTCOME],
    who=[SECRETARIAT],
    conditions=[_meeting_recorded],
    due=Due(_("录入会议记录并形成成果"), _("形成协商成果")),
    done=_("已进入成果报送阶段"),
)
act(
    "finish_research",
    _("结题，形成成果"),
    sources=[C.RESEARCH],
    targets=[C.OUTCOME],
    who=[SECRETARIAT],
    conditions=[_key_research_reported],
    done=_("已进入成果报送阶段"),
)
act(
    "create_outcome",
    _("形成成果文件"),
    sources=[C.OUTCOME],
    who=[SECRETARIAT],
    schema=i.Outcome,
    due=Due(_("形成成果文件并报送区委、区政府"), _("报送协商成果")),
    done=_("已形成成果文件：%(title)s"),
    example={
        "kind": "consultation_report",
        "title": "关于发展南矶湿地观鸟经济的建议",
        "body": "……",
        "recommendations": [{"text": "建设观鸟驿站", "unit_id": 3, "weight": 2, "due_date": "2026-12-31"}],
    },
)
act(
    "close",
    _("办结"),
    sources=[C.OUTCOME],
    targets=[C.CLOSED],
    who=[SECRETARIAT],
    confirm=_("办结后成果转化在成果跟踪页面继续跟踪。确定办结？"),
    done=_("已办结"),
)
act(
    "cancel",
    _("取消"),
    sources=[C.TOPIC, C.BRIEFING, C.RESEARCH, C.MEETING],
    targets=[C.CANCELLED],
    who=[SECRETARIAT],
    schema=i.Cancel,
    style="outline-danger",
    confirm=_("确定取消本次协商？"),
    done=_("已取消"),
    example={"reason": "并入全体会议协商"},
)
del act
