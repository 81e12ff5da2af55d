"""Demo work for the demo district: proposals in every stage and a few activities, made through the real services
so that each demo account finds something to do (the to-do lists, the review queue, the unit board)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhengxie.duty.activities import activity_act, activity_create
from zhengxie.people.models import HandlingUnit, Member

from .actions import assignment_act, proposal_act
from .models import Category
from .services import proposal_create_draft

CATEGORIES = ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"]

TOPICS = [
    (
        "关于加快公共充电桩建设的建议",
        "我区新能源汽车保有量快速增长，公共充电桩布点不足、老旧小区安装难。",
        "一、编制充电设施专项规划；二、推动老旧小区加装充电桩；三、鼓励社会资本参与建设运营。",
    ),
    (
        "关于推进南矶湿地观鸟经济发展的建议",
        "南矶湿地候鸟资源丰富，但配套设施和品牌宣传不足。",
        "一、完善观鸟步道和驿站；二、打造观鸟节品牌；三、培育民宿和研学产业。",
    ),
    (
        "关于提升燃气安全数字化监管水平的建议",
        "部分老旧燃气管网存在隐患，监管手段以人工巡检为主。",
        "一、建设燃气安全监测平台；二、推广智能燃气表；三、建立隐患闭环处置机制。",
    ),
    (
        "关于加强青少年爱国主义教育的建议",
        "红色资源利用不够充分，教育形式较为单一。",
        "一、建设红色研学基地；二、开发本地红色课程；三、组织志愿讲解活动。",
    ),
    (
        "关于发展预制菜产业链的建议",
        "我区农产品资源丰富，但精深加工能力不足。",
        "一、引进龙头企业；二、建设冷链物流中心；三、制定产业扶持政策。",
    ),
    (
        "关于缓解学校周边交通拥堵的建议",
        "上下学高峰期学校周边道路拥堵严重。",
        "一、设置临时停车区；二、推行错峰放学；三、增加交通协管力量。",
    ),
    (
        "关于完善社区养老服务设施的建议",
        "老年人口比例上升，社区养老服务供给不足。",
        "一、建设社区嵌入式养老服务中心；二、推广助餐服务；三、培育专业护理队伍。",
    ),
    (
        "关于推进总部经济发展的建议",
        "我区吸引企业总部落户的政策竞争力不强。",
        "一、出台总部企业认定和奖励办法；二、建设总部经济集聚区；三、优化营商环境。",
    ),
    (
        "关于加快西部物流园建设的建议",
        "西部物流园基础设施建设进度滞后。",
        "一、加快道路和仓储设施建设；二、引进第三方物流企业；三、完善多式联运体系。",
    ),
    (
        "关于加强农村人居环境整治的建议",
        "部分村庄生活污水处理设施运行不正常。",
        "一、建立运维长效机制；二、落实运维资金；三、加强督查考核。",
    ),
]


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
        payload={"text": "经研究，我局已将相关工作纳入年度计划，正在推进。", "grade": "B"},
    )
    # Replied and approved: demo-member is asked to rate the reply.
    rated = assign_single(submit(member, TOPICS[8], cats[0], cosigners=[others[5]]), education)
    assignment_act(assignment_id=rated.pk, action="accept_assignment", actor=unit2_user)
    edu_leader = get_user_model().objects.filter(unit_posts__unit=education, unit_posts__is_leader=True).first()
    assignment_act(
        assignment_id=rated.pk,
        action="draft_reply",
        actor=unit2_user,
        payload={"text": "物流园道路工程已开工，预计明年建成。", "grade": "A"},
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
    return {"proposals": len(made), "activities": 2}
