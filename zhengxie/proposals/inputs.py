"""The input of each proposal and assignment action, as one typed schema: the engine validates a body with it (422
naming the field), the API documents it in the OpenAPI document, the page form is made from it (``Page`` says how a
field is shown), and the handlers read the validated values. Rules that depend on the data (a unit must exist, a
date must fall within the allowed months, the configured grade and rejection codes) are the handlers' to check."""

import re
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field, StrictBool

from zhengxie.core.workflow import ActionInput, Choice, Date, Id, Label, NoInput, Page, Text

from .choices import AssignmentMode, AssignmentRole, ContactWay, ConvertKind, Satisfaction, SupervisionKind
from .conf import conf

__all__ = ["NoInput"]


def _grades():
    return [(code, str(label)) for code, label in conf("GRADES")]


def _months(key: str, text):
    return lambda: text % {"n": conf(key)}


class Comment(ActionInput):
    comment: Annotated[Text(_("说明"), required=False), Page(rows=2)] = ""


class RequiredComment(ActionInput):
    comment: Annotated[
        Text(_("退回意见"), description="Shown to the person the proposal or reply goes back to."), Page(rows=3)
    ]


class Merge(ActionInput):
    into: Annotated[
        Id(_("并入的提案"), description="Id of the lead proposal (submitted, registered or assigned)."),
        Page(
            box=True,
            max_length=200,
            help=_("填写主提案的案号，未立案的填写其案由（可从列表中选择）；待审查的主提案将同时立案。"),
            attrs={"list": "merge-candidates", "autocomplete": "off"},
        ),
    ]


class Convert(ActionInput):
    kind: Annotated[
        Choice(_("转换类型"), ConvertKind, required=False),
        Page(label=_("转为"), radio=True, required=True, initial=ConvertKind.OPINION_REPORT),
    ] = None
    comment: Annotated[Text(_("说明"), required=False), Page(rows=2)] = ""


class Reject(ActionInput):
    ground: Annotated[
        Text(_("不予立案理由"), max_length=50, description="A configured rejection-ground code."),
        Page(empty=_("请选择理由"), options=lambda: [(c, str(label)) for c, label in conf("REJECTION_GROUNDS")]),
    ]
    explanation: Annotated[Text(_("说明")), Page(rows=3)]


class UnitChoice(ActionInput):
    unit_id: Id(_("承办单位"))
    role: Choice(_("承办方式"), AssignmentRole)


class Assign(ActionInput):
    mode: Annotated[Choice(_("交办方式"), AssignmentMode), Page(radio=True)]
    units: list[UnitChoice] | None = Field(
        None, description="single: one unit, role single; separate: two or more, role separate; lead: one lead, co …"
    )
    due_date: Annotated[
        Date(_("办理期限"), description="Default 3 months after assignment, at most 6."),
        Page(help=_months("DEFAULT_DUE_MONTHS", _("不填则为交办之日起%(n)d个月。"))),
    ] = None


class Evaluate(ActionInput):
    reply_id: Annotated[
        Id(_("答复"), description="Required when several replies await the caller's rating."), Page(required=True)
    ] = None
    satisfaction: Annotated[
        Choice(
            _("满意度"),
            [
                (Satisfaction.SATISFIED, Satisfaction.SATISFIED.label),
                (Satisfaction.BASICALLY_SATISFIED, Satisfaction.BASICALLY_SATISFIED.label),
                (Satisfaction.DISSATISFIED, Satisfaction.DISSATISFIED.label),
            ],
        ),
        Page(radio=True),
    ]
    comment: Annotated[
        Text(_("测评意见"), required=False, description="Required when dissatisfied."),
        Page(rows=3, help=_("选择“不满意”时必填。")),
    ] = ""


class Rehandling(ActionInput):
    comment: Annotated[Text(_("重新办理要求")), Page(rows=3)]
    due_date: Annotated[
        Date(_("办理期限"), description="Default 1 month on."),
        Page(label=_("新的办理期限"), help=_months("REHANDLING_DUE_MONTHS", _("不填则为%(n)d个月后。"))),
    ] = None


class Followup(ActionInput):
    date: Annotated[
        Date(_("回头看日期"), description="Default 12 months on."),
        Page(help=_months("FOLLOWUP_AFTER_MONTHS", _("不填则为%(n)d个月后。"))),
    ] = None


class ProposeKey(ActionInput):
    supervising_leader_id: Annotated[
        Id(_("督办领导"), description="A user holding the leader role."), Page(empty=_("请选择督办领导"))
    ]


class ApproveKey(ActionInput):
    supervising_leader_id: Annotated[
        Id(_("督办领导"), description="Replaces the proposed supervising leader."),
        Page(empty=_("请选择督办领导"), help=_("不选则为提案委拟定的督办领导。")),
    ] = None


class Supervision(ActionInput):
    kind: Choice(_("督办形式"), SupervisionKind)
    date: Annotated[Date(_("日期"), required=True), Page(initial=timezone.localdate)]
    findings: Annotated[Text(_("督办情况")), Page(rows=3)]


class RecordRecommendation(ActionInput):
    """督办建议: a key proposal's supervision recording a recommendation to one of its handling units; it is followed
    up with every other recommendation (``followup.services``)."""

    unit_id: Annotated[
        Id(_("承办单位"), description="One of the proposal's handling units (not one it was reassigned away from)."),
        Page(empty=_("请选择承办单位")),
    ]
    text: Annotated[Text(_("督办建议")), Page(rows=3)]
    due_date: Annotated[Date(_("落实期限")), Page()] = None


class Dispute(ActionInput):
    reason: Annotated[Text(_("申请调整理由")), Page(rows=3, help=_("说明为何不属于本单位职责，并可建议承办单位。"))]


class ResolveDispute(ActionInput):
    decision: Annotated[
        Choice(_("处理决定"), [("keep", _("维持交办，告知理由")), ("reassign", _("改交其他单位"))]), Page(radio=True)
    ]
    comment: Annotated[Text(_("处理意见")), Page(rows=2)]
    units: list[UnitChoice] | None = Field(None, description="reassign: the new units, in the original role.")
    due_date: Date(_("办理期限")) = None


class Contact(ActionInput):
    date: Annotated[Date(_("沟通日期"), required=True), Page(initial=timezone.localdate)]
    way: Choice(_("沟通方式"), ContactWay)
    summary: Annotated[Text(_("沟通情况")), Page(rows=3)]


class CoOpinion(ActionInput):
    text: Annotated[Text(_("会办意见"), max_length=20000), Page(rows=5)]


class RequestExtension(ActionInput):
    due_date: Annotated[
        Date(_("申请延期至"), required=True),
        Page(help=_months("MAX_DUE_MONTHS", _("自交办之日起最长%(n)d个月。"))),
    ]
    reason: Annotated[Text(_("延期理由")), Page(rows=3)]


class DecideExtension(ActionInput):
    approve: Annotated[
        StrictBool,
        Field(description="true approves the requested date; false declines (comment required)."),
        Label(_("同意或不同意"), pick=True),
    ]
    comment: Annotated[
        Text(_("审批意见"), required=False, description="Required when declining."),
        Page(rows=2, help=_("不同意时必填。")),
    ] = ""


# A telephone as a reply letter prints it: a landline with its area code, or a mobile; an extension after 转.
_PHONE = re.compile(r"^\+?[0-9()（）\- ]+(转 ?[0-9]{1,6})?$")


def _phone(value: str) -> str:
    if value and (not _PHONE.match(value) or not 7 <= sum(c.isdigit() for c in value) <= 20):
        raise ValueError(str(_("联系电话格式不正确，应如 0791-83888888 或 13800138000。")))
    return value


class DraftReply(ActionInput):
    text: Annotated[
        Text(
            _("答复内容"),
            max_length=50000,
            description="The body of the reply only: the letter adds the salutation and the opening sentence.",
        ),
        Page(
            rows=8,
            help=_("正式答复件会自动写上称呼和“您提出的《……》（第……号）收悉。现答复如下：”，请从答复正文写起。"),
        ),
    ]
    grade: Annotated[
        Text(_("答复类别"), max_length=10, description="A configured reply grade (A, B, C)."),
        Page(empty=_("请选择答复类别"), options=_grades),
    ]
    contact_person: Annotated[
        Text(
            _("联系人"),
            required=False,
            max_length=50,
            description="Printed on the reply letter; the drafter's name when left out.",
        ),
        Page(required=True),
    ] = ""
    contact_phone: Annotated[
        Text(_("联系电话"), required=False, max_length=30, description="Printed on the reply letter."),
        AfterValidator(_phone),
        Page(required=True, help=_("座机请带区号，如 0791-83888888；也可填手机号。")),
    ] = ""


class ApproveReply(ActionInput):
    grade: Annotated[
        Text(_("答复类别"), required=False, max_length=10, description="Corrects the unit's grade."),
        Page(empty=_("不更正"), options=_grades, help=_("如需更正承办单位所定类别，请选择并说明。")),
    ] = ""
    note: Annotated[
        Text(_("审核说明"), required=False, description="Required when correcting the grade."), Page(rows=2)
    ] = ""


class Urge(ActionInput):
    note: Annotated[
        Text(_("催办意见"), max_length=2000, description="What the unit is urged to do; shown to its staff."),
        Page(rows=3),
    ]
