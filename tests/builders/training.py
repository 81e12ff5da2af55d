"""Study and training objects made through the real services: a plan with items, a training class (an activity of
kind training, published, with its hours), a seminar with papers."""

import datetime

from django.utils import timezone

from zhengxie.duty.activities import activity_act, activity_create
from zhengxie.training import services

SH = datetime.timezone(datetime.timedelta(hours=8))
START = datetime.datetime(2026, 4, 14, 9, 0, tzinfo=SH)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def plan(org, *, year: int = 2026, publish: bool = False):
    staff = org.users["staff"]
    p = services.plan_create(actor=staff, year=year, title=f"{year}年度学习培训计划")
    services.plan_item_add(
        actor=staff,
        plan_id=p.pk,
        data={
            "kind": "member_class",
            "title": "委员履职能力培训班",
            "starts_on": f"{year}-04-14",
            "ends_on": f"{year}-04-14",
            "target_group": "members",
            "planned_hours": "6",
        },
    )
    services.plan_item_add(
        actor=staff,
        plan_id=p.pk,
        data={
            "kind": "seminar",
            "title": "理论研讨会",
            "starts_on": f"{year}-06-20",
            "ends_on": f"{year}-06-20",
            "target_group": "sector",
            "sector_id": org.sector.pk,
            "planned_hours": "3",
        },
    )
    if publish:
        services.plan_act(plan_id=p.pk, action="publish", actor=staff)
    p.refresh_from_db()
    return p


def published(org, *, kind: str, title: str, start=START, hours: int = 6, member_ids=None):
    """A published activity of ``kind`` for ``member_ids`` (default: member and member2)."""
    staff = org.users["staff"]
    a = activity_create(
        actor=staff,
        data={
            "title": title,
            "kind": kind,
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=hours)).isoformat(),
            "place": "区委党校报告厅",
            "invitees": {"member_ids": member_ids or [org.member.pk, org.member2.pk]},
        },
    )
    activity_act(activity_id=a.pk, action="publish", actor=staff, now=start - datetime.timedelta(days=5))
    return a


def training_class(org, *, hours="6", start=START, member_ids=None):
    """A published training activity with its class of ``hours``; returns (activity, class)."""
    a = published(org, kind="training", title="委员履职能力培训班", start=start, member_ids=member_ids)
    tc = services.class_set_hours(actor=org.users["staff"], activity_id=a.pk, hours=hours)
    return a, tc


def mark_present_and_close(org, activity, members, *, start=START):
    staff = org.users["staff"]
    entries = [{"member_id": m.pk, "status": "present"} for m in members]
    activity_act(
        activity_id=activity.pk, action="mark_attendance", actor=staff, payload={"entries": entries}, now=start
    )
    activity_act(activity_id=activity.pk, action="close", actor=staff, now=start + datetime.timedelta(hours=7))


def seminar(org, *, start=None, member_ids=None):
    """A published seminar activity collecting papers (starting in ten days, so it is open)."""
    start = start or timezone.now() + datetime.timedelta(days=10)
    a = published(org, kind="seminar", title="理论研讨会", start=start, hours=3, member_ids=member_ids)
    return services.seminar_create(actor=org.users["staff"], activity_id=a.pk, theme="人民政协协商民主理论研讨")


def paper(org, sem, *, user=None, title="论新时代政协协商民主"):
    return services.paper_submit(
        actor=user or org.users["member"],
        seminar_id=sem.pk,
        title=title,
        abstract="围绕协商民主的制度化建设展开论述。",
        name="论文.pdf",
        data=PDF,
    )
