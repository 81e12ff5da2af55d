"""The ledger: the one internal call through which every module writes a member's duty (``duty_record_event``),
reversals, and staff-entered "other" records. Each write recomputes that member's year (points.py)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.access import has_perm
from zhengxie.core.exceptions import InvalidInput, NotAllowed
from zhengxie.people.choices import MemberStatus

from .choices import DutyKind
from .models import Activity, ActivityState, AttendanceStatus, DutyRecord, Invitation
from .points import ensure_year_on_commit, recompute_members, sector_changed_on_commit

# The ledger's sources in other apps (proposals, later opinions and training): each app says which of its rows a
# reader may open and where, registered in its AppConfig.ready, so that the ledger's pages link to them without
# duty depending on those apps.
SourceLinks = Callable[[object, set[int]], dict[int, str]]
_SOURCE_LINKS: dict[str, SourceLinks] = {}


def source_links_add(source_type: str, links: SourceLinks) -> None:
    """``links(user, ids)`` answers, for the rows of ``source_type`` (``app_label.model_name``) among ``ids`` that
    ``user`` may open, the address of each."""
    _SOURCE_LINKS[source_type] = links


def source_links(source_type: str, user, ids: set[int]) -> dict[int, str]:
    links = _SOURCE_LINKS.get(source_type)
    return links(user, ids) if links is not None else {}


def _source_type(source) -> str:
    return f"{source._meta.app_label}.{source._meta.model_name}"


def _live(qs):
    """Rows still in force: not a reversal and not reversed."""
    return qs.filter(sign=1, reversed_by__isnull=True)


@transaction.atomic
def duty_record_event(
    *,
    member,
    kind: str,
    occurred_on: datetime.date,
    source,
    source_label: str = "",
    quantity: Decimal | int = 1,
    share_count: int = 1,
    actor=None,
    note: str = "",
    recompute: bool = True,
) -> DutyRecord | None:
    """Append a ledger row for ``member``. Idempotent per (member, kind, source): an event already recorded and in
    force is not recorded twice, so a retried job or a re-run cannot double a member's points."""
    existing = _live(
        DutyRecord.objects.filter(member=member, kind=kind, source_type=_source_type(source), source_id=source.pk)
    )
    if existing.exists():
        return None
    row = DutyRecord.objects.create(
        member=member,
        kind=kind,
        year=occurred_on.year,
        occurred_on=occurred_on,
        source_type=_source_type(source),
        source_id=source.pk,
        source_label=(source_label or str(source))[:255],
        quantity=Decimal(quantity),
        share_count=share_count,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:255],
    )
    if recompute:
        recompute_members(year=row.year, member_ids=[member.pk])
    return row


@transaction.atomic
def duty_reverse(*, record: DutyRecord, actor=None, note: str = "", recompute: bool = True) -> DutyRecord:
    """Cancel one ledger row with a reversing row (the original stays, as the ledger is append-only)."""
    record = DutyRecord.objects.select_for_update().get(pk=record.pk)
    if record.sign != 1 or DutyRecord.objects.filter(reverses=record).exists():
        raise InvalidInput(_("该记录已被冲销或本身是冲销记录。"))
    reversal = DutyRecord.objects.create(
        member_id=record.member_id,
        kind=record.kind,
        year=record.year,
        occurred_on=record.occurred_on,
        source_type=record.source_type,
        source_id=record.source_id,
        source_label=record.source_label,
        quantity=record.quantity,
        sign=-1,
        share_count=record.share_count,
        reverses=record,
        note=note[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if recompute:
        recompute_members(year=record.year, member_ids=[record.member_id])
    return reversal


@transaction.atomic
def duty_reverse_events(*, source, kind: str | None = None, member=None, actor=None, note: str = "") -> int:
    live = _live(DutyRecord.objects.filter(source_type=_source_type(source), source_id=source.pk))
    if kind:
        live = live.filter(kind=kind)
    if member is not None:
        live = live.filter(member=member)
    rows = list(live)
    for row in rows:
        duty_reverse(record=row, actor=actor, note=note, recompute=False)
    for year in {r.year for r in rows}:
        recompute_members(year=year, member_ids=[r.member_id for r in rows if r.year == year])
    return len(rows)


@transaction.atomic
def duty_add_other(
    *, actor, member, occurred_on: datetime.date, description: str, reason: str, quantity: Decimal | int = 1
) -> DutyRecord:
    """Staff enter an "other" duty by hand, with a reason (the only hand-typed kind)."""
    if not has_perm(actor, "duty.add_other"):
        raise NotAllowed(_("只有机关工作人员可以录入其他履职。"))
    if not description.strip() or not reason.strip():
        raise InvalidInput(_("请填写履职内容和录入理由。"), {"description": _("必填"), "reason": _("必填")})
    row = DutyRecord.objects.create(
        member=member,
        kind=DutyKind.OTHER,
        year=occurred_on.year,
        occurred_on=occurred_on,
        source_type="duty.manual",
        source_id=0,
        source_label=description[:255],
        quantity=Decimal(quantity),
        note=reason[:255],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="duty.add_other",
        obj=member,
        changes={"record": [None, {"id": row.pk, "description": description, "reason": reason}]},
    )
    recompute_members(year=row.year, member_ids=[member.pk])
    return row


def member_changed(member, *, created: bool, changed: frozenset[str]) -> None:
    """The people services tell of every change of a member (registered in ``DutyConfig.ready``): a member serving
    from now on gets this year's row of the archive (committee table, ranks) once the change commits, rather than on
    the next reader's request (``points.ensure_year``); one moved to another sector is ranked in the new one."""
    if member.status == MemberStatus.SERVING and (created or "status" in changed):
        ensure_year_on_commit()
    if "sector" in changed:
        sector_changed_on_commit(member)


# Activities held for other apps (a supervision topic's inspections and research visits, a consultation's meetings):
# those apps keep the activity's id and read it here, never duty's tables.


@dataclass(frozen=True)
class ActivitySummary:
    """An activity as another app's page lists it: what it is, when and where, its state in words, its page."""

    id: int
    title: str
    kind: str
    kind_name: str
    start: datetime.datetime
    end: datetime.datetime
    place: str
    state: str
    state_label: str
    url: str

    @property
    def held(self) -> bool:
        """It took place (closed with its attendance), as opposed to planned or cancelled."""
        return self.state == ActivityState.CLOSED


def activity_summaries(*, ids: Iterable[int]) -> dict[int, ActivitySummary]:
    """The activities among ``ids`` that exist, by id (one query)."""
    wanted = {int(i) for i in ids if 0 < int(i) < 2**63}
    rows = Activity.objects.filter(pk__in=wanted).select_related("kind") if wanted else []
    return {
        a.pk: ActivitySummary(
            id=a.pk,
            title=a.title,
            kind=a.kind.code,
            kind_name=a.kind.name,
            start=a.start,
            end=a.end,
            place=a.place,
            state=a.state,
            state_label=str(a.get_state_display()),
            url=f"/activities/{a.pk}/",
        )
        for a in rows
    }


def activity_choices(*, kinds: Iterable[str] = (), limit: int = 200) -> list[tuple[int, str]]:
    """Activities another app may link to (not cancelled), newest first, as (id, "date title") pairs for a list."""
    qs = Activity.objects.exclude(state=ActivityState.CANCELLED).select_related("kind").order_by("-start", "-id")
    if kinds:
        qs = qs.filter(kind__code__in=list(kinds))
    return [(a.pk, f"{timezone.localtime(a.start):%Y-%m-%d} {a.title}") for a in qs[:limit]]


# Activities for other modules (consultations' meetings and research visits) -------------------------------------
# duty.activities sits above this module (it writes the ledger through it), so it hands over its create and act
# functions when it is imported (``activity_operations_install``) instead of this module importing it.
_ACTIVITY_OPERATIONS: dict[str, Callable] = {}


def activity_operations_install(**operations: Callable) -> None:
    _ACTIVITY_OPERATIONS.update(operations)


def activity_create_for(
    *,
    actor,
    title: str,
    kind: str,
    start: datetime.datetime,
    end: datetime.datetime,
    place: str,
    invitees: dict,
    description: str = "",
    publish: bool = False,
    now=None,
) -> int:
    """An activity made for another module's work (as ``activities.activity_create``: the secretariat's, audited),
    published at once when ``publish`` (the invitees are notified; ``now``: the time of the notice, for a record
    entered afterwards); returns its id."""
    data = {
        "title": title,
        "kind": kind,
        "start": start,
        "end": end,
        "place": place,
        "description": description,
        "invitees": invitees,
    }
    activity = _ACTIVITY_OPERATIONS["create"](actor=actor, data=data)
    if publish:
        _ACTIVITY_OPERATIONS["act"](activity_id=activity.pk, action="publish", actor=actor, now=now)
    return activity.pk


def activity_publish_for(*, actor, activity_id: int, now=None) -> None:
    """Publish a draft activity made with ``activity_create_for``: the notice goes to its invitees."""
    _ACTIVITY_OPERATIONS["act"](activity_id=activity_id, action="publish", actor=actor, now=now)


@dataclass(frozen=True)
class ActivityNotice:
    """When an activity's notice went out (published) and how many were invited and have checked in."""

    id: int
    published_at: datetime.datetime | None
    invited: int
    checked_in: int


def activity_notices(*, ids: Iterable[int]) -> dict[int, ActivityNotice]:
    """The notices of the activities among ``ids`` that exist, by id (one query)."""
    wanted = {int(i) for i in ids if i and 0 < int(i) < 2**63}
    if not wanted:
        return {}
    rows = Activity.objects.filter(pk__in=wanted).annotate(
        n_invited=Count("invitations"),
        n_checked_in=Count("invitations", filter=Q(invitations__checked_in_at__isnull=False)),
    )
    return {
        a.pk: ActivityNotice(id=a.pk, published_at=a.published_at, invited=a.n_invited, checked_in=a.n_checked_in)
        for a in rows.only("id", "published_at")
    }


# Training classes and seminars (the training app) ---------------------------------------------------------------
# The study hours of a training activity's attendee are written by duty (one row per invitation, at closing or on a
# correction of the attendance); the training app says how many when an attendee got fewer than the class's hours
# (late, left early, some courses only), and adds its study hours to the archive page.

TrainingHours = Callable[[int, int], Decimal | None]
_TRAINING_HOURS: dict[str, TrainingHours] = {}
ArchiveSection = Callable[..., dict | None]
_ARCHIVE_SECTIONS: list[ArchiveSection] = []


def training_hours_provider_add(kind: str, provider: TrainingHours) -> None:
    """``provider(activity_id, member_id)`` answers the hours an attendee present at an activity of ``kind`` gets,
    or ``None`` for the activity's own ``training_hours``."""
    _TRAINING_HOURS[kind] = provider


def training_hours_of(activity, member_id: int) -> Decimal:
    """The study hours ``member_id`` gets for being present at ``activity``."""
    provider = _TRAINING_HOURS.get(activity.kind.code)
    hours = provider(activity.pk, member_id) if provider is not None else None
    return Decimal(activity.training_hours or 0) if hours is None else Decimal(hours)


@transaction.atomic
def training_hours_rerecord(*, activity_id: int, member_id: int, actor=None, note: str = "") -> bool:
    """After the hours of one attendee of a closed activity changed: the live study-hours row is reversed and the
    new hours recorded (nothing when they are zero). Nothing happens before closing (closing writes them), for an
    attendee not present, or when the hours are those already recorded. Returns whether the ledger changed."""
    inv = (
        Invitation.objects.select_related("activity__kind", "member")
        .filter(activity_id=activity_id, member_id=member_id)
        .first()
    )
    if inv is None or inv.activity.state != ActivityState.CLOSED:
        return False
    if inv.status not in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        return False
    activity = inv.activity
    hours = training_hours_of(activity, member_id)
    # Only the ledger's rows are locked: PostgreSQL refuses to lock the outer join that finds them not reversed.
    rows = DutyRecord.objects.select_for_update(of=("self",)).filter(
        member_id=member_id, kind=DutyKind.TRAINING_HOURS, source_type="duty.invitation", source_id=inv.pk
    )
    live = _live(rows).first()
    if (live.quantity if live is not None else Decimal(0)) == hours:
        return False
    if live is not None:
        duty_reverse(record=live, actor=actor, note=note, recompute=False)
    on = timezone.localdate(activity.start)
    if hours > 0:
        duty_record_event(
            member=inv.member,
            kind=DutyKind.TRAINING_HOURS,
            occurred_on=on,
            source=inv,
            source_label=activity.title,
            quantity=hours,
            actor=actor,
            note=note,
            recompute=False,
        )
    recompute_members(year=on.year, member_ids=[member_id])
    return True


def study_hours(*, year: int, member_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Each member's study hours in ``year`` (the ledger's live study-hours rows), by member id; members without
    any are absent."""
    qs = DutyRecord.objects.filter(year=year, kind=DutyKind.TRAINING_HOURS)
    if member_ids is not None:
        qs = qs.filter(member_id__in=list(member_ids))
    total = Sum(F("quantity") * F("sign"), output_field=DecimalField(max_digits=9, decimal_places=2))
    return {r["member_id"]: r["hours"] for r in qs.values("member_id").annotate(hours=total) if r["hours"]}


def activity_attendance(*, activity_id: int) -> list[dict]:
    """The invitees of an activity with their attendance: ``member_id``, ``name``, ``sector``, ``status`` (code,
    empty before closing), ``status_label`` and ``checked_in``."""
    rows = (
        Invitation.objects.filter(activity_id=activity_id)
        .select_related("member__sector")
        .order_by("member__sector__sort_order", "member__name", "member_id")
    )
    return [
        {
            "member_id": i.member_id,
            "name": i.member.name,
            "sector": i.member.sector.name,
            "status": i.status,
            "status_label": str(i.get_status_display()) if i.status else "",
            "checked_in": i.checked_in_at is not None,
        }
        for i in rows
    ]


def activity_invited(*, activity_id: int, user) -> bool:
    """Whether ``user`` is a member invited to the activity."""
    return bool(
        user
        and user.is_authenticated
        and Invitation.objects.filter(activity_id=activity_id, member__user=user).exists()
    )


def archive_section_add(section: ArchiveSection) -> None:
    """``section(member=, year=, user=)`` answers a part another app adds to a member's annual archive page, or
    ``None``: ``{"key", "title", "rows": [{"label", "value"}], "met": bool | None, "url", "url_label"}`` and,
    for the API, ``"figures"``: the part's figures as text by name. The archive page, the annual report (.docx,
    PDF) and ``GET /api/v1/members/{id}/duty`` all show them."""
    _ARCHIVE_SECTIONS.append(section)


def archive_sections(*, member, year: int, user) -> list[dict]:
    return [part for section in _ARCHIVE_SECTIONS if (part := section(member=member, year=year, user=user))]


# What other apps find short in a member's archive (the study hours) joins duty's own "minimum duties not met" as one
# to-do item: both lead to the same archive page, so the home page shows one item naming each reason.
ArchiveTodo = Callable[[object, datetime.date], list]
_ARCHIVE_TODOS: list[ArchiveTodo] = []


def archive_todo_add(provider: ArchiveTodo) -> None:
    """``provider(user, today)`` answers the to-do items (``core.todo.TodoItem``) another app has for a member's own
    archive of ``today``'s year (none, or one); duty merges them with its own into one item."""
    _ARCHIVE_TODOS.append(provider)


def archive_todos(user, today: datetime.date) -> list:
    return [item for provider in _ARCHIVE_TODOS for item in provider(user, today)]


def activity_attendance_counts(*, ids: Iterable[int]) -> dict[int, dict]:
    """For each closed activity among ``ids``: ``expected`` (invitees given a status), ``present`` (present or
    late) and ``on_leave`` — one query."""
    wanted = {int(i) for i in ids if i and 0 < int(i) < 2**63}
    if not wanted:
        return {}
    rows = (
        Invitation.objects.filter(activity_id__in=wanted, activity__state=ActivityState.CLOSED)
        .exclude(status="")
        .values("activity_id")
        .annotate(
            expected=Count("pk"),
            present=Count("pk", filter=Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])),
            on_leave=Count("pk", filter=Q(status=AttendanceStatus.ON_LEAVE)),
        )
    )
    return {r["activity_id"]: {k: r[k] for k in ("expected", "present", "on_leave")} for r in rows}
