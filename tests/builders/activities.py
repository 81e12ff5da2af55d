"""Activities made through the real services (``activity_create``, ``activity_act``) by the secretariat, and a
year of duty work built from them.

``draft_activity`` → ``published_activity`` → ``running_activity`` (started five minutes ago: check-in open);
``held_activity`` makes one that took place, with attendance marked and corrected; ``duty_year`` a year of a
member's work.
"""

import datetime

from django.utils import timezone

from zhengxie.duty.activities import activity_act, activity_create
from zhengxie.duty.models import Activity

from .proposals import act, draft

SH = datetime.timezone(datetime.timedelta(hours=8))
YEAR = timezone.localdate().year  # proposals are registered "today", so ``duty_year`` builds this year


def draft_activity(org, *, start: datetime.datetime | None = None, hours: int = 2, sector=None, **fields) -> Activity:
    """A draft activity in 区政协三楼会议室 for ``sector``'s members (default org.sector), starting at ``start``
    (default in three days) and lasting ``hours``; ``fields``: any other input of ``activity_create``."""
    start = start or timezone.now() + datetime.timedelta(days=3)
    data = {
        "title": "经济界别调研活动",
        "kind": "sector_activity",
        "start": start.isoformat(),
        "end": (start + datetime.timedelta(hours=hours)).isoformat(),
        "place": "区政协三楼会议室",
        "invitees": {"sector_ids": [(sector or org.sector).pk]},
        **fields,
    }
    return activity_create(actor=org.users["staff"], data=data)


def published_activity(org, **kw) -> Activity:
    """``draft_activity``, published now: its invitations are out."""
    a = draft_activity(org, **kw)
    activity_act(activity_id=a.pk, action="publish", actor=org.users["staff"])
    a.refresh_from_db()
    return a


def running_activity(org, **kw) -> Activity:
    """Published, started five minutes ago, ending in two hours: check-in open, closing allowed."""
    return published_activity(org, start=timezone.now() - datetime.timedelta(minutes=5), **kw)


def day_of_year(month: int, day: int, hour: int = 9) -> datetime.datetime:
    """A time of ``YEAR`` in Asia/Shanghai."""
    return datetime.datetime(YEAR, month, day, hour, 0, tzinfo=SH)


def held_activity(org, *, title, kind, start, invitees, half_days=1, present=(), correct=None) -> Activity:
    """An activity of three hours that took place: published five days before, ``present`` members marked present
    at the start, closed an hour after its end; ``correct``: member -> status, corrected the next day."""
    staff = org.users["staff"]
    data = {
        "title": title,
        "kind": kind,
        "start": start.isoformat(),
        "end": (start + datetime.timedelta(hours=3)).isoformat(),
        "place": "区政协三楼会议室",
        "invitees": invitees,
        "half_days": half_days,
    }
    a = activity_create(actor=staff, data=data)
    activity_act(activity_id=a.pk, action="publish", actor=staff, now=start - datetime.timedelta(days=5))
    if present:
        entries = [{"member_id": m.pk, "status": "present"} for m in present]
        activity_act(activity_id=a.pk, action="mark_attendance", actor=staff, payload={"entries": entries}, now=start)
    activity_act(activity_id=a.pk, action="close", actor=staff, now=start + datetime.timedelta(hours=4))
    for member, status in (correct or {}).items():
        activity_act(
            activity_id=a.pk,
            action="mark_attendance",
            actor=staff,
            payload={"entries": [{"member_id": member.pk, "status": status}]},
            now=start + datetime.timedelta(days=1),
        )
    return a


def duty_year(org, third, category) -> dict:
    """Member (张委员): plenary A 2 half days (10) + plenary B (5) + research (3) + speech (5) + joint proposal as
    lead (10) = 33 → 93 优秀. Third (王委员): 10 + 5 + research, absent corrected to present (3) + co-signer (3) = 21
    → 81 良好. Member2 (李委员): two unexcused plenary absences (-20) → 40 不称职, with the plenary alert."""
    member = org.member  # member2 is invited to the plenaries and checks in to none
    plenary_a = held_activity(
        org,
        title="区政协全体会议（上午）",
        kind="plenary",
        start=day_of_year(1, 8),
        invitees={"all": True},
        half_days=2,
        present=[member, third],
    )
    held_activity(
        org,
        title="区政协全体会议（下午）",
        kind="plenary",
        start=day_of_year(1, 9),
        invitees={"all": True},
        present=[member, third],
    )
    research = held_activity(
        org,
        title="经济界别调研",
        kind="research",
        start=day_of_year(3, 10),
        invitees={"sector_ids": [org.sector.pk]},
        present=[member],
        correct={third: "present"},
    )
    activity_act(
        activity_id=plenary_a.pk,
        action="record_speech",
        actor=org.users["staff"],
        payload={"member_id": member.pk, "title": "关于加快充电桩建设的发言"},
        now=day_of_year(1, 10),
    )
    p = draft(org, category, cosigners=[third], suggested_unit_ids=[org.unit.pk])
    act(p, "submit", org.users["member"])
    act(p, "cosign", third.user)
    act(p, "register", org.users["office"])
    return {"plenary": plenary_a, "research": research, "proposal": p}
