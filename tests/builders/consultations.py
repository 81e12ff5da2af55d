"""Consultation plans and consultations made through the real services (``zhengxie.consultations.services``), by
the secretariat of the ``org`` fixture.

``draft_plan`` → ``published_plan`` (through its four recorded steps); ``consultation_at`` brings a consultation of
a plan item (or a key research topic) to a stage; ``meeting_at`` schedules its meeting (a duty activity)."""

import datetime

from zhengxie.consultations.services import consultation_act, consultation_create, plan_act, plan_create

STEPS = [
    ("revise", "区委办公室、区政府办公室", ""),
    ("review", "区政协主席会议", ""),
    ("decide", "区委常委会", "新办字〔2026〕12号"),
    ("publish", "区政协办公室", "新政协字〔2026〕3号"),
]

ITEMS = [
    {"form": "topical", "topic": "南矶湿地观鸟经济发展", "planned_month": 5, "counterpart": "区文广新旅局"},
    {"form": "forum", "topic": "数字燃气安全", "planned_month": 6, "counterpart": "区住建局"},
]


def draft_plan(org, *, year: int = 2026, items=ITEMS):
    staff = org.users["staff"]
    plan = plan_create(actor=staff, year=year)
    for item in items:
        plan_act(plan_id=plan.pk, action="add_item", actor=staff, payload=item)
    return plan


def take_steps(org, plan, *, until: str = "publish", day: datetime.date = datetime.date(2026, 2, 10)):
    staff = org.users["staff"]
    for n, (action, body, number) in enumerate(STEPS):
        date = day + datetime.timedelta(days=7 * n)
        payload = {"date": date.isoformat(), "body": body, "document_number": number}
        plan_act(plan_id=plan.pk, action=action, actor=staff, payload=payload)
        if action == until:
            break
    plan.refresh_from_db()
    return plan


def published_plan(org, **kw):
    return take_steps(org, draft_plan(org, **kw))


def consultation_of(org, item, **kw):
    return consultation_create(actor=org.users["staff"], plan_item_id=item.pk, **kw)


def key_research(org, title="总部经济发展研究", year=2026):
    return consultation_create(actor=org.users["staff"], title=title, kind="key_research", form="topical", year=year)


def act(org, consultation, action, **payload):
    consultation_act(consultation_id=consultation.pk, action=action, actor=org.users["staff"], payload=payload)
    consultation.refresh_from_db()
    return consultation


def in_research(org, consultation):
    act(org, consultation, "confirm_topic", background="背景")
    act(org, consultation, "start_research")
    act(org, consultation, "add_group_member", member_id=org.member.pk, is_head=True)
    return consultation


def with_meeting(org, consultation, *, start: datetime.datetime, send_notice=True, invitees="group"):
    end = start + datetime.timedelta(hours=3)
    return act(
        org,
        consultation,
        "schedule_meeting",
        title=f"{consultation.title}协商会",
        start=start.isoformat(),
        end=end.isoformat(),
        place="区政协三楼会议室",
        invitees=invitees,
        send_notice=send_notice,
    )


def in_outcome(org, consultation, *, start: datetime.datetime):
    in_research(org, consultation)
    with_meeting(org, consultation, start=start)
    act(org, consultation, "record_meeting", briefing="通报", questions="提问", answers="答复", speeches="发言")
    return act(org, consultation, "finish_meeting")


def outcome(org, consultation, *, recommendations, kind="consultation_report", title="协商专报"):
    return act(
        org, consultation, "create_outcome", kind=kind, title=title, body="正文", recommendations=recommendations
    )
