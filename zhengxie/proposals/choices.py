from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COSIGNING = "cosigning", _("联名中")
    SUBMITTED = "submitted", _("待审查")
    REGISTERED = "registered", _("已立案")
    MERGED = "merged", _("已并案")
    CONVERTED = "converted", _("已转为意见建议")
    REJECTED = "rejected", _("不予立案")
    WITHDRAWN = "withdrawn", _("已撤回")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复")
    EVALUATING = "evaluating", _("测评中")
    REHANDLING = "rehandling", _("重新办理")
    CLOSED = "closed", _("已办结")


class AssignmentRole(models.TextChoices):
    SINGLE = "single", _("单办")
    SEPARATE = "separate", _("分办")
    LEAD = "lead", _("主办")
    CO = "co", _("会办")


class AssignmentMode(models.TextChoices):
    SINGLE = "single", _("单办")
    SEPARATE = "separate", _("分办")
    LEAD = "lead", _("主办与会办")


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    DISPUTED = "disputed", _("申请调整")
    REPLY_SIGNED = "reply_signed", _("答复待审核")
    REPLIED = "replied", _("已答复")
    OPINION_SENT = "opinion_sent", _("已提交会办意见")
    REASSIGNED = "reassigned", _("已改交")


# An assignment whose unit still owes its part (not yet replied, not reassigned away, no co-opinion sent): it can be
# overdue, reminded and urged.
LIVE_ASSIGNMENT_STATES = (
    AssignmentState.PENDING,
    AssignmentState.ACCEPTED,
    AssignmentState.DISPUTED,
    AssignmentState.REPLY_SIGNED,
)


class CosignState(models.TextChoices):
    INVITED = "invited", _("待确认")
    CONFIRMED = "confirmed", _("已联名")
    DECLINED = "declined", _("已谢绝")
    LAPSED = "lapsed", _("逾期未确认")


class ReplyState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SIGNED = "signed", _("已签发")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    NOT_RATED = "not_rated", _("未测评")


class ContactWay(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("当面")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("信函")
    SITE_VISIT = "site_visit", _("现场")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    DECLINED = "declined", _("未同意")


class KeyState(models.TextChoices):
    NONE = "", _("—")
    PROPOSED = "proposed", _("拟定重点")
    APPROVED = "approved", _("重点提案")


class ExcellentState(models.TextChoices):
    NONE = "", _("—")
    NOMINATED = "nominated", _("提名优秀")
    APPROVED = "approved", _("优秀提案")


class ConvertKind(models.TextChoices):
    OPINION_REPORT = "opinion_report", _("社情民意信息")
    SUGGESTION = "suggestion", _("意见建议")


class SupervisionKind(models.TextChoices):
    SITE_VISIT = "site_visit", _("实地察看")
    DISCUSSION = "discussion", _("座谈协商")
    RESEARCH = "research", _("调研")
    OTHER = "other", _("其他")
