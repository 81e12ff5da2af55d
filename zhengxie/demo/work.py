"""Demo work for the demo district: proposals in every stage and a few activities, made through the real services
so that each demo account finds something to do (the to-do lists, the review queue, the unit board)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhengxie.duty.activities import activity_act, activity_create
from zhengxie.people.models import HandlingUnit, Member
from zhengxie.proposals.actions import assignment_act, proposal_act
from zhengxie.proposals.models import Category
from zhengxie.proposals.services import proposal_create_draft

from .tables import CATEGORIES, TOPICS


def _user(username):
    return get_user_model().objects.get(username=username)


def _draft(author, topic, category, **extra):
    title, analysis, suggestions = topic
    return proposal_create_draft(
        author=author,
        data={"title": title, "analysis": analysis, "suggestions": suggestions, "category_id": category.pk, **extra},
    )


def build_demo_work() -> dict:
    """Idempotent per database only in the sense that the caller runs it once, right after the organisation."""
    cats = [Category.objects.get_or_create(name=n, defaults={"sort_order": i})[0] for i, n in enumerate(CATEGORIES)]
    member, member2 = _user("demo-member"), _user("demo-member2")
    office, staff = _user("demo-office"), _user("demo-staff")
    unit_user, unit2_user = _user("demo-unit"), _user("demo-unit2")
    housing = HandlingUnit.objects.get(staff__user=unit_user)
    education = HandlingUnit.objects.get(staff__user=unit2_user)
    others = list(
        Member.objects.filter(user__isnull=False, status="serving")
        .exclude(user__in=[member, member2])
        .order_by("id")[:6]
    )
    made = []

    def submit(author, topic, cat, cosigners=()):
        p = _draft(author, topic, cat, cosigner_ids=[m.pk for m in cosigners])
        proposal_act(proposal_id=p.pk, action="submit", actor=author)
        for m in cosigners:
            proposal_act(proposal_id=p.pk, action="cosign", actor=m.user)
        made.append(p)
        return p

    def assign_single(p, unit):
        proposal_act(proposal_id=p.pk, action="register", actor=office)
        proposal_act(
            proposal_id=p.pk,
            action="assign",
            actor=office,
            payload={"mode": "single", "units": [{"unit_id": unit.pk, "role": "single"}]},
        )
        return p.assignments.get()

    # A draft of demo-member's own, and an invitation for demo-member2 to co-sign.
    made.append(_draft(member, TOPICS[0], cats[0]))
    invited = _draft(member, TOPICS[1], cats[0], cosigner_ids=[member2.member.pk])
    proposal_act(proposal_id=invited.pk, action="submit", actor=member)
    made.append(invited)
    # Three waiting for the office's review.
    for i in range(3):
        submit(others[i].user, TOPICS[2 + i], cats[i % len(cats)])
    # Registered, waiting to be assigned.
    registered = submit(others[3].user, TOPICS[5], cats[3])
    proposal_act(proposal_id=registered.pk, action="register", actor=office)
    # Assigned to the housing bureau: one to accept, one with a draft reply for the unit leader to sign.
    assign_single(submit(others[4].user, TOPICS[6], cats[3]), housing)
    drafting = assign_single(submit(member2, TOPICS[7], cats[0]), housing)
    assignment_act(assignment_id=drafting.pk, action="accept_assignment", actor=unit_user)
    assignment_act(
        assignment_id=drafting.pk,
        action="draft_reply",
        actor=unit_user,
        payload={
            "text": "经研究，我局已将相关工作纳入年度计划，正在推进。",
            "grade": "B",
            "contact_phone": "0791-83761234",
        },
    )
    # Replied and approved: demo-member is asked to rate the reply.
    rated = assign_single(submit(member, TOPICS[8], cats[0], cosigners=[others[5]]), education)
    assignment_act(assignment_id=rated.pk, action="accept_assignment", actor=unit2_user)
    edu_leader = get_user_model().objects.filter(unit_posts__unit=education, unit_posts__is_leader=True).first()
    assignment_act(
        assignment_id=rated.pk,
        action="draft_reply",
        actor=unit2_user,
        payload={"text": "物流园道路工程已开工，预计明年建成。", "grade": "A", "contact_phone": "0791-83765678"},
    )
    assignment_act(assignment_id=rated.pk, action="sign_reply", actor=edu_leader)
    assignment_act(assignment_id=rated.pk, action="approve_reply", actor=office)

    # Activities: a sector activity next week for demo-member's sector, and the plenary in January.
    now = timezone.localtime()
    start = (now + datetime.timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    sector = member.member.sector
    a = activity_create(
        actor=staff,
        data={
            "title": f"{sector.name}界别专题调研",
            "kind": "research",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=3)).isoformat(),
            "place": "区政协三楼会议室",
            "description": "围绕总部经济发展开展专题调研。",
            "invitees": {"sector_ids": [sector.pk]},
        },
    )
    activity_act(activity_id=a.pk, action="publish", actor=staff)
    plenary_start = now.replace(year=now.year + 1, month=1, day=8, hour=9, minute=0, second=0, microsecond=0)
    p = activity_create(
        actor=staff,
        data={
            "title": "政协第十八届第一次会议",
            "kind": "plenary",
            "start": plenary_start.isoformat(),
            "end": (plenary_start + datetime.timedelta(days=2, hours=8)).isoformat(),
            "place": "区会议中心",
            "invitees": {"all": True},
            "half_days": 4,
        },
    )
    activity_act(activity_id=p.pk, action="publish", actor=staff)
    # For the secretariat's to-do list: demo-member2 asks leave of the plenary, and a standing committee meeting is
    # drafted, not yet published.
    activity_act(activity_id=p.pk, action="request_leave", actor=member2, payload={"reason": "外出参加培训"})
    meeting = (now + datetime.timedelta(days=14)).replace(hour=15, minute=0, second=0, microsecond=0)
    activity_create(
        actor=staff,
        data={
            "title": "政协常委会议",
            "kind": "standing_committee",
            "start": meeting.isoformat(),
            "end": (meeting + datetime.timedelta(hours=2)).isoformat(),
            "place": "区政协五楼会议室",
            "invitees": {"standing_committee": True},
        },
    )
    # For the leaders' to-do list: the proposal waiting to be assigned is proposed as a key proposal, with demo-leader
    # to supervise it.
    proposal_act(
        proposal_id=registered.pk,
        action="propose_key",
        actor=office,
        payload={"supervising_leader_id": _user("demo-leader").pk},
    )
    return {"proposals": len(made), "activities": 3}
