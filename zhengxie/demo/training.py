"""The demo's study and training (学习培训), made through the module's real services by demo-staff:

- the year's study and training plan, published, with a theory study session, a members' training class, a staff
  training class (not yet arranged) and a seminar;
- the training class (6 hours, three courses) held about three weeks ago for demo-member's sector: demo-member
  attended in full, another member of the sector left at midday (3 hours recorded), one was absent; the duty
  archives show the hours;
- the seminar for the same sector, collecting papers: demo-member's selected (in the duty archive), one accepted,
  one not accepted, one waiting for review (on the secretariat's to-do list).
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhengxie.duty.activities import activity_act
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Member
from zhengxie.training import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COURSES = [
    ("习近平新时代中国特色社会主义思想概论", "省委党校 刘教授", "2"),
    ("人民政协理论与政协委员履职", "市政协研究室 陈主任", "2"),
    ("提案与社情民意信息撰写实务", "区政协提案委 王主任", "2"),
]
PAPERS = [
    ("新时代人民政协协商民主的基层实践", "结合本区“协商在基层”的做法，分析协商议题的形成、协商成果的转化。", "select"),
    ("发挥界别优势 助力营商环境优化", "从界别协商的角度，讨论委员联系企业、反映诉求的机制。", "accept"),
    ("关于政协委员履职能力建设的几点思考", "围绕学习培训、调查研究和建言献策，提出提升履职能力的建议。", "reject"),
    ("数字化赋能政协履职的路径探索", "介绍网络议政、移动履职平台在本区的应用。", None),
]


def _user(username):
    return get_user_model().objects.get(username=username)


def build_demo_training() -> dict:
    staff = _user("demo-staff")
    member_user = _user("demo-member")
    member = Member.objects.get(user=member_user)
    now = timezone.localtime()
    held_day = (now - datetime.timedelta(days=21)).date()
    year = held_day.year

    def in_year(day: datetime.date) -> datetime.date:
        return day if day.year == year else held_day

    services.requirement_set(actor=staff, year=year, hours="12")
    plan = services.plan_create(
        actor=staff,
        year=year,
        title=f"{year}年度政协委员学习培训计划",
        description="坚持学习培训制度化，全年安排理论学习、委员培训班、机关干部培训和理论研讨。",
    )
    sector = member.sector

    def item(kind, title, day, group, hours, **extra):
        return services.plan_item_add(
            actor=staff,
            plan_id=plan.pk,
            data={
                "kind": kind,
                "title": title,
                "starts_on": day.isoformat(),
                "ends_on": day.isoformat(),
                "target_group": group,
                "planned_hours": hours,
                **extra,
            },
        )

    item(
        "theory_study",
        "常委会专题学习（党的创新理论）",
        in_year(held_day - datetime.timedelta(days=30)),
        "members",
        "3",
    )
    training = item(
        "member_class", f"{sector.name}界别委员履职能力培训班", held_day, "sector", "6", sector_id=sector.pk
    )
    item("staff_class", "机关干部业务培训", in_year(held_day + datetime.timedelta(days=10)), "staff", "8")
    seminar_day = in_year(held_day + datetime.timedelta(days=14))
    seminar_item = item("seminar", "人民政协协商民主理论研讨会", seminar_day, "sector", "3", sector_id=sector.pk)
    services.plan_act(plan_id=plan.pk, action="publish", actor=staff)

    # The training class, held: published a week before, marked, closed the same afternoon.
    services.item_activity_create(actor=staff, item_id=training.pk, place="区委党校报告厅")
    training.refresh_from_db()
    tc = training.training_class
    for title, teacher, hours in COURSES:
        services.course_add(actor=staff, class_id=tc.pk, title=title, teacher=teacher, hours=hours)
    start = timezone.make_aware(datetime.datetime.combine(held_day, datetime.time(9)))
    activity_act(activity_id=tc.activity_id, action="publish", actor=staff, now=start - datetime.timedelta(days=7))
    invited = list(
        Member.objects.filter(sector=sector, status=MemberStatus.SERVING).exclude(pk=member.pk).order_by("pk")
    )
    partial, absent = (invited[0], invited[1:2]) if invited else (None, [])
    present = [member] + [m for m in invited if m not in absent]
    activity_act(
        activity_id=tc.activity_id,
        action="mark_attendance",
        actor=staff,
        payload={"entries": [{"member_id": m.pk, "status": "present"} for m in present]},
        now=start,
    )
    if partial is not None:
        services.attendee_hours_set(actor=staff, class_id=tc.pk, member_id=partial.pk, hours="3", note="下午请假")
    activity_act(activity_id=tc.activity_id, action="close", actor=staff, now=start + datetime.timedelta(hours=8))

    # The seminar: published, collecting papers from the sector.
    services.item_activity_create(
        actor=staff, item_id=seminar_item.pk, place="区政协三楼会议室", start_time=datetime.time(14)
    )
    seminar_item.refresh_from_db()
    seminar = seminar_item.seminar
    activity_act(activity_id=seminar.activity_id, action="publish", actor=staff)
    authors = [member] + [m for m in invited if m.user_id][: len(PAPERS) - 1]
    counts = {"papers": 0, "selected": 0}
    for author, (title, abstract, outcome) in zip(authors, PAPERS, strict=False):
        paper = services.paper_submit(
            actor=author.user, seminar_id=seminar.pk, title=title, abstract=abstract, name=f"{title}.pdf", data=PDF
        )
        counts["papers"] += 1
        if outcome is None:
            continue
        decision = "reject" if outcome == "reject" else "accept"
        comment = "观点鲜明，论证充分。" if decision == "accept" else "与研讨主题关联不够紧密。"
        services.paper_act(
            paper_id=paper.pk, action="review", actor=staff, payload={"decision": decision, "comment": comment}
        )
        if outcome == "select":
            services.paper_act(paper_id=paper.pk, action="select", actor=staff)
            counts["selected"] += 1
    return {"plans": 1, "items": plan.items.count(), "courses": len(COURSES), "attended": len(present), **counts}
