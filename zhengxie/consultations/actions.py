"""The handlers of the plan and consultation actions (``workflow.py``), and the services that make what the workflows
then act on: topic suggestions, a year's first plan, consultations, stage materials.

Meetings and research visits are duty activities (``duty.services.activity_create_for``): attendance, QR check-in
and duty records follow from them. Outcome documents and their recommendations belong to the follow-up
(``followup.services.outcome_document_create``)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.access import has_perm, roles_of
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.core.roles import Role
from zhengxie.core.uploads import checked_upload
from zhengxie.duty.services import activity_create_for, activity_notices, activity_publish_for
from zhengxie.followup import services as followup
from zhengxie.followup.choices import Source
from zhengxie.notifications.services import notify
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Member, SpecialCommittee

from .choices import ConsultationKind, ConsultationState, Form, PlanState, SuggestionSource
from .models import Consultation, ConsultationPlan, GroupMember, Material, PlanItem, PlanStep, TopicSuggestion, Visit
from .selectors import visible_consultations, visible_plans
from .workflow import CONSULTATION, PLAN

MATERIAL_MAX_BYTES = 20 * 1024 * 1024
ITEM_FIELDS = ("form", "topic", "background", "lead_committee_id", "counterpart", "planned_month")


def consultation_url(pk: int) -> str:
    return f"/consultations/{pk}/"


def source_of(consultation) -> str:
    """The follow-up source of a consultation's outcomes: key research topics give research reports."""
    return Source.RESEARCH_REPORT if consultation.kind == ConsultationKind.KEY_RESEARCH else Source.CONSULTATION


# Topic suggestions ------------------------------------------------------------------------------------------------

STAFF_SOURCES = (SuggestionSource.LEADER, SuggestionSource.DEPARTMENT, SuggestionSource.PUBLIC)


@transaction.atomic
def suggestion_submit(
    *,
    actor,
    year: int,
    title: str,
    reason: str = "",
    source: str | None = None,
    source_name: str = "",
    special_committee_id: int | None = None,
) -> TopicSuggestion:
    """A member suggests a topic (in their own name or for a special committee they sit on); the secretariat enters
    topics set by leaders or proposed by departments or the public, naming who."""
    roles = roles_of(actor)
    title, reason, source_name = (title or "").strip(), (reason or "").strip(), (source_name or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("必填")
    elif len(title) > 200:
        errors["title"] = _("最多 %(n)d 个字") % {"n": 200}
    if len(source_name) > 200:
        errors["source_name"] = _("最多 %(n)d 个字") % {"n": 200}
    if not 2000 <= year <= 2100:
        errors["year"] = _("年度应在2000年至2100年之间。")
    if errors:
        raise InvalidInput(_("输入有误，请检查标记的项目。"), errors)
    member = committee = None
    if source in STAFF_SOURCES:
        if Role.SECRETARIAT not in roles:
            raise NotAllowed(_("领导点题、部门和社会公众提出的选题由机关工作人员录入。"))
        if not source_name:
            raise InvalidInput(_("请填写提出者。"), {"source_name": _("必填")})
    elif Role.MEMBER in roles:
        member = Member.objects.filter(user=actor, status=MemberStatus.SERVING).first()
        if member is None:
            raise NotAllowed(_("只有在任委员可以提交选题建议。"))
        source, source_name = SuggestionSource.MEMBER, ""
        if special_committee_id:
            committee = member.special_committees.filter(pk=special_committee_id).first()
            if committee is None:
                raise InvalidInput(_("您不是该专门委员会的委员。"), {"special_committee_id": _("不是本人所在的专委会")})
            source = SuggestionSource.SPECIAL_COMMITTEE
    elif Role.SECRETARIAT in roles:
        raise InvalidInput(_("请选择选题来源。"), {"source": _("必填")})
    else:
        raise NotAllowed(_("您无权提交选题建议。"))
    suggestion = TopicSuggestion.objects.create(
        year=year,
        title=title,
        reason=reason[:10000],
        source=source,
        source_name=source_name,
        member=member,
        special_committee=committee,
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action="consultation.suggest_topic",
        obj=suggestion,
        changes={"title": [None, title], "source": [None, source]},
    )
    return suggestion


# Plans ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, year: int, title: str = "") -> ConsultationPlan:
    """The year's first plan, a draft (later versions are amendments of a published one)."""
    if not has_perm(actor, "consultations.manage"):
        raise NotAllowed(_("只有机关工作人员可以草拟协商计划。"))
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("年度应在2000年至2100年之间。"), {"year": _("超出范围")})
    title = (title or "").strip() or _("%(y)d年度协商计划") % {"y": year}
    if len(title) > 200:
        raise InvalidInput(_("名称过长（最多200字）。"), {"title": _("过长")})
    if ConsultationPlan.objects.select_for_update().filter(year=year).exists():
        raise StateConflict(_("%(y)d年度已有协商计划；已发布的计划只能修订。") % {"y": year})
    plan = ConsultationPlan.objects.create(year=year, version=1, title=title, created_by=actor)
    audit_record(actor=actor, action="consultation_plan.create", obj=plan, changes={"title": [None, title]})
    return plan


def _lock_plan(pk: int, actor) -> ConsultationPlan:
    plan = ConsultationPlan.objects.select_for_update().filter(pk=pk).first()
    if plan is None or not visible_plans(actor).filter(pk=pk).exists():
        raise NotVisible(_("协商计划不存在或您无权查看。"))
    return plan


PLAN.configure(lock=_lock_plan, audit=audit_record)


def plan_act(*, plan_id: int, action: str, actor, payload: dict | None = None, now=None) -> ConsultationPlan:
    """Take one plan action; ``amend`` answers the new version."""
    plan = PLAN.perform(pk=plan_id, action=action, actor=actor, payload=payload, now=now)
    if action == "amend":
        return plan.amendments.get()
    return plan


def _item_values(plan, data: dict) -> dict:
    if data.get("lead_committee_id") and not SpecialCommittee.objects.filter(pk=data["lead_committee_id"]).exists():
        raise InvalidInput(_("牵头专委会不存在。"), {"lead_committee_id": _("不存在")})
    return {name: data.get(name) if name != "background" else data.get(name) or "" for name in ITEM_FIELDS} | {
        "counterpart": data.get("counterpart") or ""
    }


def _item_of(plan, item_id) -> PlanItem:
    item = plan.items.filter(pk=item_id).first()
    if item is None:
        raise InvalidInput(_("该项目不在本计划中。"), {"item_id": _("不在本计划中")})
    return item


def _audited_item(item: PlanItem) -> dict:
    return {"topic": item.topic, "form": item.form, "planned_month": item.planned_month}


@PLAN.handler("add_item")
def _add_item(ctx):
    plan, data = ctx.obj, ctx.payload
    values = _item_values(plan, data)
    suggestion = None
    if data.get("suggestion_id"):
        suggestion = TopicSuggestion.objects.filter(pk=data["suggestion_id"]).first()
        if suggestion is None:
            raise InvalidInput(_("选题建议不存在。"), {"suggestion_id": _("不存在")})
    item = PlanItem.objects.create(plan=plan, suggestion=suggestion, sort_order=plan.items.count() + 1, **values)
    item.lineage = item.pk
    item.save(update_fields=["lineage"])
    return {"items": [None, _audited_item(item)]}


@PLAN.handler("update_item")
def _update_item(ctx):
    plan, data = ctx.obj, ctx.payload
    item = _item_of(plan, data["item_id"])
    values = _item_values(plan, data)
    old = _audited_item(item)
    changed = [name for name, value in values.items() if getattr(item, name) != value]
    for name in changed:
        setattr(item, name, values[name])
    if changed:
        item.save(update_fields=changed)
    return {"items": [old, _audited_item(item)]}


@PLAN.handler("remove_item")
def _remove_item(ctx):
    item = _item_of(ctx.obj, ctx.payload["item_id"])
    old = _audited_item(item)
    item.delete()
    return {"items": [old, None]}


def _record_step(ctx, target: str) -> dict:
    plan, data = ctx.obj, ctx.payload
    step = PlanStep.objects.create(
        plan=plan,
        action=ctx.action,
        date=data["date"],
        body=data["body"],
        document_number=data.get("document_number") or "",
        note=data.get("note") or "",
        recorded_by=ctx.actor,
    )
    old = ctx.move(target)
    return {
        "state": [old, target],
        "step": [None, {"date": step.date.isoformat(), "body": step.body, "document_number": step.document_number}],
    }


@PLAN.handler("revise")
def _revise(ctx):
    return _record_step(ctx, PlanState.REVISED)


@PLAN.handler("review")
def _review(ctx):
    return _record_step(ctx, PlanState.REVIEWED)


@PLAN.handler("decide")
def _decide(ctx):
    return _record_step(ctx, PlanState.DECIDED)


@PLAN.handler("publish")
def _publish(ctx):
    changes = _record_step(ctx, PlanState.PUBLISHED)
    plan = ctx.obj
    plan.published_on = ctx.payload["date"]
    plan.save(update_fields=["published_on"])
    members = Member.objects.filter(status=MemberStatus.SERVING, user__isnull=False).select_related("user")
    notify(
        recipients=[m.user for m in members],
        kind="consultation_plan.published",
        title=_("%(t)s已发布") % {"t": plan.title if plan.version == 1 else f"{plan.title}（第{plan.version}版）"},
        url=f"/consultations/plans/{plan.pk}/",
        dedupe_key=f"consultation_plan.published.{plan.pk}",
    )
    return changes


@PLAN.handler("return_to_draft")
def _return_to_draft(ctx):
    plan = ctx.obj
    PlanStep.objects.create(
        plan=plan,
        action=ctx.action,
        date=ctx.today,
        body=_("退回修改"),
        note=ctx.payload["note"],
        recorded_by=ctx.actor,
    )
    old = ctx.move(PlanState.DRAFT)
    return {"state": [old, PlanState.DRAFT], "note": [None, ctx.payload["note"]]}


@PLAN.handler("amend")
def _amend(ctx):
    plan = ctx.obj
    new = ConsultationPlan.objects.create(
        year=plan.year,
        version=plan.version + 1,
        title=plan.title,
        previous=plan,
        amendment_reason=ctx.payload["reason"],
        created_by=ctx.actor,
    )
    PlanItem.objects.bulk_create(
        [
            PlanItem(
                plan=new,
                lineage=item.lineage,
                form=item.form,
                topic=item.topic,
                background=item.background,
                lead_committee_id=item.lead_committee_id,
                counterpart=item.counterpart,
                planned_month=item.planned_month,
                suggestion_id=item.suggestion_id,
                sort_order=item.sort_order,
            )
            for item in plan.items.all()
        ]
    )
    return {"amendment": [None, {"version": new.version, "reason": new.amendment_reason}]}


# Consultations ----------------------------------------------------------------------------------------------------


@transaction.atomic
def consultation_create(
    *,
    actor,
    title: str = "",
    kind: str = ConsultationKind.CONSULTATION,
    form: str = "",
    year: int | None = None,
    background: str = "",
    plan_item_id: int | None = None,
    lead_committee_id: int | None = None,
    counterpart: str = "",
) -> Consultation:
    """A consultation of a published plan's item (its topic, form, committee and counterpart come from the item), or
    one outside the plan such as a key research topic (重点课题)."""
    if not has_perm(actor, "consultations.manage"):
        raise NotAllowed(_("只有机关工作人员可以组织协商。"))
    item = None
    if plan_item_id:
        item = PlanItem.objects.select_related("plan").filter(pk=plan_item_id).first()
        if item is None:
            raise InvalidInput(_("计划项目不存在。"), {"plan_item_id": _("不存在")})
        if item.plan.state != PlanState.PUBLISHED:
            raise StateConflict(_("只能按已发布的协商计划组织协商。"))
        if Consultation.objects.filter(lineage=item.lineage).exclude(state=ConsultationState.CANCELLED).exists():
            raise StateConflict(_("该计划项目已在组织协商。"))
        title = title or item.topic
        form = form or item.form
        year = item.plan.year
        background = background or item.background
        lead_committee_id = lead_committee_id or item.lead_committee_id
        counterpart = counterpart or item.counterpart
    title, counterpart = (title or "").strip(), (counterpart or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("必填")
    elif len(title) > 200:
        errors["title"] = _("最多 %(n)d 个字") % {"n": 200}
    if kind not in ConsultationKind.values:
        errors["kind"] = _("类型无效")
    if form not in Form.values:
        errors["form"] = _("请选择协商形式")
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = _("年度应在2000年至2100年之间。")
    if len(counterpart) > 200:
        errors["counterpart"] = _("最多 %(n)d 个字") % {"n": 200}
    if lead_committee_id and not SpecialCommittee.objects.filter(pk=lead_committee_id).exists():
        errors["lead_committee_id"] = _("不存在")
    if errors:
        raise InvalidInput(_("输入有误，请检查标记的项目。"), errors)
    consultation = Consultation.objects.create(
        year=year,
        kind=kind,
        form=form,
        title=title,
        background=(background or "").strip(),
        plan_item=item,
        lineage=item.lineage if item else None,
        lead_committee_id=lead_committee_id or None,
        counterpart=counterpart,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="consultation.create",
        obj=consultation,
        changes={"title": [None, title], "kind": [None, kind], "plan_item": [None, item.pk if item else None]},
    )
    return consultation


def _lock_consultation(pk: int, actor) -> Consultation:
    consultation = Consultation.objects.select_for_update().filter(pk=pk).first()
    if consultation is None or not visible_consultations(actor).filter(pk=pk).exists():
        raise NotVisible(_("协商不存在或您无权查看。"))
    return consultation


CONSULTATION.configure(lock=_lock_consultation, audit=audit_record)


def consultation_act(*, consultation_id: int, action: str, actor, payload: dict | None = None, now=None):
    return CONSULTATION.perform(pk=consultation_id, action=action, actor=actor, payload=payload, now=now)


@transaction.atomic
def material_add(*, consultation_id: int, actor, name: str, data: bytes, stage: str = "", now=None) -> Material:
    """A file of a stage (briefing or meeting materials, the research report), checked as every upload is."""
    consultation = visible_consultations(actor).select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        raise NotVisible(_("协商不存在或您无权查看。"))
    if not has_perm(actor, "consultations.manage"):
        raise NotAllowed(_("只有机关工作人员可以上传协商材料。"))
    if consultation.state in (ConsultationState.CLOSED, ConsultationState.CANCELLED):
        raise StateConflict(_("协商已办结或取消，不能再上传材料。"))
    stage = stage or consultation.state
    if stage not in ConsultationState.values:
        raise InvalidInput(_("阶段无效。"), {"stage": _("无效")})
    upload = checked_upload(name=name, data=data, max_bytes=MATERIAL_MAX_BYTES)
    material = Material(
        consultation=consultation, stage=stage, uploaded_by=actor, uploaded_at=now or timezone.now(), **upload.fields()
    )
    upload.store(material.file)
    material.save()
    audit_record(
        actor=actor,
        action="consultation.add_material",
        obj=consultation,
        changes={"material": [None, upload.audited()]},
    )
    return material


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _times(data) -> tuple[datetime.datetime, datetime.datetime]:
    start, end = _aware(data["start"]), _aware(data["end"])
    if end <= start:
        raise InvalidInput(_("结束时间应晚于开始时间。"), {"end": _("应晚于开始时间")})
    return start, end


def _group_member_ids(c) -> list[int]:
    return [g.member_id for g in c.group.all() if g.member_id]


@CONSULTATION.handler("confirm_topic")
def _confirm_topic(ctx):
    c, background = ctx.obj, ctx.payload.get("background") or ""
    changes = {}
    if background and background != c.background:
        changes["background"] = [c.background, background]
        c.background = background
        c.save(update_fields=["background"])
    old = ctx.move(ConsultationState.BRIEFING)
    return {**changes, "state": [old, ConsultationState.BRIEFING]}


@CONSULTATION.handler("record_briefing")
def _record_briefing(ctx):
    c, data = ctx.obj, ctx.payload
    c.briefing_date, c.briefing_by, c.briefing_summary = data["date"], data["by"], data["summary"]
    c.save(update_fields=["briefing_date", "briefing_by", "briefing_summary"])
    return {"briefing_date": [None, data["date"].isoformat()], "briefing_by": [None, data["by"]]}


@CONSULTATION.handler("start_research")
def _start_research(ctx):
    old = ctx.move(ConsultationState.RESEARCH)
    return {"state": [old, ConsultationState.RESEARCH]}


@CONSULTATION.handler("add_group_member")
def _add_group_member(ctx):
    c, data = ctx.obj, ctx.payload
    member_id, user_id = data.get("member_id"), data.get("user_id")
    if bool(member_id) == bool(user_id):
        raise InvalidInput(_("请选择一位委员或一位工作人员。"), {"member_id": _("二选一")})
    if member_id:
        member = Member.objects.filter(pk=member_id, status=MemberStatus.SERVING).first()
        if member is None:
            raise InvalidInput(_("委员不存在或不在任。"), {"member_id": _("不存在")})
        if c.group.filter(member=member).exists():
            raise StateConflict(_("该委员已在调研组中。"))
        GroupMember.objects.create(consultation=c, member=member, is_head=data.get("is_head", False))
        return {"group": [None, {"member": member.pk}]}
    staff = get_user_model().objects.filter(pk=user_id, role_grants__role=Role.SECRETARIAT, is_active=True).first()
    if staff is None:
        raise InvalidInput(_("该账号不是机关工作人员。"), {"user_id": _("不是机关工作人员")})
    if c.group.filter(user=staff).exists():
        raise StateConflict(_("该工作人员已在调研组中。"))
    GroupMember.objects.create(consultation=c, user=staff, is_head=data.get("is_head", False))
    return {"group": [None, {"user": staff.pk}]}


@CONSULTATION.handler("schedule_visit")
def _schedule_visit(ctx):
    c, data = ctx.obj, ctx.payload
    start, end = _times(data)
    activity_id = activity_create_for(
        actor=ctx.actor,
        title=data["title"],
        kind=data.get("kind") or "research",
        start=start,
        end=end,
        place=data["place"],
        description=_("“%(t)s”调研") % {"t": c.title},
        invitees={"member_ids": _group_member_ids(c)},
        publish=True,
        now=ctx.now,
    )
    Visit.objects.create(consultation=c, activity_id=activity_id)
    return {"visit": [None, {"activity": activity_id, "title": data["title"], "kind": data.get("kind") or "research"}]}


@CONSULTATION.handler("record_report")
def _record_report(ctx):
    c, report = ctx.obj, ctx.payload["report"]
    old = c.research_report
    c.research_report = report
    c.save(update_fields=["research_report"])
    return {"research_report": [len(old), len(report)]}


@CONSULTATION.handler("schedule_meeting")
def _schedule_meeting(ctx):
    c, data = ctx.obj, ctx.payload
    start, end = _times(data)
    scope = data["invitees"]
    if scope == "group":
        ids = _group_member_ids(c)
        if not ids:
            raise InvalidInput(_("调研组还没有委员。"), {"invitees": _("调研组没有委员")})
        invitees = {"member_ids": ids}
    else:
        invitees = {scope: True}
    activity_id = activity_create_for(
        actor=ctx.actor,
        title=data["title"],
        kind="consultation",
        start=start,
        end=end,
        place=data["place"],
        description=c.background,
        invitees=invitees,
        publish=data.get("send_notice", True),
        now=ctx.now,
    )
    c.meeting_activity_id = activity_id
    c.save(update_fields=["meeting_activity_id"])
    old = ctx.move(ConsultationState.MEETING)
    return {"state": [old, ConsultationState.MEETING], "meeting_activity_id": [None, activity_id]}


@CONSULTATION.handler("send_notice")
def _send_notice(ctx):
    c = ctx.obj
    notice = activity_notices(ids=[c.meeting_activity_id]).get(c.meeting_activity_id)
    if notice is None or notice.published_at is not None:
        raise StateConflict(_("会议通知已发出。"))
    activity_publish_for(actor=ctx.actor, activity_id=c.meeting_activity_id, now=ctx.now)
    return {"notice": [None, ctx.today.isoformat()]}


MEETING_FIELDS = {
    "briefing": "meeting_briefing",
    "questions": "meeting_questions",
    "answers": "meeting_answers",
    "speeches": "meeting_speeches",
}


@CONSULTATION.handler("record_meeting")
def _record_meeting(ctx):
    c, data = ctx.obj, ctx.payload
    if not any(data.get(key) for key in MEETING_FIELDS):
        raise InvalidInput(_("请至少填写一项会议记录。"), {"briefing": _("必填")})
    changes = {}
    for key, field in MEETING_FIELDS.items():
        value = data.get(key) or ""
        if value != getattr(c, field):
            changes[field] = [len(getattr(c, field)), len(value)]
            setattr(c, field, value)
    if changes:
        c.save(update_fields=list(changes))
    return changes


@CONSULTATION.handler("finish_meeting")
def _finish_meeting(ctx):
    old = ctx.move(ConsultationState.OUTCOME)
    return {"state": [old, ConsultationState.OUTCOME]}


@CONSULTATION.handler("finish_research")
def _finish_research(ctx):
    old = ctx.move(ConsultationState.OUTCOME)
    return {"state": [old, ConsultationState.OUTCOME]}


@CONSULTATION.handler("create_outcome")
def _create_outcome(ctx):
    c, data = ctx.obj, ctx.payload
    document_id = followup.outcome_document_create(
        actor=ctx.actor,
        source=source_of(c),
        source_id=c.pk,
        source_title=c.title,
        source_url=consultation_url(c.pk),
        year=c.year,
        kind=data["kind"],
        title=data["title"],
        body=data.get("body") or "",
        recommendations=[
            {"text": r["text"], "unit_id": r["unit_id"], "weight": r.get("weight", 1), "due_date": r.get("due_date")}
            for r in data.get("recommendations") or []
        ],
    )
    return {"outcome": [None, {"document": document_id, "title": data["title"]}]}


@CONSULTATION.handler("close")
def _close(ctx):
    c = ctx.obj
    if not followup.documents_for_sources(source=source_of(c), source_ids=[c.pk]).get(c.pk):
        raise StateConflict(_("还没有成果文件，不能办结。"))
    old = ctx.move(ConsultationState.CLOSED)
    return {"state": [old, ConsultationState.CLOSED]}


@CONSULTATION.handler("cancel")
def _cancel(ctx):
    old = ctx.move(ConsultationState.CANCELLED)
    return {"state": [old, ConsultationState.CANCELLED], "reason": [None, ctx.payload["reason"]]}
