"""What the API's input fields are called in words, so that a 422 names the field a person can recognise ("请填写
密码。", "每页条数无效。") rather than its code. The action bodies name their fields from their input schemas
(``core.workflow.Label``); this covers the query parameters, path parameters and schema-typed bodies, and a test
walks the OpenAPI document so that no field of the API is left without words."""

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

FIELD_WORDS = {
    # Paging and searching
    "limit": _("每页条数"),
    "offset": _("起始位置"),
    "q": _("关键词"),
    "page": _("页码"),
    "type": _("类型"),
    "include_inactive": _("是否包括已停用的"),
    "mine": _("是否只列本人的"),
    "ids": _("所选提案"),
    # Objects in the path
    "action": _("操作"),
    "activity_id": _("活动"),
    "assignment_id": _("交办记录"),
    "attachment_id": _("附件"),
    "member_id": _("委员"),
    "proposal_id": _("提案"),
    "unit_id": _("承办单位"),
    # Accounts
    "username": _("用户名或手机号"),
    "password": _("密码"),
    "otp": _("动态验证码"),
    # Organisation
    "active": _("启用状态"),
    "party": _("党派"),
    "sector": _("界别"),
    "sector_ids": _("界别"),
    "special_committee": _("专门委员会"),
    "special_committee_ids": _("专门委员会"),
    "standing": _("常委"),
    "standing_committee": _("常委"),
    "status": _("状态"),
    "state": _("状态"),
    "kind": _("类别"),
    "unit": _("承办单位"),
    "units": _("承办单位"),
    "suggested_units": _("建议承办单位"),
    "role": _("承办方式"),
    "member_ids": _("委员"),
    "all": _("全体委员"),
    "contact_person": _("联系人"),
    "contact_phone": _("联系电话"),
    # Proposals
    "title": _("案由"),
    "analysis": _("情况分析"),
    "suggestions": _("具体建议"),
    "category": _("类别"),
    "cosigner_ids": _("联名人"),
    "suggested_unit_ids": _("建议承办单位"),
    "collective": _("集体提案者"),
    "collective_id": _("集体提案者"),
    "proposer": _("提案者"),
    "proposer_type": _("提案者类型"),
    "year": _("年度"),
    "session": _("会议"),
    "term": _("届次"),
    "key": _("重点提案"),
    "excellent": _("优秀提案"),
    "received": _("是否已收到"),
    "registered": _("是否已立案"),
    "filing": _("提出方式"),
    "handling": _("办理情况"),
    "written": _("书面答复"),
    "file": _("附件"),
    "reply_id": _("答复"),
    # Workflow inputs (their own labels name them in the actions' refusals)
    "comment": _("说明"),
    "into": _("并入的提案"),
    "ground": _("不予立案理由"),
    "explanation": _("说明"),
    "mode": _("交办方式"),
    "due_date": _("办理期限"),
    "satisfaction": _("满意度"),
    "supervising_leader_id": _("督办领导"),
    "date": _("日期"),
    "findings": _("督办情况"),
    "reason": _("理由"),
    "decision": _("处理决定"),
    "way": _("沟通方式"),
    "summary": _("沟通情况"),
    "text": _("内容"),
    "approve": _("同意或不同意"),
    "grade": _("答复类别"),
    "note": _("说明"),
    # Activities
    "description": _("活动内容"),
    "place": _("地点"),
    "start": _("开始时间"),
    "end": _("结束时间"),
    "invitees": _("邀请对象"),
    "attendance": _("出席要求"),
    "capacity": _("名额"),
    "sign_up_closes": _("报名截止时间"),
    "organiser_id": _("组织者"),
    "half_days": _("半天数"),
    "training_hours": _("学时"),
    "code": _("签到码"),
    "entries": _("记录"),
}


def field_words(key: str | None):
    """The words of an input field given as the API names it in errors (``units.0.unit_id`` is the unit), or
    ``None`` when there are none."""
    if not key:
        return None
    for part in reversed(key.split(".")):
        if not part.isdigit():
            return FIELD_WORDS.get(part)
    return None


def invalid_message(errors: list[dict], field_of) -> str:
    """The message of a 422 for the API's schema errors: the first field it has words for, named ("请填写密码。",
    "每页条数无效。"); ``field_of(loc)`` gives the field's key as the API's errors list names it."""
    for error in errors:
        words = field_words(field_of(error.get("loc", ())))
        if words is None:
            continue
        if error.get("type") == "missing" or error.get("msg") == "Field required":
            return gettext_now("请填写%(f)s。") % {"f": words}
        return gettext_now("%(f)s无效。") % {"f": words}
    return gettext_now("输入有误。")
