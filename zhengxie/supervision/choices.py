"""The codes of democratic supervision (民主监督): the plan's states, a topic's phases and forms, and the "five
haves" (五有) a topic needs before it closes. Other apps use these through ``zhengxie.supervision.choices``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审议通过")
    PUBLISHED = "published", _("已印发")


class TopicState(models.TextChoices):
    """A topic's three phases (组织发动 → 调研评议 → 总结整改), then closed."""

    ORGANISING = "organising", _("组织发动")
    INVESTIGATING = "investigating", _("调研评议")
    RECTIFYING = "rectifying", _("总结整改")
    CLOSED = "closed", _("已办结")


# The phases in order, as the phase bar shows them.
PHASES = (TopicState.ORGANISING, TopicState.INVESTIGATING, TopicState.RECTIFYING, TopicState.CLOSED)


class SupervisionForm(models.TextChoices):
    MEETING = "meeting", _("会议监督")
    INSPECTION = "inspection", _("视察监督")
    PROPOSAL = "proposal", _("提案监督")
    SPECIAL = "special", _("专项监督")
    APPRAISAL = "appraisal", _("民主评议")
    POSTED_SUPERVISORS = "posted_supervisors", _("特约监督员")


class Have(models.TextChoices):
    """The "five haves" (五有) of a supervision topic."""

    PLAN = "plan", _("有计划")
    SCHEME = "scheme", _("有方案")
    RESEARCH = "research", _("有调研")
    FINDINGS = "findings", _("有意见")
    FEEDBACK = "feedback", _("有反馈")


# Activity kinds (duty) a topic's research may be: inspection, research, appraisal meeting, other meetings.
VISIT_KINDS = (
    ("inspection", _("视察")),
    ("research", _("调研")),
    ("appraisal", _("民主评议")),
    ("other", _("其他")),
)

# Whom an activity scheduled from a topic's page invites: its group's members unless the secretariat widens it.
ACTIVITY_INVITEES = (
    ("group", _("监督小组委员")),
    ("standing_committee", _("全体常委")),
    ("all", _("全体委员")),
)
