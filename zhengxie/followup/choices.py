"""The codes of the follow-up (成果转化): where an outcome comes from, what kind of document it is, and where each
recommendation stands. Other apps use these through ``zhengxie.followup.choices``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    CONSULTATION = "consultation", _("协商")
    SUPERVISION = "supervision", _("民主监督")
    KEY_PROPOSAL = "key_proposal", _("重点提案督办")
    RESEARCH_REPORT = "research_report", _("重点课题调研")
    DELIBERATION = "deliberation", _("网络议政")


class DocumentKind(models.TextChoices):
    MINUTES = "minutes", _("纪要")
    FORMAL_RECOMMENDATION = "formal_recommendation", _("建议案")
    CONSULTATION_REPORT = "consultation_report", _("专报")
    RESEARCH_REPORT = "research_report", _("调研报告")
    SUPERVISION_FINDINGS = "supervision_findings", _("监督意见")
    DELIBERATION_SUMMARY = "deliberation_summary", _("网络议政综述")
    KEY_PROPOSAL_SUPERVISION = "key_proposal_supervision", _("重点提案督办意见")


class DocumentState(models.TextChoices):
    DRAFT = "draft", _("未报送")
    SENT = "sent", _("已报送")


class RecommendationState(models.TextChoices):
    NOT_ANSWERED = "not_answered", _("未答复")
    NOT_ADOPTED = "not_adopted", _("未采纳")
    PARTLY_ADOPTED = "partly_adopted", _("部分采纳")
    ADOPTED = "adopted", _("已采纳")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已落实")


class InstructionLevel(models.TextChoices):
    """Whose written instruction (批示) it is."""

    MAIN = "main", _("主要领导")
    IN_CHARGE = "in_charge", _("分管领导")
    HIGHER = "higher", _("上级领导")
    OTHER = "other", _("其他领导")


# The adoption answers a department may give (``answer``).
ANSWERS = (RecommendationState.NOT_ADOPTED, RecommendationState.PARTLY_ADOPTED, RecommendationState.ADOPTED)
# Adopted in whole or part: what is then carried out and updated.
ADOPTED_STATES = frozenset({RecommendationState.PARTLY_ADOPTED, RecommendationState.ADOPTED})
# Still waiting for the department: answered-or-not, not yet carried out. Stale ones are among these.
OPEN_STATES = frozenset(
    {
        RecommendationState.NOT_ANSWERED,
        RecommendationState.PARTLY_ADOPTED,
        RecommendationState.ADOPTED,
        RecommendationState.IN_PROGRESS,
    }
)
# Settled: nothing more is expected (a not-adopted one counts in no document's progress).
SETTLED_STATES = frozenset({RecommendationState.NOT_ADOPTED, RecommendationState.DONE})
