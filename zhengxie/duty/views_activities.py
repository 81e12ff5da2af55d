"""Activity and attendance pages: my calendar (list and month views), creating an activity, its page with my status
and my buttons and, for the organiser, invitees, leave decisions, attendance marking, speeches, closing and the
attendance sheet; the full-screen QR code of the check-in URL and the phone page that URL opens.

Every change goes through ``activities.activity_create`` / ``activities.activity_act`` (or ``materials.material_add``)
and every page offers exactly the actions ``activities.allowed_actions`` gives the viewer; a refused POST is
answered with the service's status (403/404/409/422) and message, and changes nothing.
"""

import base64
import calendar
import datetime
import io
from collections import defaultdict

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Prefetch, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zhengxie.core.access import require
from zhengxie.core.exceptions import ActionRefused, NotAllowed, NotVisible
from zhengxie.core.forms import submit
from zhengxie.core.request_size import accepts_upload
from zhengxie.people.models import Sector, SpecialCommittee
from zhengxie.people.services import invitation_scope_members

from . import activities, checkin, exports, materials, read_models
from .forms import (
    BULK_STATUSES,
    ActivityForm,
    CancelForm,
    CheckInCodeForm,
    LeaveRequestForm,
    MaterialForm,
    SpeechForm,
    action_payload,
    list_filters,
    parse_month,
)
from .models import (
    Activity,
    ActivityKind,
    ActivityState,
    AttendanceStatus,
    Invitation,
    LeaveState,
)

PAGE_SIZE = 30
NAV = "activities"


def _visible_or_404(user, pk: int) -> Activity:
    activity = activities.visible_activities(user).select_related("kind", "organiser").filter(pk=pk).first()
    if activity is None:
        raise Http404(_("活动不存在或您无权查看。"))
    return activity


def _my_invitation(activity, user) -> Invitation | None:
    mine = Invitation.objects.select_related("member", "leave").filter(activity=activity, member__user=user).first()
    if mine is not None:
        mine.activity = activity
    return mine


def _qr_available(activity, user) -> bool:
    """The organiser shows the check-in QR code while the activity is published (check_in's state)."""
    return activities.is_organiser(user) and activity.state in activities.ACTIONS["check_in"].sources


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# My calendar --------------------------------------------------------------------------------------------------


def _month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
    )


def _shift_month(year: int, month: int, by: int) -> str:
    index = year * 12 + (month - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _activity_rows(request, qs, organiser: bool):
    if organiser:
        return qs.annotate(
            n_invited=Count("invitations", distinct=True),
            n_checked_in=Count("invitations", filter=Q(invitations__checked_in_at__isnull=False), distinct=True),
        )
    mine = Invitation.objects.filter(member__user=request.user).select_related("leave")
    return qs.prefetch_related(Prefetch("invitations", queryset=mine, to_attr="mine"))


@require("duty.activities")
@require_safe
def activity_list(request):
    """My calendar: a member's invitations, upcoming first; for the organiser every activity, with filters."""
    user = request.user
    organiser = activities.is_organiser(user)
    filters = list_filters(request.GET)
    qs = activities.visible_activities(user).select_related("kind", "organiser")
    if filters["kind"]:
        qs = qs.filter(kind__code=filters["kind"])
    if filters["state"]:
        qs = qs.filter(state=filters["state"])
    now = timezone.now()
    today = timezone.localdate()
    year, month = parse_month(filters["month"]) or (today.year, today.month)
    context = {
        "active_nav": NAV,
        "filters": filters,
        "organiser": organiser,
        "kinds": ActivityKind.objects.all(),
        "states": ActivityState.choices,
        "now": now,
        "today": today,
        "month_value": "",
    }
    if filters["view"] == "month":
        lo, hi = _month_bounds(year, month)
        rows = list(_activity_rows(request, qs.filter(start__gte=lo, start__lt=hi), organiser).order_by("start", "id"))
        by_day = defaultdict(list)
        for a in rows:
            by_day[timezone.localdate(a.start)].append(a)
        weeks = [
            [{"date": d, "in_month": d.month == month, "activities": by_day.get(d, [])} for d in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        query = request.GET.copy()
        query.pop("month", None)
        context.update(
            month_label=_("%(y)d年%(m)d月") % {"y": year, "m": month},
            month_value=f"{year:04d}-{month:02d}",
            weeks=weeks,
            days=[(d, by_day[d]) for d in sorted(by_day)],
            prev_month=_shift_month(year, month, -1),
            next_month=_shift_month(year, month, 1),
            month_query=query.urlencode(),
            weekdays=[_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
            count=len(rows),
        )
    else:
        if filters["month"]:
            lo, hi = _month_bounds(year, month)
            qs = qs.filter(start__gte=lo, start__lt=hi)
        # Upcoming and running first (soonest first), then the past (latest first).
        qs = qs.annotate(
            is_past=Case(When(end__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()),
            upcoming_start=Case(When(end__gte=now, then=F("start")), default=None, output_field=DateTimeField()),
        ).order_by("is_past", F("upcoming_start").asc(nulls_last=True), "-start", "-id")
        page = Paginator(_activity_rows(request, qs, organiser), PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(page=page, querystring=query.urlencode())
    view_query = request.GET.copy()
    for key in ("view", "page"):
        view_query.pop(key, None)
    context["view_query"] = view_query.urlencode()
    return render(request, "duty/activities/list.html", context)


# Creating -----------------------------------------------------------------------------------------------------


@require("duty.manage_activities")
@require_http_methods(["GET", "POST"])
def activity_new(request):
    form = ActivityForm(request.POST or None)
    done = submit(request, form, lambda f: activities.activity_create(actor=request.user, data=f.service_data()))
    if done.saved:
        messages.success(request, _("已保存为草稿。请核对后发布，发布时通知受邀委员。"))
        return redirect("duty:activity_detail", pk=done.result.pk)
    return render(request, "duty/activities/new.html", {"active_nav": NAV, "form": form}, status=done.status)


@require("duty.manage_activities")
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    """A draft activity's form, filled in; saving goes through ``activities.activity_update_draft`` (the same checks
    as creating it, audited). A published one is not edited (409: its actions change it)."""
    activity = _visible_or_404(request.user, pk)
    step = activities.ACTIONS["edit"]
    refusal = activities.ACTIVITY.refusal(step, activity, request.user)
    if refusal is not None:
        if isinstance(refusal, NotAllowed):
            raise PermissionDenied(refusal.message)
        return _render_detail(request, activity, refusal=refusal, status=refusal.status)
    form = ActivityForm(request.POST or None, initial=ActivityForm.initial_for(activity))
    done = submit(
        request,
        form,
        lambda f: activities.activity_update_draft(activity_id=activity.pk, actor=request.user, data=f.service_data()),
    )
    if done.saved:
        messages.success(request, str(step.done_message(activity)))
        return redirect("duty:activity_detail", pk=activity.pk)
    return render(
        request, "duty/activities/new.html", {"active_nav": NAV, "form": form, "activity": activity}, status=done.status
    )


# One activity -------------------------------------------------------------------------------------------------


def _invitees_summary(spec: dict) -> list[str]:
    parts = []
    if spec.get("all"):
        parts.append(_("全体委员"))
    if spec.get("standing_committee"):
        parts.append(_("全体常委"))
    if spec.get("sector_ids"):
        names = Sector.objects.filter(pk__in=spec["sector_ids"]).values_list("name", flat=True)
        parts.append(_("界别：%(n)s") % {"n": "、".join(names)})
    if spec.get("special_committee_ids"):
        names = SpecialCommittee.objects.filter(pk__in=spec["special_committee_ids"]).values_list("name", flat=True)
        parts.append(_("专门委员会：%(n)s") % {"n": "、".join(names)})
    if spec.get("member_ids"):
        parts.append(_("指定委员 %(n)d 人") % {"n": len(spec["member_ids"])})
    return parts


def _bound(form_class, action: str, posted: tuple | None, refusal: ActionRefused | None, **kwargs):
    """The form of ``action``: bound to the refused POST (with the service's field errors) or empty."""
    if posted is None or posted[0] != action:
        return form_class(auto_id=f"id_{action}_%s", **kwargs)
    form = form_class(posted[1], posted[2] if len(posted) > 2 else None, auto_id=f"id_{action}_%s", **kwargs)
    form.is_valid()
    for key, text in (refusal.errors if refusal else {}).items():
        if key in form.fields and key not in form.errors:
            form.add_error(key, text)
    return form


def _render_detail(request, activity, *, refusal=None, posted=None, status: int = 200):
    user = request.user
    detail = read_models.activity_detail(user, activity)
    allowed, invitations = detail.allowed_actions, detail.invitations
    context = {
        "active_nav": NAV,
        "activity": activity,
        "allowed": allowed,
        "marking": "mark_attendance" in allowed,
        "labels": {name: str(step.label) for name, step in activities.ACTIONS.items()},
        "organiser": detail.organiser,
        "mine": detail.mine,
        "expected": detail.expected,
        "refusal": refusal,
        "refused_action": posted[0] if posted else "",
        "materials": detail.materials,
        "can_add_material": materials.can_add_material(activity, user),
        "leave_form": _bound(LeaveRequestForm, "request_leave", posted, refusal),
        "material_form": _bound(MaterialForm, "material", posted, refusal),
        "signed_up": detail.signed_up,
        "checkin_opens": activity.start - datetime.timedelta(minutes=activities.conf("CHECKIN_OPENS_MINUTES_BEFORE")),
    }
    if detail.organiser:
        counts = {s: 0 for s in AttendanceStatus.values}
        for inv in invitations:
            if inv.status:
                counts[inv.status] += 1
        context.update(
            invitations=invitations,
            pending_leaves=[i for i in invitations if hasattr(i, "leave") and i.leave.state == LeaveState.PENDING],
            decided_leaves=[i for i in invitations if hasattr(i, "leave") and i.leave.state != LeaveState.PENDING],
            speeches=list(activity.speeches.select_related("member").order_by("recorded_at", "id")),
            invitees_summary=_invitees_summary(activity.invitees_spec),
            planned_invitees=invitation_scope_members(activity.invitees_spec).count()
            if activity.state == ActivityState.DRAFT
            else None,
            n_checked_in=sum(1 for i in invitations if i.checked_in_at),
            n_expected=sum(1 for i in invitations if activities.expected(i)),
            expected_ids={i.pk for i in invitations if activities.expected(i)},
            status_counts=[(AttendanceStatus(s).label, n) for s, n in counts.items()],
            qr_available=_qr_available(activity, user),
            cancel_form=_bound(CancelForm, "cancel", posted, refusal),
            speech_form=_bound(SpeechForm, "record_speech", posted, refusal, invitations=invitations),
            bulk_statuses=BULK_STATUSES,
            all_statuses=AttendanceStatus.choices,
        )
    return render(request, "duty/activities/detail.html", context, status=status)


@require("duty.activities")
def activity_detail(request, pk: int):
    activity = _visible_or_404(request.user, pk)
    # Visibility before the method: someone who may not see the activity gets 404 whatever the method.
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _render_detail(request, activity)


@require("duty.activities")
def activity_act(request, pk: int, action: str):
    user = request.user
    _visible_or_404(user, pk)
    if request.method in ("GET", "HEAD"):  # the address opened rather than posted: the activity's page
        return redirect("duty:activity_detail", pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        payload = action_payload(action, request.POST)
        done = activities.activity_act(activity_id=pk, action=action, actor=user, payload=payload)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        return _render_detail(
            request, _visible_or_404(user, pk), refusal=exc, posted=(action, request.POST), status=exc.status
        )
    messages.success(request, activities.ACTIONS[action].done_message(done, payload))
    return redirect("duty:activity_detail", pk=pk)


# Materials ----------------------------------------------------------------------------------------------------


@accepts_upload(materials.max_bytes)
@require("duty.manage_activities")
@require_POST
def material_upload(request, pk: int):
    user = request.user
    _visible_or_404(user, pk)
    upload = request.FILES.get("file")
    data = upload.read(materials.max_bytes() + 1) if upload is not None else b""
    try:
        material = materials.material_add(activity_id=pk, actor=user, name=upload.name if upload else "", data=data)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        posted = ("material", request.POST, request.FILES)
        return _render_detail(request, _visible_or_404(user, pk), refusal=exc, posted=posted, status=exc.status)
    messages.success(request, _("已上传材料：%(n)s。") % {"n": material.name})
    return redirect("duty:activity_detail", pk=pk)


@require("duty.activities")
def material_download(request, pk: int, material_pk: int):
    activity = _visible_or_404(request.user, pk)  # organisers, and invitees once it is published
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    material = activity.materials.filter(pk=material_pk).first()
    if material is None:
        raise Http404(_("材料不存在。"))
    return FileResponse(
        material.file.open("rb"), as_attachment=True, filename=material.name, content_type=material.content_type
    )


@require("duty.manage_activities")
@require_safe
def attendance_xlsx(request, pk: int):
    activity = _visible_or_404(request.user, pk)
    if not activities.is_organiser(request.user):
        raise PermissionDenied
    response = HttpResponse(exports.attendance_workbook(activity), content_type=exports.CONTENT_TYPE)
    filename = _("%(t)s-考勤表.xlsx") % {"t": activity.title}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# QR check-in ------------------------------------------------------------------------------------------------


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buf = io.BytesIO()
    image.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def _organiser_activity(request, pk: int) -> Activity:
    activity = _visible_or_404(request.user, pk)
    if not activities.is_organiser(request.user):
        raise PermissionDenied
    return activity


def _invitations_of(activity, qs) -> list[Invitation]:
    """The rows with their activity set, so ``activities.expected`` reads it without a query per row."""
    rows = list(qs)
    for inv in rows:
        inv.activity = activity
    return rows


def _checkin_counts(activity) -> dict:
    rows = _invitations_of(activity, activity.invitations.only("id", "activity_id", "signed_up_at", "checked_in_at"))
    return {
        "n_checked_in": sum(1 for i in rows if i.checked_in_at),
        "n_expected": sum(1 for i in rows if activities.expected(i)),
    }


def _qr_context(request, activity) -> dict:
    now = timezone.now()
    context = {
        "activity": activity,
        "available": _qr_available(activity, request.user),
        "open": activities._checkin_open(activity, now),
        "opens_at": activity.start - datetime.timedelta(minutes=activities.conf("CHECKIN_OPENS_MINUTES_BEFORE")),
    }
    context.update(_checkin_counts(activity))
    if context["available"] and context["open"]:
        code, expires = checkin.make_code(activity, at=now.timestamp())
        url = request.build_absolute_uri(f"{reverse('duty:check_in')}?code={code}")
        context.update(
            url=url,
            qr=_qr_data_uri(url),
            expires=expires,
            server_now=int(now.timestamp()),
            seconds_left=max(0, expires - int(now.timestamp())),
        )
    return context


@require("duty.manage_activities")
@require_safe
def activity_qr(request, pk: int):
    """Full screen for the projector: the QR code of the current check-in URL, renewed by polling the fragment."""
    activity = _organiser_activity(request, pk)
    return render(request, "duty/activities/qr.html", _qr_context(request, activity))


@require("duty.manage_activities")
@require_safe
def activity_qr_fragment(request, pk: int):
    activity = _organiser_activity(request, pk)
    return render(request, "duty/activities/_qr_fragment.html", _qr_context(request, activity))


def _check_in_page(request, *, activity=None, code="", refusal_message="", status=200, form=None):
    user = request.user
    context = {"active_nav": NAV, "activity": activity, "code": code, "message": refusal_message, "form": form}
    if activity is not None:
        mine = _my_invitation(activity, user)
        allowed = activities.allowed_actions(activity, user)
        context.update(
            mine=mine,
            can_check_in="check_in" in allowed,
            expected=mine is not None and activities.expected(mine),
            checkin_opens=activity.start - datetime.timedelta(minutes=activities.conf("CHECKIN_OPENS_MINUTES_BEFORE")),
        )
    return render(request, "duty/activities/check_in.html", context, status=status)


@require("duty.activities")
@require_http_methods(["GET", "POST"])
def check_in(request):
    """The page the QR code opens on a member's phone: the activity and one big 签到 button that posts the code.
    Without a code it asks for one (typed or pasted from the screen)."""
    raw = (request.POST.get("code") if request.method == "POST" else request.GET.get("code")) or ""
    code = raw.strip()
    if not code:
        form = CheckInCodeForm(request.POST if request.method == "POST" else None, auto_id="id_checkin_%s")
        return _check_in_page(request, form=form, status=422 if request.method == "POST" else 200)
    parsed = checkin.parse(code)
    if parsed is None:
        return _check_in_page(
            request,
            code=code,
            refusal_message=_("签到码无效，请重新扫描现场二维码。"),
            status=422,
            form=CheckInCodeForm(auto_id="id_checkin_%s"),
        )
    activity = activities.visible_activities(request.user).select_related("kind").filter(pk=parsed.activity_id).first()
    if activity is None:
        return _check_in_page(request, code=code, refusal_message=_("活动不存在或您无权查看。"), status=404)
    if request.method == "POST":
        try:
            activities.activity_act(
                activity_id=activity.pk, action="check_in", actor=request.user, payload={"code": code}
            )
        except ActionRefused as exc:
            return _check_in_page(request, activity=activity, code=code, refusal_message=exc.message, status=exc.status)
        messages.success(request, _("签到成功。"))
        return redirect(f"{reverse('duty:check_in')}?code={code}")
    return _check_in_page(request, activity=activity, code=code)
