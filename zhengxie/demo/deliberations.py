"""The demo's online deliberation (网络议政), made through the module's real services by demo-staff:

- 数字燃气安全: held alongside the topical consultation of the same name; closed, with opinions and replies by the
  invited members, three opinions selected (their authors' duty archives show the points) and the summary turned
  into an outcome document with two recommendations to the housing and the emergency management bureaus;
- 新能源汽车充电桩建设与管理: open now for a week, for the sectors of demo-member (经济) and demo-member2 (教育),
  with a few opinions already; the demo members have not posted yet, so it waits on their to-do lists."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhengxie.deliberations.models import Deliberation, DeliberationInvitation
from zhengxie.deliberations.services import deliberation_act, deliberation_create, post_act, post_create
from zhengxie.people.models import HandlingUnit, Member

GAS_OPINIONS = [
    (
        "老旧小区燃气立管锈蚀严重，建议把燃气管网改造纳入城市更新年度计划，优先改造2000年以前建成的小区。",
        ["同意。改造时应同步更换用户端的橡胶软管，很多事故出在软管老化。"],
    ),
    (
        "建议为独居老人和餐饮门店免费安装燃气泄漏报警器，并接入区级燃气安全监测平台，做到报警即处置。",
        ["报警器要有人响应才有用，建议明确燃气企业和社区的响应时限。", "餐饮门店可以与食品经营许可年检挂钩。"],
    ),
    (
        "燃气企业、住建、应急、市场监管的数据各管一段，建议建设统一的数字燃气监管平台，隐患从发现到整改全程留痕。",
        [],
    ),
    ("建议在中小学和社区开展燃气安全进万家宣传，用短视频讲清楚如何识别燃气泄漏。", []),
]
EV_OPINIONS = [
    "老旧小区车位紧张，建议推广“统建统营”的共享充电模式，由物业统一报装。",
    "建议在乡镇客运站和农村集市布局公共快充站，方便农村居民购买新能源车。",
]


def _staff():
    return get_user_model().objects.get(username="demo-staff")


def _users_invited(d: Deliberation, *, exclude=()) -> list:
    rows = (
        DeliberationInvitation.objects.filter(deliberation=d, member__user__isnull=False, member__user__is_active=True)
        .exclude(member__user__username__in=exclude)
        .select_related("member__user")
        .order_by("member_id")
    )
    return [inv.member.user for inv in rows]


def _demo_sectors() -> list[int]:
    return sorted(
        set(
            Member.objects.filter(user__username__in=["demo-member", "demo-member2"]).values_list(
                "sector_id", flat=True
            )
        )
    )


def _unit(short_name: str) -> int:
    return HandlingUnit.objects.filter(short_name=short_name).values_list("pk", flat=True).first()


def build_demo_deliberations() -> dict:
    staff, now = _staff(), timezone.now()
    sectors = _demo_sectors()
    demo = ("demo-member", "demo-member2")

    gas = deliberation_create(
        actor=staff,
        data={
            "title": "数字燃气安全",
            "background": "本次网络议政与“数字燃气安全”专题协商同步开展：委员们在网上围绕老旧小区燃气管网改造、"
            "燃气泄漏报警器安装和数字燃气监管平台建设发表意见，选用的意见汇入专题协商的成果。",
            "opens_at": (now - datetime.timedelta(days=20)).isoformat(),
            "closes_at": (now + datetime.timedelta(hours=1)).isoformat(),
            "invitees": {"sector_ids": sectors, "standing_committee": True},
        },
    )
    deliberation_act(deliberation_id=gas.pk, action="open", actor=staff)
    authors = _users_invited(gas, exclude=demo)
    # demo-member gives the first opinion, so their duty archive shows a selected one.
    demo_member = get_user_model().objects.get(username="demo-member")
    writers = [demo_member, *authors]
    posts = replies = 0
    selected = []
    for i, (text, answers) in enumerate(GAS_OPINIONS):
        post = post_create(deliberation_id=gas.pk, actor=writers[i % len(writers)], text=text)
        posts += 1
        if i < 3:
            selected.append(post)
        for j, answer in enumerate(answers):
            post_create(
                deliberation_id=gas.pk, actor=writers[(i + j + 1) % len(writers)], text=answer, reply_to=post.pk
            )
            replies += 1
    deliberation_act(deliberation_id=gas.pk, action="close", actor=staff)
    for post in selected:
        post_act(post_id=post.pk, action="select", actor=staff)
    recommendations = [
        {
            "text": "将老旧小区燃气管网改造纳入城市更新年度计划，分年度完成改造。",
            "unit_id": _unit("区住建局"),
            "weight": 2,
        },
        {
            "text": "为独居老人和餐饮门店安装燃气泄漏报警器并接入监测平台。",
            "unit_id": _unit("区应急管理局"),
            "weight": 1,
        },
    ]
    deliberation_act(
        deliberation_id=gas.pk,
        action="summarise",
        actor=staff,
        payload={
            "summary": "委员们普遍认为，燃气安全的短板在老旧管网、末端报警和部门数据分割三处。"
            "建议分年度改造老旧小区燃气管网，为重点人群和场所安装报警器并接入平台，建设统一的数字燃气监管平台。",
            "recommendations": [r for r in recommendations if r["unit_id"]],
        },
    )

    ev = deliberation_create(
        actor=staff,
        data={
            "title": "新能源汽车充电桩建设与管理",
            "background": "围绕重点提案“加快新能源汽车充电桩建设”的督办，听取委员对老旧小区充电难、"
            "公共充电站布局和农村充电设施建设的意见。",
            "opens_at": (now - datetime.timedelta(days=2)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=5)).isoformat(),
            "invitees": {"sector_ids": sectors},
        },
    )
    deliberation_act(deliberation_id=ev.pk, action="open", actor=staff)
    others = _users_invited(ev, exclude=demo)
    for i, text in enumerate(EV_OPINIONS):
        if others:
            post_create(deliberation_id=ev.pk, actor=others[i % len(others)], text=text)
            posts += 1
    return {"deliberations": 2, "posts": posts, "replies": replies, "selected": len(selected)}
