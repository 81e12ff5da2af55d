"""The codes of consultations that other modules and pages share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Form(models.TextChoices):
    """协商形式: the forms of consultation an annual plan's items take."""

    PLENARY = "plenary", _("全体会议协商")
    STANDING_COMMITTEE = "standing_committee", _("专题议政性常委会议")
    TOPICAL = "topical", _("专题协商会")
    FORUM = "forum", _("协商座谈会")
    COUNTERPART = "counterpart", _("对口协商")
    SECTOR = "sector", _("界别协商")
    PROPOSAL_HANDLING = "proposal_handling", _("提案办理协商")
    ONLINE = "online", _("网络议政")


class SuggestionSource(models.TextChoices):
    MEMBER = "member", _("委员")
    SPECIAL_COMMITTEE = "special_committee", _("专门委员会")
    LEADER = "leader", _("领导点题")
    DEPARTMENT = "department", _("部门提出")
    PUBLIC = "public", _("社会公众")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草拟中")
    REVISED = "revised", _("已征求党政意见")
    REVIEWED = "reviewed", _("主席会议已审议")
    DECIDED = "decided", _("区委已审定")
    PUBLISHED = "published", _("已发布")


class ConsultationKind(models.TextChoices):
    CONSULTATION = "consultation", _("协商")
    KEY_RESEARCH = "key_research", _("重点课题")


class ConsultationState(models.TextChoices):
    TOPIC = "topic", _("确定议题")
    BRIEFING = "briefing", _("知情明政")
    RESEARCH = "research", _("调研")
    MEETING = "meeting", _("协商会")
    OUTCOME = "outcome", _("成果报送")
    CLOSED = "closed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
