"""The demo's democratic supervision (民主监督), made through the module's real services by demo-staff: this year's
plan, approved by the standing committee and published, with three topics at different phases —

- 制造业和服务业高质量发展 (视察监督, 区科工信局): closed with all five haves — a scheme, a group with demo-member, an
  inspection held and linked, findings with three recommendations sent to the bureau, and the bureau's answer to
  each (on the follow-up pages, with its progress);
- 西部物流园建设 (专项监督, 区发改委): in 调研评议 — a scheme, a group with demo-member and demo-member2, one research
  visit held and one inspection still to come (on their to-do lists); no findings yet, so it cannot move on;
- 区交通运输局整体工作 (民主评议): still organising, without a scheme (its checklist shows what is missing).
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhengxie.duty.activities import activity_act, activity_create
from zhengxie.followup.choices import Source
from zhengxie.followup.services import document_act, recommendation_act, recommendations_for_sources
from zhengxie.people.models import HandlingUnit, Member, UnitStaff
from zhengxie.supervision.services import plan_act, plan_create, topic_act

MANUFACTURING = "制造业和服务业高质量发展"
LOGISTICS = "西部物流园建设"
TRANSPORT = "区交通运输局整体工作"

MANUFACTURING_SCHEME = (
    "一、监督目的：推动区委区政府关于制造业和服务业高质量发展部署落实。\n"
    "二、监督内容：产业链招商、企业技术改造、生产性服务业发展、惠企政策兑现。\n"
    "三、方式与安排：4月组织发动，5—6月视察调研并召开座谈会，7月形成监督意见，年底前跟踪整改。"
)
MANUFACTURING_FINDINGS = [
    "围绕汽车及零部件、电子信息产业链开展精准招商，建立重点项目落地跟踪机制。",
    "加大企业技术改造和数字化转型支持力度，年内完成30家规上企业智能化诊断。",
    "梳理惠企政策兑现流程，推行“免申即享”，缩短资金拨付时间。",
]
MANUFACTURING_ANSWERS = [
    ("adopted", "已制定产业链招商图谱，重点项目实行“一项目一专班”跟踪，每月通报。"),
    ("adopted", "已出台技改专项资金管理办法，委托第三方开展智能化诊断，年底前完成。"),
    ("partly_adopted", "已上线惠企政策兑现平台；“免申即享”需市级系统对接，先在部分政策试行。"),
]
LOGISTICS_SCHEME = (
    "一、监督目的：推动西部物流园规划建设和招商运营。\n"
    "二、监督内容：园区规划、多式联运设施、入园企业服务、用地和资金保障。\n"
    "三、方式与安排：组织委员视察园区及铁路专用线，召开部门座谈会，形成监督意见报区委区政府。"
)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _unit(short_name: str) -> HandlingUnit:
    return HandlingUnit.objects.get(short_name=short_name)


def _unit_user(unit: HandlingUnit):
    row = UnitStaff.objects.filter(unit=unit).select_related("user").order_by("-is_leader", "pk").first()
    return row.user


def _members(usernames=("demo-member",), others: int = 3) -> list[int]:
    demo = list(Member.objects.filter(user__username__in=usernames).values_list("pk", flat=True))
    more = list(
        Member.objects.filter(status="serving", is_standing_committee=True)
        .exclude(pk__in=demo)
        .order_by("pk")
        .values_list("pk", flat=True)[:others]
    )
    return demo + more


def _activity(staff, *, title: str, kind: str, start: datetime.datetime, member_ids: list[int], held: bool) -> int:
    data = {
        "title": title,
        "kind": kind,
        "start": start.isoformat(),
        "end": (start + datetime.timedelta(hours=3)).isoformat(),
        "place": "新建区" if kind != "inspection" else "西部物流园区",
        "invitees": {"member_ids": member_ids},
    }
    activity = activity_create(actor=staff, data=data)
    activity_act(
        activity_id=activity.pk,
        action="publish",
        actor=staff,
        now=min(start, timezone.now()) - datetime.timedelta(days=5),
    )
    if held:
        entries = [{"member_id": pk, "status": "present"} for pk in member_ids]
        activity_act(
            activity_id=activity.pk, action="mark_attendance", actor=staff, payload={"entries": entries}, now=start
        )
        activity_act(activity_id=activity.pk, action="close", actor=staff, now=start + datetime.timedelta(hours=4))
    return activity.pk


def _topic(staff, topic_id: int, action: str, **payload):
    return topic_act(topic_id=topic_id, action=action, actor=staff, payload=payload)


def build_demo_supervision() -> dict:
    staff, today = _user("demo-staff"), timezone.localdate()
    year = today.year
    plan = plan_create(
        actor=staff,
        year=year,
        description="围绕区委区政府中心工作，年内开展三项民主监督，每项做到有计划、有方案、有调研、有意见、有反馈。",
    )
    topics = [
        (MANUFACTURING, "inspection", "区科工信局", "监督制造业和服务业高质量发展政策措施落实情况。"),
        (LOGISTICS, "special", "区发改委", "监督西部物流园规划建设、多式联运和招商运营情况。"),
        (TRANSPORT, "appraisal", "区交通运输局", "对区交通运输局年度整体工作开展民主评议。"),
    ]
    ids = {}
    for title, form, unit, description in topics:
        plan_act(
            plan_id=plan.pk,
            action="add_topic",
            actor=staff,
            payload={"title": title, "form": form, "department_id": _unit(unit).pk, "description": description},
        )
        ids[title] = plan.topics.get(title=title).pk
    early = max(datetime.date(year, 1, 1), today - datetime.timedelta(days=120))
    plan_act(
        plan_id=plan.pk,
        action="approve",
        actor=staff,
        payload={
            "approved_on": str(early),
            "approval_body": "政协第十七届新建区委员会常务委员会第十二次会议",
            "document_number": f"新政协发〔{year}〕5号",
        },
    )
    plan_act(
        plan_id=plan.pk,
        action="publish",
        actor=staff,
        payload={"published_on": str(early + datetime.timedelta(days=3))},
    )

    # 制造业和服务业高质量发展: every phase done, closed with the five haves.
    m = ids[MANUFACTURING]
    group = _members()
    _topic(staff, m, "write_scheme", scheme=MANUFACTURING_SCHEME)
    _topic(staff, m, "set_group", member_ids=group, staff_ids=[staff.pk])
    _topic(staff, m, "start_investigation")
    held = _activity(
        staff,
        title="视察制造业和服务业高质量发展情况",
        kind="inspection",
        start=timezone.now() - datetime.timedelta(days=60),
        member_ids=group,
        held=True,
    )
    _topic(staff, m, "link_activity", activity_id=held)
    _topic(
        staff,
        m,
        "draft_findings",
        title="关于推动制造业和服务业高质量发展的监督意见",
        body="监督组视察了区内重点企业和产业园区，听取了区科工信局的情况介绍，提出如下意见。",
        recommendations="\n".join(MANUFACTURING_FINDINGS),
        due_date=str(today + datetime.timedelta(days=90)),
    )
    recs = recommendations_for_sources(source=Source.SUPERVISION, source_ids=[m])[m]
    document_act(
        document_id=recs[0].document_id,
        action="send",
        actor=staff,
        payload={"sent_to": "区委、区政府、区科工信局", "date": str(today - datetime.timedelta(days=40))},
    )
    _topic(staff, m, "start_rectification")
    answerer = _unit_user(_unit("区科工信局"))
    for rec, (status, note) in zip(recs, MANUFACTURING_ANSWERS, strict=True):
        recommendation_act(
            recommendation_id=rec.id, action="answer", actor=answerer, payload={"status": status, "note": note}
        )
    _topic(staff, m, "close")

    # 西部物流园建设: investigating — a visit held, an inspection to come, no findings yet.
    logistics = ids[LOGISTICS]
    group = _members(("demo-member", "demo-member2"), others=2)
    _topic(staff, logistics, "write_scheme", scheme=LOGISTICS_SCHEME)
    _topic(staff, logistics, "set_group", member_ids=group, staff_ids=[staff.pk])
    _topic(staff, logistics, "start_investigation")
    visit = _activity(
        staff,
        title="西部物流园建设情况调研座谈",
        kind="research",
        start=timezone.now() - datetime.timedelta(days=14),
        member_ids=group,
        held=True,
    )
    coming = _activity(
        staff,
        title="视察西部物流园铁路专用线和多式联运中心",
        kind="inspection",
        start=timezone.now() + datetime.timedelta(days=6),
        member_ids=group,
        held=False,
    )
    _topic(staff, logistics, "link_activity", activity_id=visit)
    _topic(staff, logistics, "link_activity", activity_id=coming)
    return {"plans": 1, "topics": len(ids), "closed": 1, "investigating": 1, "organising": 1, "activities": 3}
