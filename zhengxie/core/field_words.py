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
    "material_id": _("材料"),
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
    # Consultations, supervision, follow-up, deliberations, opinions, training
    "abstract": _("摘要"),
    "adopted": _("采用层级"),
    "answers": _("部门答复"),
    "approval_body": _("审议机构"),
    "approved_on": _("审议日期"),
    "as_staff": _("是否以工作人员身份"),
    "background": _("背景"),
    "body": _("正文"),
    "briefing": _("情况通报"),
    "bulletin_id": _("专报"),
    "by": _("通报部门"),
    "category_id": _("类别"),
    "coauthor_ids": _("联名人"),
    "compare": _("对比年度"),
    "consultation_id": _("协商"),
    "content": _("内容"),
    "counterpart": _("对口部门"),
    "deliberation_id": _("议政"),
    "department_id": _("被监督单位"),
    "document_id": _("文件"),
    "document_number": _("文号"),
    "evidence_id": _("佐证材料"),
    "form": _("形式"),
    "instructed": _("是否有领导批示"),
    "is_head": _("组长"),
    "item_id": _("计划项目"),
    "lead_committee_id": _("牵头专委会"),
    "leader": _("批示领导"),
    "level": _("层级"),
    "levels": _("层级"),
    "member": _("委员"),
    "members": _("委员"),
    "opinion_attachment_id": _("附件"),
    "page_size": _("每页条数"),
    "percent": _("落实进度"),
    "plan_id": _("计划"),
    "plan_item_id": _("计划项目"),
    "planned_month": _("计划月份"),
    "post_id": _("帖子"),
    "proposer_kind": _("提出者类型"),
    "publication": _("刊物"),
    "published_on": _("印发日期"),
    "publish": _("同时发出活动通知"),
    "stage": _("所属阶段"),
    "questions": _("委员提问"),
    "recommendation_id": _("建议"),
    "recommendations": _("建议"),
    "reply_to": _("回复对象"),
    "report": _("报告"),
    "report_id": _("社情民意信息"),
    "report_ids": _("所选社情民意信息"),
    "reported": _("是否已报送"),
    "scheme": _("实施方案"),
    "seminar_id": _("研讨班"),
    "seminar_paper_id": _("研讨文章"),
    "send_notice": _("是否发出会议通知"),
    "sent_to": _("报送对象"),
    "signed_off": _("是否已签发"),
    "source": _("来源"),
    "source_id": _("来源记录"),
    "source_name": _("来源名称"),
    "special_committee_id": _("专门委员会"),
    "speeches": _("委员发言"),
    "staff_ids": _("工作人员"),
    "stale": _("是否久未更新"),
    "suggestion_id": _("选题建议"),
    "supervision_plan_id": _("监督计划"),
    "supervision_topic_id": _("监督议题"),
    "topic": _("议题"),
    "training_plan_id": _("培训计划"),
    "user_id": _("用户"),
    "weight": _("权重"),
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
