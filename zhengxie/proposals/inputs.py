"""The input of each proposal and assignment action, as one typed schema: the engine validates a body with it (422
naming the field), the API documents it in the OpenAPI document, and the handlers read the validated values.
Rules that depend on the data (a unit must exist, a date must fall within the allowed months, the configured grade
and rejection codes) are the handlers' to check."""

from typing import Annotated

from django.utils.translation import gettext_lazy as _
from pydantic import Field, StrictBool

from zhengxie.core.workflow import ActionInput, Choice, Date, Id, Label, NoInput, Text

from .choices import AssignmentMode, AssignmentRole, ContactWay, ConvertKind, Satisfaction, SupervisionKind

__all__ = ["NoInput"]


class Comment(ActionInput):
    comment: Text(_("说明"), required=False) = ""


class RequiredComment(ActionInput):
    comment: Text(_("退回意见"), description="Shown to the person the proposal or reply goes back to.")


class Merge(ActionInput):
    into: Id(_("并入的提案"), description="Id of the lead proposal (submitted, registered or assigned).")


class Convert(ActionInput):
    kind: Choice(_("转换类型"), ConvertKind.values, required=False) = None
    comment: Text(_("说明"), required=False) = ""


class Reject(ActionInput):
    ground: Text(_("不予立案理由"), max_length=50, description="A configured rejection-ground code.")
    explanation: Text(_("说明"))


class UnitChoice(ActionInput):
    unit_id: Id(_("承办单位"))
    role: Choice(_("承办方式"), AssignmentRole.values)


class Assign(ActionInput):
    mode: Choice(_("交办方式"), AssignmentMode.values)
    units: list[UnitChoice] | None = Field(
        None, description="single: one unit, role single; separate: two or more, role separate; lead: one lead, co …"
    )
    due_date: Date(_("办理期限"), description="Default 3 months after assignment, at most 6.") = None


class Evaluate(ActionInput):
    satisfaction: Choice(
        _("满意度"), [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.DISSATISFIED]
    )
    comment: Text(_("测评意见"), required=False, description="Required when dissatisfied.") = ""
    reply_id: Id(_("答复"), description="Required when several replies await the caller's rating.") | None = None


class Rehandling(ActionInput):
    comment: Text(_("重新办理要求"))
    due_date: Date(_("办理期限"), description="Default 1 month on.") = None


class Followup(ActionInput):
    date: Date(_("回头看日期"), description="Default 12 months on.") = None


class ProposeKey(ActionInput):
    supervising_leader_id: Id(_("督办领导"), description="A user holding the leader role.")


class ApproveKey(ActionInput):
    supervising_leader_id: Id(_("督办领导"), description="Replaces the proposed supervising leader.") | None = None


class Supervision(ActionInput):
    kind: Choice(_("督办形式"), SupervisionKind.values)
    date: Date(_("日期"), required=True)
    findings: Text(_("督办情况"))


class Dispute(ActionInput):
    reason: Text(_("申请调整理由"))


class ResolveDispute(ActionInput):
    decision: Choice(_("处理决定"), ["reassign", "keep"])
    comment: Text(_("处理意见"))
    units: list[UnitChoice] | None = Field(None, description="reassign: the new units, in the original role.")
    due_date: Date(_("办理期限")) = None


class Contact(ActionInput):
    date: Date(_("沟通日期"), required=True)
    way: Choice(_("沟通方式"), ContactWay.values)
    summary: Text(_("沟通情况"))


class CoOpinion(ActionInput):
    text: Text(_("会办意见"), max_length=20000)


class RequestExtension(ActionInput):
    due_date: Date(_("申请延期至"), required=True)
    reason: Text(_("延期理由"))


class DecideExtension(ActionInput):
    approve: Annotated[
        StrictBool,
        Field(description="true approves the requested date; false declines (comment required)."),
        Label(_("同意或不同意"), pick=True),
    ]
    comment: Text(_("审批意见"), required=False, description="Required when declining.") = ""


class DraftReply(ActionInput):
    text: Text(_("答复内容"), max_length=50000)
    grade: Text(_("答复类别"), max_length=10, description="A configured reply grade (A, B, C).")


class ApproveReply(ActionInput):
    grade: Text(_("答复类别"), required=False, max_length=10, description="Corrects the unit's grade.") = ""
    note: Text(_("审核说明"), required=False, description="Required when correcting the grade.") = ""


class ReturnReply(ActionInput):
    comment: Text(_("退回意见"))


class Urge(ActionInput):
    note: Text(_("催办意见"), max_length=2000, description="What the unit is urged to do; shown to its staff.")
