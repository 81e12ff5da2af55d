"""Removing a course from a class before the class is held (refused once it has begun), and reconsidering a seminar
paper's review decision while the seminar's selection is open (refused once the seminar is closed) — both audited,
a refusal writing nothing."""

import datetime

import pytest
from django.utils import timezone

from tests.builders import training as make
from zhengxie.audit import labels
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, StateConflict
from zhengxie.duty.models import Activity
from zhengxie.training import services
from zhengxie.training.models import Course, PaperState, Seminar
from zhengxie.training.workflow import PAPER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _coming_class(org):
    start = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    _activity, tc = make.training_class(org, hours="6", start=start)
    return tc


def _course(org, tc, title="政协理论与实务"):
    return services.course_add(actor=org.users["staff"], class_id=tc.pk, title=title, teacher="王教授", hours="3")


def _in_words(action: str) -> None:
    for e in AuditEntry.objects.filter(action=action):
        assert labels.unnamed_keys(e.object_type, e.changes, e.action) == [], action
    assert str(labels.action_labels()[action]) != action


# Courses ---------------------------------------------------------------------------------------------------------


def test_a_course_is_removed_before_the_class_is_held_and_audited(org):
    tc = _coming_class(org)
    keep, gone = _course(org, tc, "政协理论与实务"), _course(org, tc, "调查研究方法")
    services.course_remove(actor=org.users["staff"], course_id=gone.pk)
    assert list(tc.courses.values_list("pk", flat=True)) == [keep.pk]
    row = AuditEntry.objects.get(action="training.remove_course")
    assert row.changes == {"course": [{"title": "调查研究方法", "teacher": "王教授", "hours": "3.0"}, None]}
    _in_words("training.remove_course")


def test_a_course_is_not_removed_once_the_class_has_begun(org):
    tc = _coming_class(org)
    course = _course(org, tc)
    before = AuditEntry.objects.count()
    started = Activity.objects.get(pk=tc.activity_id).start + datetime.timedelta(minutes=5)
    with pytest.raises(StateConflict, match="开始举办，课程不能再删除"):
        services.course_remove(actor=org.users["staff"], course_id=course.pk, now=started)
    assert Course.objects.filter(pk=course.pk).exists()
    assert AuditEntry.objects.count() == before


def test_a_course_of_a_held_class_is_not_removed_and_the_page_says_why(org, client_for):
    activity, tc = make.training_class(org, hours="6")  # April 2026, already past
    course = _course(org, tc)
    make.mark_present_and_close(org, activity, [org.member])
    client = client_for(org.users["staff"])
    page = client.get(f"/training/classes/{tc.pk}/").content.decode()
    assert 'data-testid="course-remove"' not in page
    response = client.post(f"/training/courses/{course.pk}/remove/", follow=True)
    assert "培训班已于2026-04-14 09:00开始举办，课程不能再删除。" in response.content.decode()
    assert Course.objects.filter(pk=course.pk).exists()


def test_the_page_removes_a_course_and_refuses_others(org, client_for):
    tc = _coming_class(org)
    course = _course(org, tc)
    page = client_for(org.users["staff"]).get(f"/training/classes/{tc.pk}/").content.decode()
    assert f'action="/training/courses/{course.pk}/remove/"' in page
    assert client_for(org.users["member"]).post(f"/training/courses/{course.pk}/remove/").status_code == 403
    assert client_for(org.users["staff"]).post("/training/courses/999999/remove/").status_code == 404
    with pytest.raises(NotAllowed):
        services.course_remove(actor=org.users["leader"], course_id=course.pk)
    assert Course.objects.filter(pk=course.pk).exists()
    response = client_for(org.users["staff"]).post(f"/training/courses/{course.pk}/remove/", follow=True)
    assert "已删除课程：政协理论与实务" in response.content.decode()
    assert not Course.objects.filter(pk=course.pk).exists()


# Reconsidering a review ------------------------------------------------------------------------------------------


def _reviewed(org, decision="accept"):
    sem = make.seminar(org)
    paper = make.paper(org, sem)
    services.paper_act(
        paper_id=paper.pk,
        action="review",
        actor=org.users["staff"],
        payload={"decision": decision, "comment": "论证不足"},
    )
    paper.refresh_from_db()
    return sem, paper


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_review_decision_is_reconsidered_while_the_selection_is_open(org, decision):
    _sem, paper = _reviewed(org, decision)
    staff = org.users["staff"]
    assert "reconsider" in PAPER.allowed(paper, staff)
    services.paper_act(paper_id=paper.pk, action="reconsider", actor=staff, payload={"reason": "作者补充了调研数据"})
    paper.refresh_from_db()
    assert (paper.state, paper.review_comment, paper.reviewed_by, paper.reviewed_at) == (
        PaperState.SUBMITTED,
        "",
        None,
        None,
    )
    old = PaperState.ACCEPTED if decision == "accept" else PaperState.REJECTED
    row = AuditEntry.objects.get(action="seminar_paper.reconsider")
    assert row.changes == {
        "state": [old, "submitted"],
        "review_comment": ["论证不足", ""],
        "reason": [None, "作者补充了调研数据"],
    }
    _in_words("seminar_paper.reconsider")
    # and it can be reviewed again
    services.paper_act(paper_id=paper.pk, action="review", actor=staff, payload={"decision": "accept"})
    paper.refresh_from_db()
    assert paper.state == PaperState.ACCEPTED


def test_reconsidering_needs_a_reason_and_the_secretariat(org):
    _sem, paper = _reviewed(org)
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput):
        services.paper_act(paper_id=paper.pk, action="reconsider", actor=org.users["staff"], payload={"reason": " "})
    with pytest.raises(NotAllowed):
        services.paper_act(paper_id=paper.pk, action="reconsider", actor=org.users["member"], payload={"reason": "x"})
    paper.refresh_from_db()
    assert paper.state == PaperState.ACCEPTED and AuditEntry.objects.count() == before


def test_a_selected_paper_is_not_reconsidered(org):
    _sem, paper = _reviewed(org)
    staff = org.users["staff"]
    services.paper_act(paper_id=paper.pk, action="select", actor=staff)
    with pytest.raises(StateConflict):
        services.paper_act(paper_id=paper.pk, action="reconsider", actor=staff, payload={"reason": "再议"})


def test_no_reconsidering_once_the_seminar_is_closed(org, client_for):
    sem, paper = _reviewed(org)
    activity = Activity.objects.get(pk=sem.activity_id)
    make.mark_present_and_close(org, activity, [org.member], start=activity.start)
    staff = org.users["staff"]
    paper.refresh_from_db()
    assert "reconsider" not in PAPER.allowed(paper, staff)
    before = AuditEntry.objects.count()
    with pytest.raises(StateConflict, match="论文评选已经结束，不能再重新审核"):
        services.paper_act(paper_id=paper.pk, action="reconsider", actor=staff, payload={"reason": "再议"})
    # the page says why; the API refuses with 409 and the message
    response = client_for(staff).post(
        f"/training/papers/{paper.pk}/actions/reconsider/", {"reason": "再议"}, follow=True
    )
    assert "本次理论研讨的论文评选已经结束，不能再重新审核。" in response.content.decode()
    api = client_for(staff).post(
        f"/api/v1/seminar-papers/{paper.pk}/actions/reconsider", {"reason": "再议"}, content_type="application/json"
    )
    assert api.status_code == 409 and "评选已经结束" in api.json()["message"]
    paper.refresh_from_db()
    assert paper.state == PaperState.ACCEPTED and AuditEntry.objects.count() == before


def test_the_seminar_page_offers_reconsidering_and_takes_it(org, client_for, django_assert_max_num_queries):
    sem, paper = _reviewed(org)
    for n in range(3):  # more reviewed papers: the page asks the seminar's state once, not per paper
        extra = make.paper(org, sem, title=f"论文{n}")
        services.paper_act(paper_id=extra.pk, action="review", actor=org.users["staff"], payload={"decision": "reject"})
    client = client_for(org.users["staff"])
    client.get(f"/training/seminars/{sem.pk}/")
    with django_assert_max_num_queries(7):  # 11 if each paper asked for the seminar
        page = client.get(f"/training/seminars/{sem.pk}/").content.decode()
    assert page.count('data-testid="reconsider"') == 4
    response = client.post(f"/training/papers/{paper.pk}/actions/reconsider/", {"reason": "作者申请复核"}, follow=True)
    assert "已撤回审核结论，论文重新待审核" in response.content.decode()
    paper.refresh_from_db()
    assert paper.state == PaperState.SUBMITTED
    assert Seminar.objects.count() == 1
