"""Study and training: study hours exactly once per attendee and class (also when retried), partial hours, the plan
workflow and its execution, seminar papers to the ledger once, the shortfall list, the autumn reminder, and who may
do what (nothing written on refusal)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.builders import training as make
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.duty.activities import activity_act
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import DutyRecord
from zhengxie.notifications.models import Notification
from zhengxie.training import jobs, read_models, services
from zhengxie.training.models import (
    AttendeeHours,
    PaperState,
    PlanState,
    Seminar,
    SeminarPaper,
    StudyRequirement,
    TrainingPlan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def hours_rows(member):
    return list(
        DutyRecord.objects.filter(member=member, kind=DutyKind.TRAINING_HOURS)
        .order_by("pk")
        .values_list("quantity", "sign")
    )


def test_full_and_partial_attendance_give_full_and_partial_hours(org):
    # given a 6-hour class where member2 left at midday (3 hours recorded before closing)
    activity, tc = make.training_class(org, hours="6")
    services.attendee_hours_set(actor=org.users["staff"], class_id=tc.pk, member_id=org.member2.pk, hours="3")
    # when both are marked present and the activity closes
    make.mark_present_and_close(org, activity, [org.member, org.member2])
    # then member gets 6 hours and member2 3, once each
    assert hours_rows(org.member) == [(Decimal("6.00"), 1)]
    assert hours_rows(org.member2) == [(Decimal("3.00"), 1)]
    assert services.member_study_hours(member=org.member2, year=2026)["hours"] == Decimal("3.00")


def test_correcting_hours_after_closing_reverses_and_records_once_even_when_retried(org):
    activity, tc = make.training_class(org, hours="6")
    make.mark_present_and_close(org, activity, [org.member])
    staff = org.users["staff"]
    # when the organiser records 4.5 hours, and the same request arrives again (a retry)
    services.attendee_hours_set(actor=staff, class_id=tc.pk, member_id=org.member.pk, hours="4.5")
    services.attendee_hours_set(actor=staff, class_id=tc.pk, member_id=org.member.pk, hours="4.5")
    # then the 6 hours are reversed once and 4.5 recorded once
    assert hours_rows(org.member) == [(Decimal("6.00"), 1), (Decimal("6.00"), -1), (Decimal("4.50"), 1)]
    assert AuditEntry.objects.filter(action="training.set_attendee_hours").count() == 1
    # and back to full attendance: one more reversal and the full hours again
    services.attendee_hours_set(actor=staff, class_id=tc.pk, member_id=org.member.pk, hours="6")
    assert hours_rows(org.member)[-2:] == [(Decimal("4.50"), -1), (Decimal("6.00"), 1)]
    assert AttendeeHours.objects.count() == 0
    assert services.member_study_hours(member=org.member, year=2026)["hours"] == Decimal("6.00")


def test_closing_again_through_a_retried_close_writes_nothing_twice(org):
    activity, _tc = make.training_class(org, hours="2")
    make.mark_present_and_close(org, activity, [org.member])
    with pytest.raises(StateConflict):
        activity_act(activity_id=activity.pk, action="close", actor=org.users["staff"])
    assert hours_rows(org.member) == [(Decimal("2.00"), 1)]


def test_partial_hours_refused_above_the_class_or_for_someone_not_invited(org):
    _activity, tc = make.training_class(org, hours="6", member_ids=[org.member.pk])
    staff = org.users["staff"]
    with pytest.raises(InvalidInput):
        services.attendee_hours_set(actor=staff, class_id=tc.pk, member_id=org.member.pk, hours="7")
    with pytest.raises(InvalidInput):
        services.attendee_hours_set(actor=staff, class_id=tc.pk, member_id=org.member2.pk, hours="2")
    with pytest.raises(NotAllowed):
        services.attendee_hours_set(actor=org.users["member"], class_id=tc.pk, member_id=org.member.pk, hours="2")
    assert AttendeeHours.objects.count() == 0


def test_plan_publish_authorization_and_execution(org):
    plan = make.plan(org)
    before = AuditEntry.objects.count()
    # a member, a leader: refused, nothing written
    for key in ("member", "leader"):
        with pytest.raises((NotAllowed, NotVisible)):
            services.plan_act(plan_id=plan.pk, action="publish", actor=org.users[key])
    assert AuditEntry.objects.count() == before
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    # the secretariat publishes; adding items is then refused
    services.plan_act(plan_id=plan.pk, action="publish", actor=org.users["staff"])
    plan.refresh_from_db()
    assert plan.state == PlanState.PUBLISHED
    with pytest.raises(StateConflict):
        services.plan_item_add(actor=org.users["staff"], plan_id=plan.pk, data={})
    # execution: the class item carried out by a held class, 1 of 2 attending
    item = plan.items.get(kind="member_class")
    activity = make.published(org, kind="training", title="委员履职能力培训班")
    services.item_activity_link(actor=org.users["staff"], item_id=item.pk, activity_id=activity.pk)
    make.mark_present_and_close(org, activity, [org.member])
    detail = read_models.plan_detail(org.users["leader"], plan)
    row = next(r for r in detail.items if r.id == item.pk)
    assert (row.held, row.planned_hours, row.given_hours, row.attendance_rate) == (
        True,
        Decimal("6.0"),
        Decimal("6.0"),
        50,
    )
    assert (detail.held_count, detail.item_count) == (1, 2)


def test_members_see_only_published_plans(org):
    plan = make.plan(org)
    assert read_models.visible_plans(org.users["member"]).count() == 0
    assert read_models.visible_plans(org.users["staff"]).count() == 1
    services.plan_act(plan_id=plan.pk, action="publish", actor=org.users["staff"])
    assert read_models.visible_plans(org.users["member"]).count() == 1


def test_paper_review_and_selection_record_duty_once(org):
    sem = make.seminar(org)
    paper = make.paper(org, sem)
    staff = org.users["staff"]
    # the author and another member may not review: nothing changes
    for key in ("member", "member2", "leader"):
        with pytest.raises((NotAllowed, NotVisible)):
            services.paper_act(paper_id=paper.pk, action="review", actor=org.users[key], payload={"decision": "accept"})
    paper.refresh_from_db()
    assert paper.state == PaperState.SUBMITTED and paper.reviewed_by is None
    with pytest.raises(StateConflict):
        services.paper_act(paper_id=paper.pk, action="select", actor=staff)
    services.paper_act(paper_id=paper.pk, action="review", actor=staff, payload={"decision": "accept", "comment": "好"})
    services.paper_act(paper_id=paper.pk, action="select", actor=staff)
    # a retried selection is refused by the state, and the ledger holds one row
    with pytest.raises(StateConflict):
        services.paper_act(paper_id=paper.pk, action="select", actor=staff)
    rows = DutyRecord.objects.filter(member=org.member, kind=DutyKind.SEMINAR_PAPER_SELECTED)
    assert list(rows.values_list("source_type", "source_id", "sign")) == [("training.seminarpaper", paper.pk, 1)]


def test_rejected_paper_records_nothing_and_cannot_be_selected(org):
    sem = make.seminar(org)
    paper = make.paper(org, sem)
    services.paper_act(paper_id=paper.pk, action="review", actor=org.users["staff"], payload={"decision": "reject"})
    with pytest.raises(StateConflict):
        services.paper_act(paper_id=paper.pk, action="select", actor=org.users["staff"])
    assert not DutyRecord.objects.filter(kind=DutyKind.SEMINAR_PAPER_SELECTED).exists()


def test_paper_submission_refused_to_staff_and_uninvited_members(org):
    sem = make.seminar(org, member_ids=[org.member.pk])
    with pytest.raises(NotAllowed):
        make.paper(org, sem, user=org.users["staff"])
    with pytest.raises(NotVisible):
        make.paper(org, sem, user=org.users["member2"])
    with pytest.raises(InvalidInput):
        services.paper_submit(
            actor=org.users["member"], seminar_id=sem.pk, title="题", abstract="摘要", name="x.html", data=b"<html>"
        )
    assert SeminarPaper.objects.count() == 0


def test_shortfall_uses_the_year_requirement(org):
    activity, _tc = make.training_class(org, hours="6", member_ids=[org.member.pk])
    make.mark_present_and_close(org, activity, [org.member])
    # default requirement (12): both short; set to 5: only member2
    names = [r["member"].pk for r in services.short_of_hours(year=2026)]
    assert org.member.pk in names and org.member2.pk in names
    services.requirement_set(actor=org.users["staff"], year=2026, hours="5")
    rows = {r["member"].pk: r for r in services.short_of_hours(year=2026)}
    assert org.member.pk not in rows
    assert (rows[org.member2.pk]["hours"], rows[org.member2.pk]["short"]) == (Decimal(0), Decimal("5.0"))
    with pytest.raises(NotAllowed):
        services.requirement_set(actor=org.users["leader"], year=2026, hours="1")
    assert StudyRequirement.objects.get(year=2026).hours == Decimal("5.0")


def test_autumn_reminder_once_per_member_and_year(org):
    services.requirement_set(actor=org.users["staff"], year=2026, hours="5")
    assert jobs.remind_short_of_hours(today=datetime.date(2026, 8, 31)) == {"members": 0, "secretariat": 0}
    first = jobs.remind_short_of_hours(today=datetime.date(2026, 9, 1))
    again = jobs.remind_short_of_hours(today=datetime.date(2026, 9, 2))
    short = len(services.short_of_hours(year=2026))
    with_account = sum(1 for r in services.short_of_hours(year=2026) if r["member"].user_id)
    assert short >= 2
    assert first == {"members": with_account, "secretariat": 1}
    assert again == {"members": 0, "secretariat": 0}
    assert Notification.objects.filter(kind="training.hours_short", recipient=org.users["member"]).count() == 1


def test_pages_show_plan_execution_class_hours_and_papers(org, client, django_assert_max_num_queries):
    plan = make.plan(org)
    activity, tc = make.training_class(org, hours="6")
    services.item_activity_link(
        actor=org.users["staff"], item_id=plan.items.get(kind="member_class").pk, activity_id=activity.pk
    )
    services.course_add(actor=org.users["staff"], class_id=tc.pk, title="政协理论", teacher="王教授", hours="3")
    services.attendee_hours_set(actor=org.users["staff"], class_id=tc.pk, member_id=org.member2.pk, hours="3")
    sem = make.seminar(org)
    make.paper(org, sem)
    client.force_login(org.users["staff"])
    with django_assert_max_num_queries(30):
        html = client.get(f"/training/plans/{plan.pk}/").content.decode()
    assert "委员履职能力培训班" in html and f"/training/classes/{tc.pk}/" in html
    html = client.get(f"/training/classes/{tc.pk}/").content.decode()
    assert "王教授" in html and "部分" in html
    html = client.get(f"/training/seminars/{sem.pk}/").content.decode()
    assert "论新时代政协协商民主" in html and 'data-testid="accept"' in html
    assert client.get("/training/study-hours/?year=2026").status_code == 200
    response = client.get("/training/study-hours/export/?year=2026")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # the member sees their own paper and no review buttons; the draft plan is hidden
    client.force_login(org.users["member"])
    html = client.get(f"/training/seminars/{sem.pk}/").content.decode()
    assert "论新时代政协协商民主" in html and 'data-testid="accept"' not in html
    assert client.get(f"/training/plans/{plan.pk}/").status_code == 404
    # a member's archive shows the study hours part
    html = client.get(reverse("duty:my_archive") + "?year=2026").content.decode()
    assert 'data-key="study_hours"' in html


def test_page_refusal_writes_nothing(org, client):
    sem = make.seminar(org)
    paper = make.paper(org, sem)
    client.force_login(org.users["member"])
    before = AuditEntry.objects.count()
    assert client.post(f"/training/papers/{paper.pk}/actions/select/").status_code == 403
    assert client.post("/training/study-hours/requirement/", {"year": "2026", "hours": "1"}).status_code == 403
    assert AuditEntry.objects.count() == before
    paper.refresh_from_db()
    assert paper.state == PaperState.SUBMITTED


def test_todo_lists_papers_to_review_and_a_members_missing_hours(org):
    from zhengxie.core.todo import todo_for
    from zhengxie.training.todo import member_items

    sem = make.seminar(org)
    make.paper(org, sem)
    staff_items = [i.title for i in todo_for(org.users["staff"]) if i.kind == "学习培训"]
    assert staff_items == ["审核研讨论文（1 篇）：人民政协协商民主理论研讨"]
    assert member_items(org.users["member"], datetime.date(2026, 8, 31)) == []
    items = member_items(org.users["member"], datetime.date(2026, 9, 2))
    assert [i.title for i in items] == ["学习培训学时未达要求（已完成 0 / 应完成 12）"]


def test_the_state_diagrams_in_the_docs_are_drawn_from_the_declarations():
    from pathlib import Path

    from django.conf import settings

    from zhengxie.training.workflow import PAPER, PLAN

    text = (Path(settings.BASE_DIR) / "docs" / "training.md").read_text(encoding="utf-8")
    for flow in (PLAN, PAPER):
        assert f"```mermaid\n{flow.mermaid()}\n```" in text, flow.name


@pytest.mark.parametrize("who", ["member", "leader", "office", "admin"])
def test_only_the_secretariat_manages_and_a_refusal_writes_nothing(org, who):
    plan = make.plan(org)
    activity, tc = make.training_class(org)
    item = plan.items.get(kind="member_class")
    actor = org.users[who]
    before = (AuditEntry.objects.count(), plan.items.count(), tc.courses.count(), Seminar.objects.count())
    attempts = [
        lambda: services.plan_create(actor=actor, year=2027, title="计划"),
        lambda: services.plan_item_add(actor=actor, plan_id=plan.pk, data={}),
        lambda: services.item_activity_link(actor=actor, item_id=item.pk, activity_id=activity.pk),
        lambda: services.item_activity_create(actor=actor, item_id=item.pk, place="会议室"),
        lambda: services.class_set_hours(actor=actor, activity_id=activity.pk, hours="2"),
        lambda: services.course_add(actor=actor, class_id=tc.pk, title="课", teacher="师", hours="1"),
        lambda: services.seminar_create(actor=actor, activity_id=activity.pk, theme="主题"),
        lambda: services.requirement_set(actor=actor, year=2026, hours="1"),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    plan.refresh_from_db()
    tc.refresh_from_db()
    item.refresh_from_db()
    assert (AuditEntry.objects.count(), plan.items.count(), tc.courses.count(), Seminar.objects.count()) == before
    assert (tc.hours, item.activity_id, TrainingPlan.objects.count()) == (Decimal("6.0"), None, 1)
