"""The follow-up's demo (成果转化): two key proposals — a featured automobile industrial park (特色汽车产业园) and EV
charging piles (新能源汽车充电桩) — supervised with recommendations to their handling units, at different stages:
one carried out, one in progress with dated updates and evidence, one answered as not adoptable for now, some not
yet answered, and one stale (its last update lies 30 working days back). Everything is made through the real
services (proposals' actions, ``followup.services``); only the stale one's clock is moved back, as time would.

Signed in as demo-unit (区住建局) a visitor sees the department's page with its to-do; as demo-staff or
demo-office the documents with their progress and the leader's instruction; as demo-leader the overview."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhengxie.followup import services as followup
from zhengxie.followup.choices import Source
from zhengxie.followup.models import Recommendation, RecommendationUpdate
from zhengxie.followup.stale import stale_reminders
from zhengxie.people.models import HandlingUnit
from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.models import Category
from zhengxie.proposals.services import proposal_create_draft
from zhengxie.workdays.services import add_working_days

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

PARK = (
    "关于加快建设特色汽车产业园的建议",
    "我区汽车及零部件企业集聚度不高，配套能力不足，产业园基础设施和人才保障仍有短板。",
    "一、完善产业园道路、供电、污水处理等基础设施；二、建设人才公寓；三、围绕整车企业引进零部件配套项目。",
)
CHARGING = (
    "关于加快新能源汽车充电桩建设的建议",
    "我区新能源汽车保有量快速增长，但老旧小区充电桩安装难，公共充电设施布局不均。",
    "一、将充电桩纳入老旧小区改造；二、新建小区车位全部预留充电设施安装条件；三、公布全区公共充电桩布点规划。",
)


def _user(username):
    return get_user_model().objects.get(username=username)


def _unit(name: str, fallback: HandlingUnit) -> HandlingUnit:
    return HandlingUnit.objects.filter(name__endswith=name, is_active=True).first() or fallback


def build_demo_followup() -> dict:
    member, office, leader, staff = (_user(u) for u in ("demo-member", "demo-office", "demo-leader", "demo-staff"))
    unit_user = _user("demo-unit")
    housing = HandlingUnit.objects.get(staff__user=unit_user)
    industry = _unit("科学技术和工业信息化局", housing)
    industry_user = industry.staff.select_related("user").first()
    industry_user = industry_user.user if industry_user is not None else unit_user
    category = Category.objects.order_by("sort_order", "id").first()

    def key_proposal(topic, units) -> int:
        title, analysis, suggestions = topic
        p = proposal_create_draft(
            author=member,
            data={"title": title, "analysis": analysis, "suggestions": suggestions, "category_id": category.pk},
        )
        proposal_act(proposal_id=p.pk, action="submit", actor=member)
        proposal_act(proposal_id=p.pk, action="register", actor=office)
        mode, role = ("single", "single") if len(units) == 1 else ("separate", "separate")
        proposal_act(
            proposal_id=p.pk,
            action="assign",
            actor=office,
            payload={"mode": mode, "units": [{"unit_id": u.pk, "role": role} for u in units]},
        )
        proposal_act(proposal_id=p.pk, action="propose_key", actor=office, payload={"supervising_leader_id": leader.pk})
        proposal_act(proposal_id=p.pk, action="approve_key", actor=leader)
        return p.pk

    def recommend(proposal_id: int, unit: HandlingUnit, text: str) -> int:
        proposal_act(
            proposal_id=proposal_id,
            action="record_recommendation",
            actor=office,
            payload={"unit_id": unit.pk, "text": text},
        )
        return followup.recommendations_for_sources(source=Source.KEY_PROPOSAL, source_ids=[proposal_id])[proposal_id][
            -1
        ].id

    def act(rec_id: int, who, action: str, **payload):
        followup.recommendation_act(recommendation_id=rec_id, action=action, actor=who, payload=payload)

    units = [industry, housing] if industry != housing else [housing]
    park = key_proposal(PARK, units)
    charging = key_proposal(CHARGING, [housing])

    # The automobile park: the infrastructure is being built, but its department has not reported for weeks (stale).
    roads = recommend(park, industry, "完善产业园道路、供电、污水处理等基础设施配套，年内完成一期工程")
    act(roads, industry_user, "answer", status="adopted", note="已纳入今年重点项目计划。")
    act(roads, industry_user, "update_progress", percent=20, note="一期道路工程已开工。")
    recommend(park, housing, "统筹建设产业园人才公寓，解决企业员工住房")
    # The charging piles: one carried out, one in progress with updates and evidence, one not adopted for now.
    old_estates = recommend(charging, housing, "将充电桩建设纳入老旧小区改造内容，今年完成10个小区试点")
    act(old_estates, unit_user, "answer", status="adopted", note="同意，纳入今年老旧小区改造计划。")
    act(old_estates, unit_user, "update_progress", percent=30, note="完成10个试点小区选址和电力容量评估。")
    act(old_estates, unit_user, "update_progress", percent=60, note="6个小区充电桩已安装并通电。")
    followup.evidence_add(actor=unit_user, recommendation_id=old_estates, name="试点小区充电桩安装情况.pdf", data=PDF)
    new_estates = recommend(charging, housing, "新建住宅小区停车位100%预留充电设施安装条件")
    act(new_estates, unit_user, "answer", status="partly_adopted", note="新建小区按规范预留，存量项目逐步落实。")
    act(new_estates, unit_user, "update_progress", percent=100, note="已写入规划设计条件，新建项目全部执行。")
    subsidy = recommend(charging, housing, "对居民自建充电桩给予一次性补贴")
    act(subsidy, unit_user, "answer", status="not_adopted", note="补贴政策须由市级统一制定，已向上反映。")
    recommend(charging, housing, "公布全区公共充电桩布点规划，接受社会监督")

    # The stale one: its last update moved back 30 working days, as if the department had fallen silent since.
    back = add_working_days(timezone.localdate(), -30)
    moment = timezone.make_aware(datetime.datetime.combine(back, datetime.time(10)))
    Recommendation.objects.filter(pk=roads).update(last_update_at=moment, created_at=moment)
    RecommendationUpdate.objects.filter(recommendation_id=roads).update(at=moment, date=back)

    # The charging document was sent and instructed on; the park's waits to be sent.
    (charging_doc,) = followup.documents_for_sources(source=Source.KEY_PROPOSAL, source_ids=[charging])[charging]
    sent_on = add_working_days(timezone.localdate(), -5)
    followup.document_act(
        document_id=charging_doc.id,
        action="send",
        actor=office,
        payload={"sent_to": "区委、区政府", "date": sent_on.isoformat()},
    )
    followup.document_act(
        document_id=charging_doc.id,
        action="record_instruction",
        actor=staff,
        payload={
            "leader": "区政府分管副区长",
            "level": "in_charge",
            "date": timezone.localdate().isoformat(),
            "text": "请区住建局会同供电公司加快推进，年底前完成试点。",
        },
    )
    reminded = stale_reminders()
    return {
        "documents": 2,
        "recommendations": Recommendation.objects.filter(source=Source.KEY_PROPOSAL).count(),
        "stale_reminders": reminded["notifications"],
    }
