"""A consultation through its stages: meetings and visits are duty activities (attendance and check-in follow), the
outcome documents are the follow-up's; the date warnings in working days; the plan's progress from its items."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.builders import consultations as make
from tests.builders.followup import recommendation_ids
from zhengxie.consultations.models import Consultation
from zhengxie.consultations.read_models import consultation_detail, consultation_warnings, plan_detail
from zhengxie.consultations.services import consultation_act, consultation_create, material_add
from zhengxie.consultations.todo import consultation_todo
from zhengxie.core.exceptions import NotAllowed, NotVisible, StateConflict
from zhengxie.duty.activities import activity_act
from zhengxie.duty.models import Activity
from zhengxie.followup import services as followup
from zhengxie.workdays.services import add_working_days, correction_set

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
D = datetime.date


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _recs(org, *weights):
    return [{"text": f"建议{n}", "unit_id": org.unit.pk, "weight": w} for n, w in enumerate(weights, start=1)]


def _rec(org, rec_id, action, payload):
    followup.recommendation_act(recommendation_id=rec_id, action=action, actor=org.users["unit"], payload=payload)


def _progress(org, rec_id, percent):
    _rec(org, rec_id, "answer", {"status": "adopted", "note": "采纳"})
    _rec(org, rec_id, "update_progress", {"percent": percent, "note": "推进"})


def test_a_consultation_runs_through_its_stages_with_a_meeting_members_check_in_to(org):
    # given a published plan's item, made a consultation
    plan = make.published_plan(org)
    c = make.consultation_of(org, plan.items.get(planned_month=5))
    assert (c.title, c.form, c.year, c.state) == ("南矶湿地观鸟经济发展", "topical", 2026, "topic")
    # when it goes through briefing (with materials), research (group, a visit, a report) and a meeting now
    make.act(org, c, "confirm_topic", background="候鸟资源丰富")
    make.act(org, c, "record_briefing", date="2026-04-08", by="区文广新旅局", summary="通报湿地保护情况")
    material_add(consultation_id=c.pk, actor=org.users["staff"], name="情况通报.pdf", data=PDF)
    make.act(org, c, "start_research")
    make.act(org, c, "add_group_member", member_id=org.member.pk, is_head=True)
    make.act(org, c, "add_group_member", user_id=org.users["staff"].pk)
    now = timezone.now()
    make.act(
        org,
        c,
        "schedule_visit",
        title="赴南矶乡调研",
        start=(now + datetime.timedelta(days=1)).isoformat(),
        end=(now + datetime.timedelta(days=1, hours=3)).isoformat(),
        place="南矶乡",
    )
    make.act(org, c, "record_report", report="一、基本情况……")
    make.with_meeting(org, c, start=now - datetime.timedelta(minutes=5))
    # then the meeting is a published consultation activity the group's member is invited to and checks in at
    meeting = Activity.objects.get(pk=c.meeting_activity_id)
    assert (meeting.kind.code, meeting.state) == ("consultation", "published")
    assert list(meeting.invitations.values_list("member_id", flat=True)) == [org.member.pk]
    activity_act(
        activity_id=meeting.pk,
        action="mark_attendance",
        actor=org.users["staff"],
        payload={"entries": [{"member_id": org.member.pk, "status": "present"}]},
    )
    visit = Activity.objects.get(pk=c.visits.get().activity_id)
    assert (visit.kind.code, visit.state) == ("research", "published")
    # and after the record the outcome, with three recommendations, is the follow-up's document
    make.act(org, c, "record_meeting", briefing="通报", questions="提问", answers="答复", speeches="发言")
    make.act(org, c, "finish_meeting")
    make.outcome(org, c, recommendations=_recs(org, 1, 1, 1))
    detail = consultation_detail(org.users["staff"], c)
    assert [(d.title, d.recommendation_count, d.sent_on) for d in detail.documents] == [("协商专报", 3, None)]
    assert [s[2] for s in detail.stages] == ["done", "done", "done", "done", "current", "todo"]
    assert detail.visits[0][0].title == "赴南矶乡调研"
    assert detail.visits[0][1].invited == 1
    assert detail.meeting.id == meeting.pk
    assert "close" in detail.allowed_actions
    make.act(org, c, "close")
    assert c.state == "closed"


def test_closing_needs_an_outcome_document(org):
    c = make.in_outcome(org, make.key_research(org), start=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(StateConflict, match="还没有成果文件"):
        make.act(org, c, "close")
    c.refresh_from_db()
    assert c.state == "outcome"


def test_a_key_research_topic_reports_without_a_meeting(org):
    c = make.key_research(org, title="预制菜产业链发展研究")
    make.act(org, c, "start_research")
    with pytest.raises(StateConflict, match="调研报告"):
        make.act(org, c, "finish_research")
    make.act(org, c, "record_report", report="调研报告正文")
    make.act(org, c, "finish_research")
    make.outcome(org, c, kind="research_report", title="预制菜产业链调研报告", recommendations=_recs(org, 1))
    docs = followup.documents_for_sources(source="research_report", source_ids=[c.pk])[c.pk]
    assert [(d.kind, d.title) for d in docs] == [("research_report", "预制菜产业链调研报告")]


@pytest.mark.parametrize("who, refusal", [("leader", NotAllowed), ("member", NotVisible), ("unit", NotVisible)])
def test_only_the_secretariat_runs_a_consultation(org, who, refusal):
    c = make.key_research(org)
    with pytest.raises(refusal):
        consultation_act(consultation_id=c.pk, action="start_research", actor=org.users[who])
    c.refresh_from_db()
    assert c.state == "topic"
    with pytest.raises(NotAllowed):
        consultation_create(actor=org.users[who], title="x", kind="key_research", form="topical", year=2026)
    assert Consultation.objects.count() == 1


def test_an_item_is_consulted_on_once_and_only_from_a_published_plan(org):
    draft = make.draft_plan(org)
    with pytest.raises(StateConflict, match="已发布"):
        make.consultation_of(org, draft.items.first())
    plan = make.take_steps(org, draft)
    item = plan.items.first()
    make.consultation_of(org, item)
    with pytest.raises(StateConflict, match="已在组织协商"):
        make.consultation_of(org, item)
    assert Consultation.objects.count() == 1


def _year_2027_with_national_day(org):
    """2027 has no built-in data: National Day 1–7 October rest (a Friday to a Thursday), Sunday 26 September and
    Saturday 9 October working (调休)."""
    admin = org.users["admin"]
    for day in range(1, 8):
        correction_set(actor=admin, date=D(2027, 10, day), is_working_day=False, note="国庆节")
    correction_set(actor=admin, date=D(2027, 9, 26), is_working_day=True, note="国庆调休上班")
    correction_set(actor=admin, date=D(2027, 10, 9), is_working_day=True, note="国庆调休上班")


def test_warnings_count_working_days_across_a_holiday_with_adjusted_weekends(org):
    # given the meeting on Wednesday 29 September 2027, before National Day
    _year_2027_with_national_day(org)
    meeting = D(2027, 9, 29)
    # the notice is due 15 working days before (counting Sunday 26 September): Thursday 9 September;
    # the materials 10 working days before: Thursday 16 September;
    # the outcome 7 working days after (30 Sep, 8 Oct, Saturday 9 Oct, 11–14 Oct): Thursday 14 October
    on_time = consultation_warnings(
        meeting_day=meeting,
        notice_on=D(2027, 9, 9),
        materials_on=D(2027, 9, 16),
        outcome_sent_on=D(2027, 10, 14),
        today=D(2027, 10, 20),
    )
    assert on_time == []
    late = consultation_warnings(
        meeting_day=meeting,
        notice_on=D(2027, 9, 10),
        materials_on=D(2027, 9, 17),
        outcome_sent_on=D(2027, 10, 15),
        today=D(2027, 10, 20),
    )
    assert [(w.code, w.due, w.done_on) for w in late] == [
        ("notice", D(2027, 9, 9), D(2027, 9, 10)),
        ("materials", D(2027, 9, 16), D(2027, 9, 17)),
        ("outcome", D(2027, 10, 14), D(2027, 10, 15)),
    ]
    assert late[0].message == "会议通知应于2027-09-09前发出（会前15个工作日），实际2027-09-10发出。"
    # nothing done yet: warned once each date has passed, not before
    assert (
        consultation_warnings(
            meeting_day=meeting, notice_on=None, materials_on=None, outcome_sent_on=None, today=D(2027, 9, 9)
        )
        == []
    )
    missing = consultation_warnings(
        meeting_day=meeting, notice_on=None, materials_on=None, outcome_sent_on=None, today=D(2027, 10, 15)
    )
    assert [(w.code, w.done_on) for w in missing] == [("notice", None), ("materials", None), ("outcome", None)]
    assert missing[2].message == "协商成果应于2027-10-14前报送（会后7个工作日），尚未报送。"


def test_a_late_notice_shows_on_the_page_and_in_the_secretariat_s_to_do(org):
    # given a meeting noticed today for five days from now, without materials
    c = make.in_research(org, make.key_research(org))
    start = timezone.now() + datetime.timedelta(days=5)
    make.with_meeting(org, c, start=start)
    # then the page warns of the notice and the materials, and the to-do list holds both, due by their dates
    warnings = consultation_detail(org.users["staff"], c).warnings
    meeting_day = timezone.localdate(start)
    assert [(w.code, w.due, w.done_on) for w in warnings] == [
        ("notice", add_working_days(meeting_day, -15), timezone.localdate()),
        ("materials", add_working_days(meeting_day, -10), None),
    ]
    items = [i for i in consultation_todo(org.users["staff"]) if i.url == f"/consultations/{c.pk}/"]
    assert len(items) == 1
    assert items[0].due == add_working_days(meeting_day, -15)
    assert "时限提醒" in items[0].title and "会议通知应于" in items[0].title
    assert consultation_todo(org.users["leader"]) == []


def test_the_plan_s_progress_is_the_average_of_its_items(org):
    # given a plan of three items: the first's consultation has recommendations of weights 3 and 1, the second's one
    # of weight 1, the third none yet
    plan = make.published_plan(
        org,
        items=[*make.ITEMS, {"form": "sector", "topic": "青少年爱国主义教育", "planned_month": 9}],
    )
    first, second, _third = plan.items.order_by("planned_month")
    past = timezone.now() - datetime.timedelta(days=3)
    a = make.in_outcome(org, make.consultation_of(org, first), start=past)
    make.outcome(org, a, recommendations=_recs(org, 3, 1))
    b = make.in_outcome(org, make.consultation_of(org, second), start=past)
    make.outcome(org, b, recommendations=_recs(org, 1))
    a3, a1 = recommendation_ids(followup.documents_for_sources(source="consultation", source_ids=[a.pk])[a.pk][0].id)
    (b1,) = recommendation_ids(followup.documents_for_sources(source="consultation", source_ids=[b.pk])[b.pk][0].id)
    # when the departments report 50 % and 100 % on the first's, 20 % on the second's
    _progress(org, a3, 50)
    _progress(org, a1, 100)
    _progress(org, b1, 20)
    # then the first is at (3×50 + 1×100) / 4 = 62.5, the second at 20.0, the third has none,
    # and the plan is at (62.5 + 20.0) / 2 = 41.25 → 41.3
    detail = plan_detail(org.users["leader"], plan)
    assert [(r.item.topic, r.progress) for r in detail.items] == [
        ("南矶湿地观鸟经济发展", Decimal("62.5")),
        ("数字燃气安全", Decimal("20.0")),
        ("青少年爱国主义教育", None),
    ]
    assert [r.status for r in detail.items] == ["成果报送", "成果报送", "未启动"]
    assert detail.progress == Decimal("41.3")
