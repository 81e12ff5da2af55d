"""The codes other modules share with duty: the kinds of duty they record in the ledger
(``services.duty_record_event``). Activities' kinds are codes of their own (``models.ATTENDANCE_PREFIXES``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyKind(models.TextChoices):
    PROPOSAL_SUBMITTED = "proposal_submitted", _("提交提案")
    PROPOSAL_REGISTERED_LEAD = "proposal_registered_lead", _("提案立案（第一提案人）")
    PROPOSAL_REGISTERED_COSIGNER = "proposal_registered_cosigner", _("提案立案（联名）")
    PROPOSAL_REGISTERED_COLLECTIVE = "proposal_registered_collective", _("提案立案（集体提案联系人）")
    KEY_PROPOSAL_LEAD = "key_proposal_lead", _("重点提案（第一提案人）")
    KEY_PROPOSAL_COSIGNER = "key_proposal_cosigner", _("重点提案（联名）")
    EXCELLENT_PROPOSAL_LEAD = "excellent_proposal_lead", _("优秀提案（第一提案人）")
    EXCELLENT_PROPOSAL_COSIGNER = "excellent_proposal_cosigner", _("优秀提案（联名）")
    OPINION_SUBMITTED = "opinion_submitted", _("提交社情民意信息")
    OPINION_ADOPTED_DISTRICT = "opinion_adopted_district", _("社情民意被区级采用")
    OPINION_ADOPTED_CITY = "opinion_adopted_city", _("社情民意被市级采用")
    OPINION_ADOPTED_PROVINCE = "opinion_adopted_province", _("社情民意被省级采用")
    OPINION_ADOPTED_NATIONAL = "opinion_adopted_national", _("社情民意被全国采用")
    LEADER_INSTRUCTION = "leader_instruction", _("领导批示")
    TRAINING_HOURS = "training_hours", _("学习培训（学时）")
    SEMINAR_PAPER_SELECTED = "seminar_paper_selected", _("理论研讨论文入选")
    DELIBERATION_OPINION_SELECTED = "deliberation_opinion_selected", _("网络议政意见被采纳")
    OTHER = "other", _("其他履职")
