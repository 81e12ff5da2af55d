"""The demo's consultation year (协商), made through the module's real services by demo-staff (and the follow-up's
and duty's services where their part comes):

- topic suggestions: two from demo-member, one for a special committee, a leader's topic, a department's and the
  public's;
- the year's plan: four items, taken through its four recorded steps and published in March, then amended once in
  July (version 2: the patriotic-education item moved to November, the proposal-handling item removed, an online
  deliberation added), published again;
- consultations of the plan: 南矶湿地观鸟经济 closed (briefing, research group and visit, meeting in May with its
  record, a consultation report sent on time with three recommendations, one adopted and under way by the housing
  bureau); 数字燃气安全 at its outcomes (the notice went out late and the outcome is not yet sent: both warned);
  青少年爱国主义教育 in research (a group and a visit next week);
- key research topics (重点课题): 总部经济 closed with its research report sent as an outcome document (source
  research_report), 基层经济 with its report drafted, 预制菜产业链 in research.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhengxie.consultations import services
from zhengxie.consultations.models import Consultation
from zhengxie.followup import services as followup
from zhengxie.followup.models import Recommendation
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import HandlingUnit, Member, SpecialCommittee, UnitStaff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SH = datetime.timezone(datetime.timedelta(hours=8))


def _user(username):
    return get_user_model().objects.get(username=username)


def _committee(name):
    return SpecialCommittee.objects.filter(name=name).values_list("pk", flat=True).first()


def _unit(short_name):
    return HandlingUnit.objects.filter(short_name=short_name, is_active=True).values_list("pk", flat=True).first()


def _at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=SH)


def build_demo_consultations() -> dict:
    staff = _user("demo-staff")
    member_user = _user("demo-member")
    member = Member.objects.get(user=member_user)
    today = timezone.localdate()
    # The year's work up to its last weeks: run early in a year, the demo shows the year before (dates not ahead).
    year = today.year if today >= datetime.date(today.year, 11, 15) else today.year - 1
    counts = {"suggestions": 0, "plan_versions": 0, "consultations": 0, "key_research": 0, "outcome_documents": 0}

    def plan_act(plan, action, **payload):
        return services.plan_act(plan_id=plan.pk, action=action, actor=staff, payload=payload)

    def act(c, action, when=None, **payload):
        services.consultation_act(consultation_id=c.pk, action=action, actor=staff, payload=payload, now=when)
        c.refresh_from_db()
        return c

    # Topic suggestions --------------------------------------------------------------------------------------------
    suggestions = {}
    for title, reason in (
        ("南矶湿地观鸟经济发展", "南矶湿地每年越冬候鸟数十万只，观鸟旅游潜力大但配套不足。"),
        ("青少年爱国主义教育", "红色资源丰富，校地共建机制有待完善。"),
    ):
        suggestions[title] = services.suggestion_submit(actor=member_user, year=year, title=title, reason=reason)
    committee = member.special_committees.first()
    if committee is not None:
        services.suggestion_submit(
            actor=member_user,
            year=year,
            title="老旧小区改造提案办理",
            reason="委员提案集中，宜开展提案办理协商。",
            special_committee_id=committee.pk,
        )
    services.suggestion_submit(
        actor=staff,
        year=year,
        title="数字燃气安全",
        source="leader",
        source_name="区委主要领导",
        reason="燃气安全事关群众生命财产安全。",
    )
    services.suggestion_submit(
        actor=staff, year=year, title="新能源汽车充电桩建设", source="department", source_name="区发改委"
    )
    services.suggestion_submit(actor=staff, year=year, title="城区停车难治理", source="public", source_name="市民来信")
    counts["suggestions"] = 6 if committee is not None else 5

    # The plan, published and amended once --------------------------------------------------------------------------
    plan = services.plan_create(actor=staff, year=year)
    items = [
        {
            "form": "topical",
            "topic": "南矶湿地观鸟经济发展",
            "planned_month": 5,
            "lead_committee_id": _committee("经济委员会"),
            "counterpart": "区文广新旅局",
            "suggestion_id": suggestions["南矶湿地观鸟经济发展"].pk,
            "background": "发挥南矶湿地生态优势，推动观鸟经济与乡村振兴融合发展。",
        },
        {
            "form": "forum",
            "topic": "数字燃气安全",
            "planned_month": 7,
            "lead_committee_id": _committee("社会和法制委员会"),
            "counterpart": "区住建局",
            "background": "运用物联网监测、智能表具提升城镇燃气安全水平。",
        },
        {
            "form": "counterpart",
            "topic": "青少年爱国主义教育",
            "planned_month": 9,
            "lead_committee_id": _committee("教科卫体委员会"),
            "counterpart": "区教体局",
            "suggestion_id": suggestions["青少年爱国主义教育"].pk,
        },
        {
            "form": "proposal_handling",
            "topic": "老旧小区改造提案办理",
            "planned_month": 10,
            "lead_committee_id": _committee("提案委员会"),
            "counterpart": "区住建局",
        },
    ]
    for item in items:
        plan_act(plan, "add_item", **{k: v for k, v in item.items() if v is not None})
    steps = [
        ("revise", datetime.date(year, 2, 10), "区委办公室、区政府办公室", ""),
        ("review", datetime.date(year, 2, 20), "区政协十七届第十次主席会议", ""),
        ("decide", datetime.date(year, 3, 2), "区委常委会", f"新办字〔{year}〕12号"),
        ("publish", datetime.date(year, 3, 5), "区政协办公室", f"新政协字〔{year}〕3号"),
    ]
    for action, day, body, number in steps:
        plan_act(plan, action, date=day.isoformat(), body=body, document_number=number)
    v1_items = {i.topic: i for i in plan.items.all()}
    v2 = plan_act(plan, "amend", reason="根据区委工作安排，调整青少年爱国主义教育协商时间，增加网络议政。")
    v2_items = {i.topic: i for i in v2.items.all()}
    youth = v2_items["青少年爱国主义教育"]
    plan_act(
        v2,
        "update_item",
        item_id=youth.pk,
        form="sector",
        topic=youth.topic,
        planned_month=11,
        lead_committee_id=youth.lead_committee_id,
        counterpart="区教体局、团区委",
    )
    plan_act(v2, "remove_item", item_id=v2_items["老旧小区改造提案办理"].pk)
    plan_act(v2, "add_item", form="online", topic="新能源汽车充电桩建设", planned_month=12, counterpart="区发改委")
    for action, day, body, number in (
        ("revise", datetime.date(year, 7, 6), "区委办公室、区政府办公室", ""),
        ("review", datetime.date(year, 7, 10), "区政协十七届第十四次主席会议", ""),
        ("decide", datetime.date(year, 7, 16), "区委常委会", f"新办字〔{year}〕41号"),
        ("publish", datetime.date(year, 7, 20), "区政协办公室", f"新政协字〔{year}〕19号"),
    ):
        plan_act(v2, action, date=day.isoformat(), body=body, document_number=number)
    counts["plan_versions"] = 2

    group_members = list(
        Member.objects.filter(status=MemberStatus.SERVING)
        .exclude(pk=member.pk)
        .order_by("id")
        .values_list("pk", flat=True)[:3]
    )
    housing, culture = _unit("区住建局"), _unit("区文广新旅局")
    commerce, development = _unit("区商务局"), _unit("区发改委")

    def group(c, when):
        act(c, "add_group_member", when, member_id=member.pk, is_head=True)
        for pk in group_members:
            act(c, "add_group_member", when, member_id=pk)
        act(c, "add_group_member", when, user_id=staff.pk)

    # 南矶湿地观鸟经济: closed --------------------------------------------------------------------------------------
    bird = services.consultation_create(actor=staff, plan_item_id=v1_items["南矶湿地观鸟经济发展"].pk)
    act(bird, "confirm_topic", _at(year, 3, 20))
    act(
        bird,
        "record_briefing",
        _at(year, 4, 8),
        date=f"{year}-04-08",
        by="区文广新旅局、南矶乡",
        summary="通报了湿地保护、候鸟监测和生态旅游开发情况。",
    )
    services.material_add(
        consultation_id=bird.pk,
        actor=staff,
        name="南矶湿地情况通报.pdf",
        data=PDF,
        stage="briefing",
        now=_at(year, 4, 8),
    )
    act(bird, "start_research", _at(year, 4, 9))
    group(bird, _at(year, 4, 9))
    act(
        bird,
        "schedule_visit",
        _at(year, 4, 12),
        title="赴南矶乡实地调研观鸟点",
        start=_at(year, 4, 22).isoformat(),
        end=_at(year, 4, 22, 12).isoformat(),
        place="南矶乡",
    )
    act(
        bird,
        "record_report",
        _at(year, 4, 28),
        report="一、南矶湿地观鸟资源概况\n二、存在的问题：配套设施不足、宣传推介不够、利益联结机制不健全\n三、对策建议",
    )
    act(
        bird,
        "schedule_meeting",
        _at(year, 4, 20),
        title="南矶湿地观鸟经济专题协商会",
        start=_at(year, 5, 20, 14).isoformat(),
        end=_at(year, 5, 20, 17).isoformat(),
        place="区政协三楼会议室",
        invitees="group",
        send_notice=True,
    )
    services.material_add(
        consultation_id=bird.pk, actor=staff, name="专题协商会材料.pdf", data=PDF, stage="meeting", now=_at(year, 5, 6)
    )
    act(
        bird,
        "record_meeting",
        _at(year, 5, 20, 17),
        briefing="区文广新旅局通报了观鸟旅游发展规划。",
        questions="委员就观鸟驿站建设、生态补偿提出询问。",
        answers="区文广新旅局、南矶乡作了答复。",
        speeches="5位委员作了协商发言。",
    )
    act(bird, "finish_meeting", _at(year, 5, 21))
    act(
        bird,
        "create_outcome",
        _at(year, 5, 25),
        kind="consultation_report",
        title="关于发展南矶湿地观鸟经济的建议",
        body="经专题协商，提出如下建议。",
        recommendations=[
            {"text": "建设观鸟驿站和观测步道", "unit_id": culture or housing, "weight": 2},
            {"text": "完善候鸟栖息地生态补偿机制", "unit_id": development or housing, "weight": 1},
            {"text": "配套建设游客服务中心和停车设施", "unit_id": housing, "weight": 1},
        ],
    )
    bird_doc = followup.documents_for_sources(source="consultation", source_ids=[bird.pk])[bird.pk][0]
    followup.document_act(
        document_id=bird_doc.id,
        action="send",
        actor=staff,
        payload={"sent_to": "区委、区政府", "date": f"{year}-05-27"},
    )
    unit_user = (
        UnitStaff.objects.filter(unit_id=housing, user__username="demo-unit").values_list("user", flat=True).first()
    )
    if unit_user:
        recs = Recommendation.objects.filter(document_id=bird_doc.id).order_by("position").values_list("pk", flat=True)
        for rec_id in list(recs)[2:3]:
            followup.recommendation_act(
                recommendation_id=rec_id,
                action="answer",
                actor=_user("demo-unit"),
                payload={"status": "adopted", "note": "纳入年度建设计划"},
            )
            followup.recommendation_act(
                recommendation_id=rec_id,
                action="update_progress",
                actor=_user("demo-unit"),
                payload={"percent": 40, "note": "游客服务中心已完成选址"},
            )
    act(bird, "close", _at(year, 6, 1))

    # 数字燃气安全: at its outcomes, notice late and outcome not sent ----------------------------------------------
    gas = services.consultation_create(actor=staff, plan_item_id=v1_items["数字燃气安全"].pk)
    act(gas, "confirm_topic", _at(year, 5, 10))
    act(
        gas,
        "record_briefing",
        _at(year, 6, 3),
        date=f"{year}-06-03",
        by="区住建局",
        summary="通报了城镇燃气管网、用户安全检查和智能监测平台建设情况。",
    )
    act(gas, "start_research", _at(year, 6, 4))
    group(gas, _at(year, 6, 4))
    act(
        gas,
        "schedule_meeting",
        _at(year, 7, 1),
        title="数字燃气安全协商座谈会",
        start=_at(year, 7, 16, 14).isoformat(),
        end=_at(year, 7, 16, 17).isoformat(),
        place="区政协三楼会议室",
        invitees="group",
        send_notice=True,
    )
    services.material_add(
        consultation_id=gas.pk,
        actor=staff,
        name="燃气安全座谈会材料.pdf",
        data=PDF,
        stage="meeting",
        now=_at(year, 7, 10),
    )
    act(
        gas,
        "record_meeting",
        _at(year, 7, 16, 17),
        briefing="区住建局通报燃气安全专项整治情况。",
        speeches="委员建议推广燃气泄漏报警装置。",
    )
    act(gas, "finish_meeting", _at(year, 7, 17))
    act(
        gas,
        "create_outcome",
        _at(year, 7, 30),
        kind="minutes",
        title="数字燃气安全协商座谈会纪要",
        recommendations=[
            {"text": "推广居民用户燃气泄漏报警装置", "unit_id": housing, "weight": 2},
            {"text": "建设全区燃气管网智能监测平台", "unit_id": housing, "weight": 3},
        ],
    )

    # 青少年爱国主义教育: in research, a visit next week ----------------------------------------------------------
    youth_c = services.consultation_create(actor=staff, plan_item_id=youth.pk)
    act(youth_c, "confirm_topic")
    act(youth_c, "start_research")
    group(youth_c, None)
    visit_day = timezone.localtime() + datetime.timedelta(days=7)
    visit_day = visit_day.replace(hour=9, minute=0, second=0, microsecond=0)
    act(
        youth_c,
        "schedule_visit",
        title="赴区内红色教育基地调研",
        start=visit_day.isoformat(),
        end=(visit_day + datetime.timedelta(hours=3)).isoformat(),
        place="新建区红色教育基地",
    )
    counts["consultations"] = 3

    # Key research topics ------------------------------------------------------------------------------------------
    hq = services.consultation_create(
        actor=staff,
        title="总部经济发展研究",
        kind="key_research",
        form="topical",
        year=year,
        counterpart="区商务局",
        background="吸引企业区域总部落户，培育新的经济增长点。",
    )
    act(hq, "start_research", _at(year, 3, 15))
    group(hq, _at(year, 3, 15))
    act(
        hq,
        "record_report",
        _at(year, 8, 20),
        report="一、总部经济发展现状\n二、存在问题\n三、对策建议：完善楼宇载体、出台扶持政策、优化服务",
    )
    act(hq, "finish_research", _at(year, 8, 25))
    act(
        hq,
        "create_outcome",
        _at(year, 9, 1),
        kind="research_report",
        title="关于加快发展总部经济的调研报告",
        body="重点课题调研报告。",
        recommendations=[
            {"text": "出台总部企业认定和扶持办法", "unit_id": commerce or housing, "weight": 2},
            {"text": "建设总部经济集聚区", "unit_id": development or housing, "weight": 2},
            {"text": "优化总部企业人才服务", "unit_id": commerce or housing, "weight": 1},
        ],
    )
    hq_doc = followup.documents_for_sources(source="research_report", source_ids=[hq.pk])[hq.pk][0]
    followup.document_act(
        document_id=hq_doc.id, action="send", actor=staff, payload={"sent_to": "区委、区政府", "date": f"{year}-09-10"}
    )
    act(hq, "close", _at(year, 9, 12))

    grassroots = services.consultation_create(
        actor=staff,
        title="基层经济发展研究",
        kind="key_research",
        form="topical",
        year=year,
        counterpart="区农业农村局",
        background="壮大村级集体经济，促进乡镇特色产业发展。",
    )
    act(grassroots, "start_research", _at(year, 4, 1))
    group(grassroots, _at(year, 4, 1))
    act(grassroots, "record_report", _at(year, 10, 20), report="一、基层经济发展基本情况\n二、主要问题\n三、建议")
    act(grassroots, "finish_research", _at(year, 10, 25))
    act(
        grassroots,
        "create_outcome",
        _at(year, 11, 5),
        kind="research_report",
        title="关于壮大基层经济的调研报告",
        recommendations=[{"text": "设立村级集体经济发展引导资金", "unit_id": development or housing, "weight": 1}],
    )

    food = services.consultation_create(
        actor=staff,
        title="预制菜产业链发展研究",
        kind="key_research",
        form="topical",
        year=year,
        counterpart="区商务局",
        background="依托农产品资源，延伸预制菜产业链。",
    )
    act(food, "start_research", _at(year, 9, 1))
    group(food, _at(year, 9, 1))
    counts["key_research"] = 3
    counts["outcome_documents"] = 4
    assert Consultation.objects.filter(year=year).count() == 6
    return counts
