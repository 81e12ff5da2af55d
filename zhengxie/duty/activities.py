"""Activities and attendance: publish with invitees, sign-up, leave, QR check-in, staff marking, closing with final
statuses written to the duty ledger, corrections, speeches. Like proposals, the actions are declared on the workflow
engine (``ACTIVITY``): the services, the pages' buttons and the API's ``allowed_actions`` read the declarations, and
``ACTIVITY.perform`` takes every action (lock, check, validate, handle, audit)."""

import datetime
import secrets
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import Field, StrictBool

from zhengxie.audit.services import audit_record
from zhengxie.core.access import roles_of
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.core.roles import Role
from zhengxie.core.workflow import ActionInput, Choice, Id, Label, Page, Text, Workflow, condition
from zhengxie.notifications.services import notify
from zhengxie.people.models import SpecialCommittee
from zhengxie.people.services import invitation_scope_clean, invitation_scope_members

from . import checkin
from .choices import DutyKind
from .models import (
    Activity,
    ActivityKind,
    ActivityState,
    AttendanceMode,
    AttendanceStatus,
    Invitation,
    LeaveRequest,
    LeaveState,
    Speech,
)
from .points import recompute_members
from .services import activity_operations_install, duty_record_event, duty_reverse_events, training_hours_of

S = ActivityState
ORGANISER, INVITEE, EXPECTED = "organiser", "invitee", "expected"
PREFIX = {
    AttendanceStatus.PRESENT: "attended",
    AttendanceStatus.LATE: "late",
    AttendanceStatus.ON_LEAVE: "on_leave",
    AttendanceStatus.ABSENT: "absent",
}


def conf(name: str):
    defaults = {"CHECKIN_OPENS_MINUTES_BEFORE": 60, "LATE_AFTER_MINUTES": 15}
    return getattr(settings, "ACTIVITIES", {}).get(name, defaults[name])


def is_organiser(user) -> bool:
    return Role.SECRETARIAT in roles_of(user)


def _invitation(activity, user) -> Invitation | None:
    if user is None or not user.is_authenticated:
        return None
    return activity.invitations.select_related("member").filter(member__user=user).first()


def expected(invitation: Invitation) -> bool:
    return invitation.activity.attendance == AttendanceMode.REQUIRED or invitation.signed_up_at is not None


def relations(activity, user) -> frozenset[str]:
    rel = set()
    if is_organiser(user):
        rel.add(ORGANISER)
    inv = _invitation(activity, user)
    if inv is not None:
        rel.add(INVITEE)
        if expected(inv):
            rel.add(EXPECTED)
    return frozenset(rel)


def visible_activities(user):
    """Organisers see all; members see published or closed activities they are invited to."""
    if is_organiser(user):
        return Activity.objects.all()
    if Role.MEMBER not in roles_of(user):
        return Activity.objects.none()
    return Activity.objects.filter(invitations__member__user=user).exclude(state=S.DRAFT)


# Conditions: each returns None when met, else the reason shown to the person (409) --------------------------------


@condition
def _sign_up_open(activity, user, now):
    inv = _invitation(activity, user)
    if activity.attendance != AttendanceMode.SIGN_UP:
        return _("本活动无需报名。")
    if inv is None or inv.signed_up_at is not None:
        return _("您已报名。")
    if activity.sign_up_closes and now > activity.sign_up_closes:
        return _("报名已截止。")
    if activity.capacity and activity.invitations.filter(signed_up_at__isnull=False).count() >= activity.capacity:
        return _("报名人数已满。")
    return None


@condition
def _may_ask_leave(activity, user, now):
    inv = _invitation(activity, user)
    if now >= activity.end:
        return _("活动已结束，不能请假。")
    if inv is not None and hasattr(inv, "leave"):
        return _("您已提交过请假申请。")
    if inv is not None and inv.checked_in_at:
        return _("您已签到。")
    return None


@condition
def _not_checked_in(activity, user, now):
    inv = _invitation(activity, user)
    return _("您已签到。") if inv is not None and inv.checked_in_at else None


@condition
def _checkin_window(activity, user, now):
    if _checkin_open(activity, now):
        return None
    return _("不在签到时间内（活动开始前%(n)d分钟至结束）。") % {"n": conf("CHECKIN_OPENS_MINUTES_BEFORE")}


@condition
def _started(activity, user, now):
    return _("活动尚未开始，不能结束。") if now < activity.start else None


def _checkin_open(activity, now) -> bool:
    opens = activity.start - datetime.timedelta(minutes=conf("CHECKIN_OPENS_MINUTES_BEFORE"))
    return opens <= now <= activity.end


# Input ----------------------------------------------------------------------------------------------------------


class CancelInput(ActionInput):
    comment: Annotated[
        Text(gettext_lazy("说明"), required=False, max_length=2000),
        Page(label=gettext_lazy("取消说明"), help=gettext_lazy("将随取消通知发给受邀委员。")),
    ] = ""


class LeaveInput(ActionInput):
    reason: Annotated[Text(gettext_lazy("请假理由"), max_length=2000), Page(rows=3)]


class DecideLeaveInput(ActionInput):
    member_id: Id(gettext_lazy("委员"))
    approve: Annotated[StrictBool, Label(gettext_lazy("批准或不批准"), pick=True)]
    comment: Text(gettext_lazy("审批意见"), required=False, max_length=2000) = ""


class CheckInInput(ActionInput):
    code: Text(gettext_lazy("签到码"), required=False, max_length=200) = ""


class AttendanceEntry(ActionInput):
    member_id: Id(gettext_lazy("委员"))
    status: Choice(gettext_lazy("考勤状态"), AttendanceStatus.values)


class AttendanceInput(ActionInput):
    entries: list[AttendanceEntry] = Field(min_length=1, max_length=100000)


class SpeechInput(ActionInput):
    member_id: Annotated[Id(gettext_lazy("委员")), Page(label=gettext_lazy("发言委员"), empty="—")]
    title: Text(gettext_lazy("发言题目"), max_length=200)
    written: Annotated[bool, Page(label=gettext_lazy("书面发言"))] = False


def _leave_decided(activity, data):
    approved = data.get("approve") is True or str(data.get("approve")).lower() in ("1", "on", "true")
    return _("已批准请假") if approved else _("已不批准请假")


# The activity workflow ------------------------------------------------------------------------------------------

ACTIVITY = Workflow(
    "activity",
    relations=lambda activity, user: relations(activity, user),
    state_refusal=gettext_lazy("活动当前状态（%(s)s）不能%(a)s。"),
)
act = ACTIVITY.action
# Editing a draft is a form of its own (``activity_update_draft``; PATCH in the API), not a step of the workflow:
# declared for who may do it and when, and so for the button and ``allowed_actions``.
act(
    "edit", gettext_lazy("修改"), sources=[S.DRAFT], who=[ORGANISER], style="secondary", done=gettext_lazy("已保存修改")
)
act(
    "publish",
    gettext_lazy("发布"),
    sources=[S.DRAFT],
    targets=[S.PUBLISHED],
    who=[ORGANISER],
    done=gettext_lazy("已发布，已通知受邀委员"),
)
act(
    "cancel",
    gettext_lazy("取消活动"),
    done=gettext_lazy("已取消活动，已通知受邀委员"),
    sources=[S.DRAFT, S.PUBLISHED],
    targets=[S.CANCELLED],
    who=[ORGANISER],
    schema=CancelInput,
    confirm=gettext_lazy("确定取消本活动？受邀委员将收到通知。"),
    style="danger",
)
act(
    "sign_up",
    gettext_lazy("报名"),
    sources=[S.PUBLISHED],
    who=[INVITEE],
    conditions=[_sign_up_open],
    done=gettext_lazy("已报名"),
)
act(
    "request_leave",
    gettext_lazy("请假"),
    done=gettext_lazy("已提交请假申请，等待审批"),
    sources=[S.PUBLISHED],
    who=[EXPECTED],
    conditions=[_may_ask_leave],
    schema=LeaveInput,
    example={"reason": "外出开会"},
)
act(
    "decide_leave",
    gettext_lazy("审批请假"),
    done=_leave_decided,
    sources=[S.PUBLISHED],
    who=[ORGANISER],
    schema=DecideLeaveInput,
    example={"member_id": 12, "approve": True, "comment": ""},
)
act(
    "check_in",
    gettext_lazy("签到"),
    done=gettext_lazy("已签到"),
    sources=[S.PUBLISHED],
    who=[EXPECTED],
    conditions=[_not_checked_in, _checkin_window],
    schema=CheckInInput,
    example={"code": "12.345.abcdef"},
)
act(
    "mark_attendance",
    gettext_lazy("登记考勤"),
    done=gettext_lazy("已登记考勤"),
    sources=[S.PUBLISHED, S.CLOSED],
    who=[ORGANISER],
    schema=AttendanceInput,
    example={"entries": [{"member_id": 12, "status": "present"}]},
)
act(
    "record_speech",
    gettext_lazy("登记发言"),
    done=gettext_lazy("已登记发言"),
    sources=[S.PUBLISHED, S.CLOSED],
    who=[ORGANISER],
    schema=SpeechInput,
    example={"member_id": 12, "title": "关于加强基层治理的发言", "written": False},
)
act(
    "close",
    gettext_lazy("结束并确认考勤"),
    done=gettext_lazy("活动已结束，考勤已记入履职档案"),
    sources=[S.PUBLISHED],
    targets=[S.CLOSED],
    who=[ORGANISER],
    conditions=[_started],
    confirm=gettext_lazy("结束后将按签到、请假情况确定每位委员的考勤并记入履职档案。确定结束？"),
)
del act
ACTIONS = ACTIVITY.actions


def allowed_actions(activity, user, now=None) -> list[str]:
    return ACTIVITY.allowed(activity, user, now=now)


# Creating ------------------------------------------------------------------------------------------------------


def _aware(value, label: str, key: str) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(_("%(f)s格式错误（ISO 8601，含时区）。") % {"f": label}, {key: _("格式错误")}) from None
    if not isinstance(value, datetime.datetime):
        raise InvalidInput(_("请填写%(f)s。") % {"f": label}, {key: _("必填")})
    if timezone.is_naive(value):
        raise InvalidInput(_("%(f)s须带时区。") % {"f": label}, {key: _("缺少时区")})
    return value


def _clean_activity(data: dict) -> dict:
    """The activity's fields from the input of creating or editing it, validated alike (422 naming the fields)."""
    errors = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = _("必填")
    kind = ActivityKind.objects.filter(code=data.get("kind"), is_active=True).first()
    if kind is None:
        errors["kind"] = _("活动类别无效")
    place = (data.get("place") or "").strip()
    if not place:
        errors["place"] = _("必填")
    # Refused rather than cut: a title cut short without a word is not what the organiser wrote.
    for key, text in (("title", title), ("place", place)):
        limit = Activity._meta.get_field(key).max_length
        if len(text) > limit:
            errors[key] = _("最多 %(n)d 个字") % {"n": limit}
    for key in ("half_days", "training_hours"):
        if data.get(key) is not None and data[key] < 0:
            errors[key] = _("不能为负数")
    if errors:
        raise InvalidInput(_("输入有误，请检查标记的项目。"), errors)
    start, end = _aware(data.get("start"), _("开始时间"), "start"), _aware(data.get("end"), _("结束时间"), "end")
    if end <= start:
        raise InvalidInput(_("结束时间应晚于开始时间。"), {"end": _("应晚于开始时间")})
    mode = data.get("attendance") or AttendanceMode.REQUIRED
    if mode not in AttendanceMode.values:
        raise InvalidInput(_("参加方式无效。"), {"attendance": _("请选择应出席或报名参加")})
    capacity = data.get("capacity")
    closes = data.get("sign_up_closes")
    closes = _aware(closes, _("报名截止"), "sign_up_closes") if closes else None
    if closes and closes > end:
        raise InvalidInput(_("报名截止应早于活动结束。"), {"sign_up_closes": _("应早于活动结束")})
    if mode == AttendanceMode.SIGN_UP:
        if capacity is not None and (not isinstance(capacity, int) or capacity < 1):
            raise InvalidInput(_("人数上限应为正整数。"), {"capacity": _("应为正整数")})
        if closes and closes > start:
            raise InvalidInput(_("报名截止应早于活动开始。"), {"sign_up_closes": _("应早于活动开始")})
    else:
        capacity, closes = None, None
    organiser = None
    if data.get("organiser_id"):
        organiser = SpecialCommittee.objects.filter(pk=data["organiser_id"]).first()
        if organiser is None:
            raise InvalidInput(_("组织单位无效。"), {"organiser_id": _("组织单位不存在")})
    return {
        "title": title,
        "kind": kind,
        "organiser": organiser,
        "start": start,
        "end": end,
        "place": place,
        "description": (data.get("description") or "").strip(),
        "attendance": mode,
        "capacity": capacity,
        "sign_up_closes": closes,
        "invitees_spec": invitation_scope_clean(data.get("invitees")),
        "half_days": max(1, int(data.get("half_days") or 1)),
        "training_hours": data.get("training_hours") or 0,
    }


@transaction.atomic
def activity_create(*, actor, data: dict) -> Activity:
    if not is_organiser(actor):
        raise NotAllowed(_("只有机关工作人员可以创建活动。"))
    fields = _clean_activity(data)
    activity = Activity.objects.create(**fields, checkin_secret=secrets.token_hex(16), created_by=actor)
    audit_record(
        actor=actor,
        action="activity.create",
        obj=activity,
        changes={
            "title": [None, fields["title"]],
            "kind": [None, fields["kind"].code],
            "start": [None, fields["start"]],
        },
    )
    return activity


def activity_input(activity: Activity) -> dict:
    """The activity as the input of creating it: what editing a draft starts from, before the changes sent."""
    return {
        "title": activity.title,
        "kind": activity.kind.code,
        "organiser_id": activity.organiser_id,
        "start": activity.start,
        "end": activity.end,
        "place": activity.place,
        "description": activity.description,
        "attendance": activity.attendance,
        "capacity": activity.capacity,
        "sign_up_closes": activity.sign_up_closes,
        "invitees": dict(activity.invitees_spec),
        "half_days": activity.half_days,
        "training_hours": activity.training_hours,
    }


def _audited(field: str, value):
    """How the audit row records a field's value: the kind and organiser by code and id, times in ISO 8601."""
    if field == "kind":
        return value.code
    if field == "organiser":
        return value.pk if value is not None else None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    return value


@transaction.atomic
def activity_update_draft(*, activity_id: int, actor, data: dict) -> Activity:
    """Edit a draft activity (``edit``: its organisers, while it is a draft): ``data`` holds the fields to change,
    in the input of ``activity_create``; the whole activity is then validated as when it was created. A published
    activity changes only through its actions. Audited with the fields that changed (old and new)."""
    step = ACTIVITY["edit"]
    activity = _lock(activity_id, actor)
    if not step.who & relations(activity, actor):
        raise NotAllowed(_("只有活动的组织者可以修改活动。"))
    if activity.state not in step.sources:
        raise StateConflict(_("只有草稿可以修改；已发布的活动请通过发布后的操作（如取消）变更。"))
    fields = _clean_activity({**activity_input(activity), **data})
    changes = {}
    for name, value in fields.items():
        old = getattr(activity, name)
        if name in ("kind", "organiser"):
            same = (old.pk if old is not None else None) == (value.pk if value is not None else None)
        elif name == "training_hours":
            same = Decimal(str(old)) == Decimal(str(value))
        else:
            same = old == value
        if not same:
            changes[name] = [_audited(name, old), _audited(name, value)]
            setattr(activity, name, value)
    if changes:
        activity.save(update_fields=list(changes))
        audit_record(actor=actor, action=ACTIVITY.audit_action(step), obj=activity, changes=changes)
    return activity


# Acting --------------------------------------------------------------------------------------------------------


def _lock(activity_id: int, actor) -> Activity:
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None or not visible_activities(actor).filter(pk=activity.pk).exists():
        raise NotVisible(_("活动不存在或您无权查看。"))
    return activity


ACTIVITY.configure(lock=_lock, audit=audit_record)


def activity_act(*, activity_id: int, action: str, actor, payload: dict | None = None, now=None) -> Activity:
    now = now or timezone.now()
    if action == "check_in":
        # The scanned code is checked first: a wrong or stale code is the one thing a member can fix on the spot.
        activity = Activity.objects.filter(pk=activity_id).first()
        if activity is None:
            raise NotVisible(_("活动不存在或您无权查看。"))
        _verify_code(activity, payload or {}, now)
    return ACTIVITY.perform(pk=activity_id, action=action, actor=actor, payload=payload, now=now)


def _verify_code(activity, payload, now):
    parsed = checkin.parse(str(payload.get("code") or ""))
    if parsed is None or parsed.activity_id != activity.pk:
        raise InvalidInput(_("签到码无效，请重新扫描现场二维码。"), {"code": _("无效")})
    problem = checkin.verify(activity, parsed, at=now.timestamp())
    if problem == "forged":
        raise InvalidInput(_("签到码无效，请重新扫描现场二维码。"), {"code": _("无效")})
    if problem == "expired":
        raise InvalidInput(_("签到码已过期，请重新扫描现场二维码。"), {"code": _("已过期")})
    if not _checkin_open(activity, now):
        raise InvalidInput(
            _("不在签到时间内（活动开始前%(n)d分钟至结束）。") % {"n": conf("CHECKIN_OPENS_MINUTES_BEFORE")},
            {"code": _("不在签到时间内")},
        )


@ACTIVITY.handler("publish")
def _publish(ctx):
    activity, now = ctx.obj, ctx.now
    members = list(invitation_scope_members(activity.invitees_spec).select_related("user"))
    if not members:
        raise InvalidInput(_("邀请范围内没有在任委员。"), {"invitees": _("为空")})
    Invitation.objects.bulk_create([Invitation(activity=activity, member=m) for m in members], ignore_conflicts=True)
    activity.published_at = now
    activity.save(update_fields=["published_at"])
    old = ACTIVITY.move(activity, "publish", S.PUBLISHED)
    when = timezone.localtime(activity.start).strftime("%Y-%m-%d %H:%M")
    notify(
        recipients=[m.user for m in members if m.user_id],
        kind="activity.published",
        title=_("活动通知：%(t)s") % {"t": activity.title},
        body=_("时间：%(w)s；地点：%(p)s。") % {"w": when, "p": activity.place}
        + (
            _("请在 %(d)s 前报名。") % {"d": timezone.localtime(activity.sign_up_closes).strftime("%Y-%m-%d %H:%M")}
            if activity.sign_up_closes
            else ""
        ),
        url=f"/activities/{activity.pk}/",
    )
    return {"state": [old, S.PUBLISHED], "invitees": [None, len(members)]}


@ACTIVITY.handler("cancel")
def _cancel(ctx):
    activity, payload = ctx.obj, ctx.payload
    old = ACTIVITY.move(activity, "cancel", S.CANCELLED)
    users = [i.member.user for i in activity.invitations.select_related("member__user") if i.member.user_id]
    notify(
        recipients=users,
        kind="activity.cancelled",
        title=_("活动已取消：%(t)s") % {"t": activity.title},
        body=(payload.get("comment") or ""),
        url=f"/activities/{activity.pk}/",
    )
    return {"state": [old, S.CANCELLED]}


@ACTIVITY.handler("sign_up")
def _sign_up(ctx):
    activity, actor, now = ctx.obj, ctx.actor, ctx.now
    inv = _invitation(activity, actor)
    inv.signed_up_at = now
    inv.save(update_fields=["signed_up_at"])
    return {"signed_up": [None, inv.member_id]}


@ACTIVITY.handler("request_leave")
def _request_leave(ctx):
    activity, actor, payload = ctx.obj, ctx.actor, ctx.payload
    reason = (payload.get("reason") or "").strip()
    if not reason:
        raise InvalidInput(_("请填写请假理由。"), {"reason": _("必填")})
    inv = _invitation(activity, actor)
    LeaveRequest.objects.create(invitation=inv, reason=reason[:2000])
    organisers = get_user_model().objects.filter(role_grants__role=Role.SECRETARIAT, is_active=True)
    notify(
        recipients=organisers,
        kind="activity.leave_requested",
        title=_("%(m)s 请假：%(t)s") % {"m": inv.member, "t": activity.title},
        body=reason,
        url=f"/activities/{activity.pk}/",
    )
    return {"leave": [None, {"member": inv.member_id, "reason": reason}]}


def _invitation_of(activity, payload, key="member_id") -> Invitation:
    try:
        member_id = int(payload.get(key))
    except (TypeError, ValueError):
        raise InvalidInput(_("请指定委员。"), {key: _("必填")}) from None
    inv = activity.invitations.select_related("member__user").filter(member_id=member_id).first()
    if inv is None:
        raise InvalidInput(_("该委员不在本活动的邀请范围内。"), {key: _("不是受邀委员")})
    return inv


@ACTIVITY.handler("decide_leave")
def _decide_leave(ctx):
    activity, actor, payload, now = ctx.obj, ctx.actor, ctx.payload, ctx.now
    inv = _invitation_of(activity, payload)
    leave = LeaveRequest.objects.select_for_update().filter(invitation=inv, state=LeaveState.PENDING).first()
    if leave is None:
        raise StateConflict(_("该委员没有待审批的请假申请。"))
    approve = payload.get("approve")
    if not isinstance(approve, bool):
        raise InvalidInput(_("请选择批准或不批准。"), {"approve": _("必填")})
    leave.state = LeaveState.APPROVED if approve else LeaveState.DECLINED
    leave.decided_by, leave.decided_at, leave.comment = actor, now, (payload.get("comment") or "")[:2000]
    leave.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    if inv.member.user_id:
        notify(
            recipients=[inv.member.user],
            kind="activity.leave_decided",
            title=(_("请假已批准：%(t)s") if approve else _("请假未批准：%(t)s")) % {"t": activity.title},
            body=leave.comment,
            url=f"/activities/{activity.pk}/",
        )
    return {"leave": [LeaveState.PENDING, {"member": inv.member_id, "state": leave.state}]}


@ACTIVITY.handler("check_in")
def _check_in(ctx):
    activity, actor, now = ctx.obj, ctx.actor, ctx.now
    inv = _invitation(activity, actor)
    inv.checked_in_at = now
    inv.save(update_fields=["checked_in_at"])
    return {"checked_in": [None, inv.member_id]}


def _status_from_checkin(activity, inv) -> str:
    if hasattr(inv, "leave") and inv.leave.state == LeaveState.APPROVED and not inv.checked_in_at:
        return AttendanceStatus.ON_LEAVE
    if inv.checked_in_at is None:
        return AttendanceStatus.ABSENT
    late_after = activity.start + datetime.timedelta(minutes=conf("LATE_AFTER_MINUTES"))
    return AttendanceStatus.LATE if inv.checked_in_at > late_after else AttendanceStatus.PRESENT


def _write_attendance_duty(activity, inv, status, actor, on):
    kind = f"{PREFIX[status]}.{activity.kind.code}"
    qty = activity.half_days if status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) else 1
    duty_record_event(
        member=inv.member,
        kind=kind,
        occurred_on=on,
        source=inv,
        source_label=activity.title,
        quantity=qty,
        actor=actor,
        recompute=False,
    )
    # A training class may give an attendee fewer hours than its own (the training app's partial attendance).
    present = status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
    hours = training_hours_of(activity, inv.member_id) if present else 0
    if hours:
        duty_record_event(
            member=inv.member,
            kind=DutyKind.TRAINING_HOURS,
            occurred_on=on,
            source=inv,
            source_label=activity.title,
            quantity=hours,
            actor=actor,
            recompute=False,
        )


@ACTIVITY.handler("mark_attendance")
def _mark_attendance(ctx):
    activity, actor, payload, now = ctx.obj, ctx.actor, ctx.payload, ctx.now
    entries = payload.get("entries")
    if not isinstance(entries, list) or not entries:
        raise InvalidInput(_("请提供考勤名单。"), {"entries": _("必填")})
    changes = []
    touched = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise InvalidInput(_("考勤名单格式错误。"), {"entries": _("格式错误")})
        inv = _invitation_of(activity, entry)
        status = entry.get("status")
        if status not in AttendanceStatus.values:
            raise InvalidInput(_("考勤状态无效：%(s)s") % {"s": status}, {"entries": _("状态无效")})
        if activity.state == S.PUBLISHED:
            # Before closing, staff mark people present (or late) in place of a scan.
            if status not in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
                raise InvalidInput(
                    _("活动结束前只能登记出席或迟到，缺席和请假在结束时确认。"), {"entries": _("状态无效")}
                )
            late_at = activity.start + datetime.timedelta(minutes=conf("LATE_AFTER_MINUTES") + 1)
            inv.checked_in_at = max(now, late_at) if status == AttendanceStatus.LATE else min(now, activity.start)
            inv.checked_in_by_staff = True
            inv.save(update_fields=["checked_in_at", "checked_in_by_staff"])
            changes.append([inv.member_id, status])
            continue
        # After closing: an audited correction; the old ledger rows are reversed and the new status recorded.
        if inv.status == status:
            continue
        old = inv.status
        inv.status = status
        inv.save(update_fields=["status"])
        duty_reverse_events(source=inv, member=inv.member, actor=actor, note=_("考勤更正"))
        _write_attendance_duty(activity, inv, status, actor, timezone.localdate(activity.start))
        changes.append([inv.member_id, old, status])
        touched.append(inv.member_id)
    if touched:
        recompute_members(year=timezone.localdate(activity.start).year, member_ids=touched)
    return {"attendance": [None, changes]}


@ACTIVITY.handler("close")
def _close(ctx):
    activity, actor, now = ctx.obj, ctx.actor, ctx.now
    on = timezone.localdate(activity.start)
    invitations = list(activity.invitations.select_related("member", "leave"))
    counts = {s: 0 for s in AttendanceStatus.values}
    touched = []
    for inv in invitations:
        if not expected(inv):
            continue
        status = _status_from_checkin(activity, inv)
        inv.status = status
        counts[status] += 1
        _write_attendance_duty(activity, inv, status, actor, on)
        touched.append(inv.member_id)
    Invitation.objects.bulk_update([i for i in invitations if i.status], ["status"])
    activity.closed_at = now
    activity.save(update_fields=["closed_at"])
    old = ACTIVITY.move(activity, "close", S.CLOSED)
    recompute_members(year=on.year, member_ids=touched)
    return {"state": [old, S.CLOSED], "attendance": [None, counts]}


@ACTIVITY.handler("record_speech")
def _record_speech(ctx):
    activity, actor, payload = ctx.obj, ctx.actor, ctx.payload
    inv = _invitation_of(activity, payload)
    title = (payload.get("title") or "").strip()
    if not title:
        raise InvalidInput(_("请填写发言题目。"), {"title": _("必填")})
    speech = Speech.objects.create(
        activity=activity, member=inv.member, title=title[:200], written=bool(payload.get("written")), recorded_by=actor
    )
    duty_record_event(
        member=inv.member,
        kind=f"spoke.{activity.kind.code}",
        occurred_on=timezone.localdate(activity.start),
        source=speech,
        source_label=f"{activity.title}：{title}",
        actor=actor,
    )
    return {"speech": [None, {"member": inv.member_id, "title": title}]}


# Other modules make their activities through duty.services, which sits below this module.
activity_operations_install(create=activity_create, act=activity_act)
