"""Activities and duty API."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from zhengxie.core.access import has_perm
from zhengxie.core.api_body import json_object
from zhengxie.core.api_errors import refusals
from zhengxie.core.api_types import Count, Hours, Id, Instant, InstantYear, PageNumber, SmallCount
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible

from . import activities, checkin, read_models
from .forms_archive import year_bounds
from .models import Activity, ActivityState
from .points import member_archive, rules_for
from .selectors import Ranks, archive_members, ledger
from .services import archive_sections

router = Router(tags=["activities and duty"])


class InviteesIn(Schema):
    all: bool | None = None
    standing_committee: bool | None = None
    sector_ids: list[Id] | None = None
    special_committee_ids: list[Id] | None = None
    member_ids: list[Id] | None = None


class ActivityIn(Schema):
    title: str
    kind: str
    start: Instant
    end: Instant
    place: str
    description: str | None = None
    invitees: InviteesIn
    attendance: str = "required"
    capacity: Count | None = None
    sign_up_closes: Instant | None = None
    organiser_id: Id | None = None
    half_days: SmallCount | None = None
    training_hours: Hours | None = None


class ActivityPatch(Schema):
    """The fields of a draft activity to change (those left out keep their values)."""

    title: str | None = None
    kind: str | None = None
    start: Instant | None = None
    end: Instant | None = None
    place: str | None = None
    description: str | None = None
    invitees: InviteesIn | None = None
    attendance: str | None = None
    capacity: Count | None = None
    sign_up_closes: Instant | None = None
    organiser_id: Id | None = None
    half_days: SmallCount | None = None
    training_hours: Hours | None = None


class ActivityListFilters(Schema):
    state: str | None = None
    kind: str | None = None
    year: InstantYear | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


def _instant(value: datetime.datetime | None) -> str | None:
    # Always in the committee's zone: a time read back from the database is in UTC, one just written keeps the
    # zone it was sent in, and a client must not see the same activity in two zones.
    return timezone.localtime(value).isoformat() if value is not None else None


def _activity_out(activity: Activity, user) -> dict:
    """The activity's read model (``read_models.activity_detail``) as the API writes it."""
    detail = read_models.activity_detail(user, activity)
    mine = detail.mine
    out = {
        "id": activity.pk,
        "title": activity.title,
        "kind": activity.kind.code,
        "kind_name": activity.kind.name,
        "start": _instant(activity.start),
        "end": _instant(activity.end),
        "place": activity.place,
        "description": activity.description,
        "state": activity.state,
        "attendance": activity.attendance,
        "capacity": activity.capacity,
        "sign_up_closes": _instant(activity.sign_up_closes),
        "organiser": str(activity.organiser) if activity.organiser_id else "机关",
        "allowed_actions": detail.allowed_actions,
        "my_invitation": None
        if mine is None
        else {
            "signed_up": mine.signed_up_at is not None,
            "checked_in_at": _instant(mine.checked_in_at),
            "status": mine.status or None,
            "leave": None if not hasattr(mine, "leave") else mine.leave.state,
        },
    }
    if detail.organiser:
        out["invitees"] = [
            {
                "member_id": i.member_id,
                "name": i.member.name,
                "signed_up": i.signed_up_at is not None,
                "checked_in_at": _instant(i.checked_in_at),
                "status": i.status or None,
                "leave": None if not hasattr(i, "leave") else {"state": i.leave.state, "reason": i.leave.reason},
            }
            for i in detail.invitations
        ]
    return out


@router.get("/activities", response={200: dict, **refusals(403)}, summary="Activities the caller may see")
def list_activities(request, filters: Query[ActivityListFilters]):
    if not has_perm(request.user, "duty.activities"):
        raise NotAllowed("您的角色不参加或组织活动。")
    qs = activities.visible_activities(request.user).select_related("kind", "organiser")
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.kind:
        qs = qs.filter(kind__code=filters.kind)
    if filters.year:
        qs = qs.filter(start__year=filters.year)
    limit, offset = max(1, min(filters.limit, 200)), max(0, filters.offset)
    items = [
        {
            "id": a.pk,
            "title": a.title,
            "kind": a.kind.code,
            "start": _instant(a.start),
            "end": _instant(a.end),
            "place": a.place,
            "state": a.state,
        }
        for a in qs.order_by("-start")[offset : offset + limit]
    ]
    return {"count": qs.count(), "items": items}


@router.post("/activities", response={201: dict, **refusals(403)}, summary="Create an activity (draft)")
def create_activity(request, payload: ActivityIn):
    data = payload.dict()
    for key in ("start", "end", "sign_up_closes"):
        if data.get(key) is not None:
            data[key] = data[key].isoformat()
    activity = activities.activity_create(actor=request.user, data=data)
    return Status(201, _activity_out(activity, request.user))


def _visible(request, activity_id: int) -> Activity:
    activity = (
        activities.visible_activities(request.user).select_related("kind", "organiser").filter(pk=activity_id).first()
    )
    if activity is None:
        raise NotVisible("活动不存在或您无权查看。")
    return activity


@router.get(
    "/activities/{activity_id}",
    response={200: dict, **refusals(404)},
    summary="One activity, with the caller's allowed actions",
)
def get_activity(request, activity_id: int):
    return _activity_out(_visible(request, activity_id), request.user)


@router.patch(
    "/activities/{activity_id}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Edit a draft activity",
    description="Its organisers change any field of a draft (the same checks as creating it; a field left out keeps "
    "its value, `null` clears an optional one). A published activity is changed only through its actions: 409. "
    "403 not an organiser, 404 not visible, 422 bad input (`errors` names the fields). Audited as `activity.edit`.",
)
def edit_activity(request, activity_id: int, payload: ActivityPatch):
    data = payload.dict(exclude_unset=True)
    for key in ("start", "end", "sign_up_closes"):
        if data.get(key) is not None:
            data[key] = data[key].isoformat()
    if "invitees" in data and data["invitees"] is not None:
        data["invitees"] = {k: v for k, v in data["invitees"].items() if v is not None}
    activity = activities.activity_update_draft(activity_id=activity_id, actor=request.user, data=data)
    return _activity_out(_visible(request, activity.pk), request.user)


# Editing a draft is PATCH /activities/{id}, not an action of the path below.
PATH_ACTIONS = [name for name in activities.ACTIVITY.actions if name != "edit"]


def _actions_doc() -> str:
    lines = []
    for name in PATH_ACTIONS:
        step = activities.ACTIVITY[name]
        fields = ", ".join(
            f"`{f}`" + ("" if info.is_required() else " optional") for f, info in step.schema.model_fields.items()
        )
        sources = ", ".join(sorted(str(s) for s in step.sources))
        lines.append(f"- `{name}` ({step.label}) — from: {sources}. Body: " + (fields or "none") + ".")
    return "\n".join(lines)


@router.post(
    "/activities/{activity_id}/actions/{action}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Take an action on an activity",
    openapi_extra=activities.ACTIVITY.openapi_body(PATH_ACTIONS),
    description="Run one action of the activity workflow; the activity's `allowed_actions` lists those open to the "
    "caller now. The body is the action's schema (below). 403 not allowed, 404 not visible or no such action, "
    "409 not in this state or a rule of the workflow refuses it (the message says why), 422 bad input (`errors` "
    "names the fields; a forged or expired check-in code).\n\n" + _actions_doc(),
)
def act(request, activity_id: int, action: str):
    if action not in PATH_ACTIONS:
        raise NotVisible(_("没有这个操作：%(a)s") % {"a": action})
    activities.activity_act(activity_id=activity_id, action=action, actor=request.user, payload=json_object(request))
    return _activity_out(_visible(request, activity_id), request.user)


@router.get(
    "/activities/{activity_id}/check-in-code",
    response={200: dict, **refusals(403, 404)},
    summary="The current check-in code (organisers only)",
)
def check_in_code(request, activity_id: int):
    activity = _visible(request, activity_id)
    if not activities.is_organiser(request.user):
        raise NotAllowed("只有组织者可以获取签到码。")
    if activity.state != ActivityState.PUBLISHED:
        raise InvalidInput("活动未发布或已结束。")
    code, expires = checkin.make_code(activity)
    url = request.build_absolute_uri(f"/activities/check-in/?code={code}")
    return {
        "code": code,
        "url": url,
        "expires_at": _instant(datetime.datetime.fromtimestamp(expires, tz=datetime.UTC)),
    }


class DutyQuery(Schema):
    year: int | None = None


@router.get(
    "/members/{member_id}/duty",
    response={200: dict, **refusals(403, 404)},
    summary="A member's duty archive for a year",
    description="Records with their sources, points by kind, total, score, grade, ranks and missing minimum duties; "
    "`sections`: the parts other modules add to the archive (`study_hours`: the year's study hours against the "
    "requirement, `figures` `{hours, required, short}`).",
)
def member_duty(request, member_id: int, query: Query[DutyQuery]):
    if not has_perm(request.user, "duty.archive"):
        raise NotAllowed("您的角色不能查看履职档案。")
    member = archive_members(request.user).select_related("sector").filter(pk=member_id).first()
    if member is None:
        get_object_or_404(Activity.objects.none())
    year = timezone.localdate().year if query.year is None else query.year
    lo, hi = year_bounds()
    if not lo <= year <= hi:
        raise InvalidInput(_("年度应在%(lo)d至%(hi)d之间。") % {"lo": lo, "hi": hi}, {"year": _("超出本会的年度范围")})
    rules = rules_for(year)  # a read: a year without a rule table is computed from the one in force, not stored
    rs = rules.rs
    arch = member_archive(member=member, year=year, rules=rules)
    ranks = Ranks(year)
    records = [
        {
            "id": r.pk,
            "kind": r.kind,
            "date": r.occurred_on.isoformat(),
            "quantity": str(r.quantity),
            "reversal": r.sign < 0,
            "source": {"type": r.source_type, "id": r.source_id, "label": r.source_label},
            "note": r.note,
        }
        for r in ledger(member=member, year=year)
    ]
    return {
        "member_id": member.pk,
        "year": year,
        "records": records,
        "points_by_kind": arch.by_kind,
        "total": str(arch.total),
        "score": str(arch.score),
        "grade": arch.grade,
        "missing_minimums": arch.missing,
        "alerts": arch.alerts,
        "rank": ranks.committee(arch.score),
        "sector_rank": ranks.sector(member.sector_id, arch.score),
        # None: the year has no rule table of its own yet (scored with the latest earlier year's, or the defaults)
        "rules_version": rs.version if rs.pk else None,
        # Parts other apps add to the archive, as the page and the report show them (the study hours: key
        # ``study_hours``, figures ``hours``, ``required``, ``short``).
        "sections": [
            {
                "key": part["key"],
                "title": str(part["title"]),
                "rows": [{"label": str(row["label"]), "value": str(row["value"])} for row in part["rows"]],
                "met": part.get("met"),
                "figures": part.get("figures", {}),
            }
            for part in archive_sections(member=member, year=year, user=request.user)
        ],
    }
