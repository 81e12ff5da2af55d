"""Writes of democratic supervision. Every step of a plan or a topic is an action of ``workflow.PLAN`` /
``workflow.TOPIC`` taken through the engine (``plan_act`` / ``topic_act``): lock, check who and when, validate,
handle (below), audit — one transaction, so a refusal writes nothing. Creating a plan and uploading a scheme file
are forms of their own, checked and audited under their declared actions.

Findings are outcome documents of the follow-up (``followup.services``): this app creates them with their
recommendations to the supervised department; sending them and the department's answers are the follow-up's."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.access import has_perm
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible
from zhengxie.core.uploads import checked_upload
from zhengxie.duty.services import activity_create_for, activity_summaries
from zhengxie.followup.choices import DocumentKind, Source
from zhengxie.followup.services import outcome_document_create
from zhengxie.notifications.services import notify
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import HandlingUnit, Member

from .models import SchemeFile, SupervisionPlan, SupervisionTopic, TopicActivity
from .selectors import visible_plans, visible_topics
from .workflow import PLAN, TOPIC

SCHEME_MAX_BYTES = 20 * 1024 * 1024


def topic_url(topic_id: int) -> str:
    return f"/supervision/topics/{topic_id}/"


def plan_url(plan_id: int) -> str:
    return f"/supervision/plans/{plan_id}/"


# Locks ----------------------------------------------------------------------------------------------------------


def _lock_plan(pk: int, actor) -> SupervisionPlan:
    plan = SupervisionPlan.objects.select_for_update().filter(pk=pk).first()
    if plan is None or not visible_plans(actor).filter(pk=pk).exists():
        raise NotVisible(_("监督计划不存在或您无权查看。"))
    return plan


def _lock_topic(pk: int, actor) -> SupervisionTopic:
    topic = SupervisionTopic.objects.select_for_update().filter(pk=pk).first()
    if topic is None or not visible_topics(actor).filter(pk=pk).exists():
        raise NotVisible(_("监督议题不存在或您无权查看。"))
    return topic


PLAN.configure(lock=_lock_plan, audit=audit_record)
TOPIC.configure(lock=_lock_topic, audit=audit_record)


def plan_act(*, plan_id: int, action: str, actor, payload: dict | None = None, now=None) -> SupervisionPlan:
    return PLAN.perform(pk=plan_id, action=action, actor=actor, payload=payload, now=now)


def topic_act(*, topic_id: int, action: str, actor, payload: dict | None = None, now=None) -> SupervisionTopic:
    return TOPIC.perform(pk=topic_id, action=action, actor=actor, payload=payload, now=now)


# The plan -------------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, year: int, title: str = "", description: str = "") -> SupervisionPlan:
    """A draft plan for ``year`` (one a year)."""
    if not has_perm(actor, "supervision.manage"):
        raise NotAllowed(_("只有机关工作人员可以制定民主监督计划。"))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("年度应在2000至2100之间。"), {"year": _("超出范围")})
    title = (title or "").strip() or _("%(y)d年度民主监督计划") % {"y": year}
    if len(title) > 200:
        raise InvalidInput(_("名称过长（最多200字）。"), {"title": _("过长")})
    if SupervisionPlan.objects.filter(year=year).exists():
        raise InvalidInput(_("%(y)d年度的民主监督计划已存在。") % {"y": year}, {"year": _("已存在")})
    plan = SupervisionPlan.objects.create(
        year=year, title=title, description=(description or "").strip(), created_by=actor
    )
    audit_record(
        actor=actor,
        action=PLAN.audit_action(PLAN["create"]),
        obj=plan,
        changes={"year": [None, year], "title": [None, title]},
    )
    return plan


@PLAN.handler("add_topic")
def _add_topic(ctx):
    plan, data = ctx.obj, ctx.data
    department = HandlingUnit.objects.filter(pk=data.department_id).first()
    if department is None:
        raise InvalidInput(_("被监督单位不存在。"), {"department_id": _("不存在")})
    order = (plan.topics.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    topic = SupervisionTopic.objects.create(
        plan=plan,
        title=data.title,
        form=data.form,
        department=department,
        description=data.description,
        sort_order=order,
    )
    ctx.topic = topic
    return {"topic": [None, {"id": topic.pk, "title": topic.title, "form": topic.form, "department": department.pk}]}


@PLAN.handler("approve")
def _approve(ctx):
    plan, data = ctx.obj, ctx.data
    plan.approved_on, plan.approval_body, plan.document_number = (
        data.approved_on,
        data.approval_body,
        data.document_number,
    )
    plan.save(update_fields=["approved_on", "approval_body", "document_number"])
    ctx.move(PLAN["approve"].targets[0])
    ctx.changes.update(
        approved_on=[None, data.approved_on.isoformat()],
        approval_body=[None, data.approval_body],
        document_number=[None, data.document_number],
    )


@PLAN.handler("publish")
def _publish(ctx):
    plan, data = ctx.obj, ctx.data
    plan.published_on = data.published_on
    plan.save(update_fields=["published_on"])
    ctx.move(PLAN["publish"].targets[0])
    ctx.changes["published_on"] = [None, data.published_on.isoformat()]
    members = Member.objects.filter(status=MemberStatus.SERVING, user__isnull=False).select_related("user")
    users = [m.user for m in members]
    transaction.on_commit(
        lambda: notify(
            recipients=users,
            kind="supervision.plan_published",
            title=_("%(t)s已印发") % {"t": plan.title},
            url=plan_url(plan.pk),
        )
    )


# A topic --------------------------------------------------------------------------------------------------------


@TOPIC.handler("write_scheme")
def _write_scheme(ctx):
    topic = ctx.obj
    old = topic.scheme
    topic.scheme = ctx.data.scheme
    topic.save(update_fields=["scheme"])
    return {"scheme": [old or None, topic.scheme]}


@TOPIC.handler("set_group")
def _set_group(ctx):
    topic, data = ctx.obj, ctx.data
    member_ids = sorted(set(data.member_ids))
    staff_ids = sorted(set(data.staff_ids))
    members = list(Member.objects.filter(pk__in=member_ids, status=MemberStatus.SERVING).select_related("user"))
    if len(members) != len(member_ids):
        raise InvalidInput(_("小组委员中有不存在或不在任的委员。"), {"member_ids": _("委员无效")})
    staff = list(get_user_model().objects.filter(pk__in=staff_ids, is_active=True))
    if len(staff) != len(staff_ids):
        raise InvalidInput(_("小组工作人员中有不存在的账号。"), {"staff_ids": _("账号无效")})
    old_members = sorted(topic.members.values_list("pk", flat=True))
    old_staff = sorted(topic.staff.values_list("pk", flat=True))
    topic.members.set(members)
    topic.staff.set(staff)
    added = [m.user for m in members if m.user_id and m.pk not in old_members]
    if added:
        transaction.on_commit(
            lambda: notify(
                recipients=added,
                kind="supervision.group_joined",
                title=_("您已加入民主监督小组：%(t)s") % {"t": topic.title},
                url=topic_url(topic.pk),
            )
        )
    return {"members": [old_members, member_ids], "staff": [old_staff, staff_ids]}


@TOPIC.handler("link_activity")
def _link_activity(ctx):
    topic, activity_id = ctx.obj, ctx.data.activity_id
    summary = activity_summaries(ids=[activity_id]).get(activity_id)
    if summary is None or summary.state == "cancelled":
        raise InvalidInput(_("活动不存在或已取消。"), {"activity_id": _("活动无效")})
    _link, made = TopicActivity.objects.get_or_create(
        topic=topic, activity_id=activity_id, defaults={"linked_by": ctx.actor}
    )
    if not made:
        raise InvalidInput(_("该活动已关联本议题。"), {"activity_id": _("已关联")})
    return {"activity": [None, {"id": activity_id, "title": summary.title}]}


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@TOPIC.handler("schedule_activity")
def _schedule_activity(ctx):
    """The activity made through duty's public service (the secretariat's, audited there as ``activity.create``)
    and linked here in the same transaction: a refusal on either side leaves neither."""
    topic, data = ctx.obj, ctx.data
    start, end = _aware(data.start), _aware(data.end)
    if end <= start:
        raise InvalidInput(_("结束时间应晚于开始时间。"), {"end": _("应晚于开始时间")})
    if data.invitees == "group":
        member_ids = sorted(topic.members.values_list("pk", flat=True))
        if not member_ids:
            raise InvalidInput(
                _("监督小组还没有委员：请先确定监督小组，或选择其他邀请对象。"), {"invitees": _("监督小组没有委员")}
            )
        invitees = {"member_ids": member_ids}
    else:
        invitees = {data.invitees: True}
    activity_id = activity_create_for(
        actor=ctx.actor,
        title=data.title,
        kind=data.kind,
        start=start,
        end=end,
        place=data.place,
        description=_("民主监督议题“%(t)s”（被监督单位：%(d)s）") % {"t": topic.title, "d": topic.department.name},
        invitees=invitees,
        publish=data.publish,
        now=ctx.now,
    )
    TopicActivity.objects.create(topic=topic, activity_id=activity_id, linked_by=ctx.actor)
    return {"activity": [None, {"id": activity_id, "title": data.title, "kind": data.kind}]}


def _phase_date(ctx, field: str):
    setattr(ctx.obj, field, ctx.today)
    ctx.obj.save(update_fields=[field])


@TOPIC.handler("start_investigation")
def _start_investigation(ctx):
    _phase_date(ctx, "investigating_on")
    ctx.move(TOPIC["start_investigation"].targets[0])


@TOPIC.handler("start_rectification")
def _start_rectification(ctx):
    _phase_date(ctx, "rectifying_on")
    ctx.move(TOPIC["start_rectification"].targets[0])


@TOPIC.handler("close")
def _close(ctx):
    _phase_date(ctx, "closed_on")
    ctx.move(TOPIC["close"].targets[0])


def recommendation_lines(text: str) -> list[str]:
    """The recommendations written one a line (numbering such as "1." or "一、" kept as written)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@TOPIC.handler("draft_findings")
def _draft_findings(ctx):
    topic, data = ctx.obj, ctx.data
    lines = recommendation_lines(data.recommendations)
    if not lines:
        raise InvalidInput(_("请至少填写一条建议。"), {"recommendations": _("必填")})
    if len(lines) > 100:
        raise InvalidInput(_("建议最多100条。"), {"recommendations": _("过多")})
    if any(len(line) > 2000 for line in lines):
        raise InvalidInput(_("每条建议最多2000字。"), {"recommendations": _("过长")})
    document_id = outcome_document_create(
        actor=ctx.actor,
        source=Source.SUPERVISION,
        source_id=topic.pk,
        source_title=topic.title,
        source_url=topic_url(topic.pk),
        year=topic.plan.year,
        kind=DocumentKind.SUPERVISION_FINDINGS,
        title=data.title,
        body=data.body,
        recommendations=[
            {"text": line, "unit_id": topic.department_id, "weight": 1, "due_date": data.due_date} for line in lines
        ],
    )
    ctx.document_id = document_id
    return {"findings": [None, {"id": document_id, "title": data.title, "recommendations": len(lines)}]}


@transaction.atomic
def scheme_file_add(*, topic_id: int, actor, name: str, data: bytes) -> SchemeFile:
    """The topic's scheme as a file (checked as every upload is), under the declared ``upload_scheme``."""
    step = TOPIC["upload_scheme"]
    topic = _lock_topic(topic_id, actor)
    TOPIC.check(step, topic, actor)
    upload = checked_upload(name=name, data=data, max_bytes=SCHEME_MAX_BYTES)
    row = SchemeFile(topic=topic, uploaded_by=actor, **upload.fields())
    upload.store(row.file)
    row.save()
    audit_record(
        actor=actor, action=TOPIC.audit_action(step), obj=topic, changes={"scheme_file": [None, upload.audited()]}
    )
    return row


def scheme_file_for(*, topic_id: int, file_id: int, user) -> SchemeFile:
    row = SchemeFile.objects.filter(pk=file_id, topic_id=topic_id).first()
    if row is None or not visible_topics(user).filter(pk=topic_id).exists():
        raise NotVisible(_("文件不存在或您无权查看。"))
    return row
