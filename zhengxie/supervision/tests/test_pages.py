"""The supervision pages: what each reader sees, the actions offered, a refused step shown in words with nothing
written, the topic page with its phase bar, five haves, activities, findings and the department's answers, and
the query counts of the lists."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import supervision as make
from zhengxie.supervision.models import SupervisionTopic

pytestmark = pytest.mark.django_db


def test_the_secretariat_creates_a_plan_from_the_page(org, client_for):
    client = client_for(org.users["staff"])
    response = client.post("/supervision/plans/new/", {"year": "2027", "title": "", "description": ""})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2027年度民主监督计划" in page
    assert 'data-action="add_topic"' in page


def test_members_see_the_published_plan_only(org, client_for):
    draft = make.draft_plan(org, year=2030)
    published = make.published_plan(org, year=2031)
    client = client_for(org.users["member2"])
    page = client.get("/supervision/").content.decode()
    assert published.title in page and draft.title not in page
    assert client.get(f"/supervision/plans/{draft.pk}/").status_code == 404
    page = client.get(f"/supervision/plans/{published.pk}/").content.decode()
    assert "制造业和服务业高质量发展" in page
    assert "data-action=" not in page
    # a topic of a group the member is not in is listed but not opened
    topic = make.topic_of(published)
    assert client.get(f"/supervision/topics/{topic.pk}/").status_code == 404


def test_a_group_member_opens_their_topic_without_actions(org, client_for):
    topic = make.organised(org)
    response = client_for(org.users["member"]).get(f"/supervision/topics/{topic.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-action=" not in page
    assert "张委员" in page


def test_the_topic_page_shows_phases_checklist_and_the_refused_close(org, client_for):
    topic = make.rectifying(org)
    client = client_for(org.users["staff"])
    page = client.get(f"/supervision/topics/{topic.pk}/").content.decode()
    assert re.findall(r'data-phase="(\w+)" data-status="(\w+)"', page) == [
        ("organising", "done"),
        ("investigating", "done"),
        ("rectifying", "current"),
        ("closed", "todo"),
    ]
    assert re.findall(r'data-have="(\w+)" data-done="(\w+)"', page) == [
        ("plan", "yes"),
        ("scheme", "yes"),
        ("research", "yes"),
        ("findings", "yes"),
        ("feedback", "no"),
    ]
    assert "视察西部物流园" in page and "加快多式联运设施建设" in page
    assert 'data-action="close"' not in page
    assert "“五有”尚未齐全，还缺：有反馈。" in page
    # posting the step anyway is refused in words, and nothing moves
    response = client.post(f"/supervision/topics/{topic.pk}/act/close/")
    assert response.status_code == 409
    assert "“五有”尚未齐全，还缺：有反馈。" in response.content.decode()
    assert SupervisionTopic.objects.get(pk=topic.pk).state == "rectifying"
    # once the department has answered, it closes with the declared message
    make.answer_all(org, topic)
    page = client.get(f"/supervision/topics/{topic.pk}/").content.decode()
    assert 'data-action="close"' in page and "已采纳" in page
    assert page.count("已制定整改措施，年底前完成。") == 2  # each recommendation's measures
    response = client.post(f"/supervision/topics/{topic.pk}/act/close/", follow=True)
    assert "议题已办结" in response.content.decode()
    assert SupervisionTopic.objects.get(pk=topic.pk).state == "closed"


def test_a_form_refusal_names_the_field(org, client_for):
    topic = make.investigating(org)
    client = client_for(org.users["staff"])
    response = client.post(
        f"/supervision/topics/{topic.pk}/act/draft_findings/", {"title": "", "recommendations": "一条"}
    )
    assert response.status_code == 422
    assert "请填写标题。" in response.content.decode()


def test_group_form_and_scheme_upload(org, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    topic = make.topic_of(make.published_plan(org))
    client = client_for(org.users["staff"])
    response = client.post(
        f"/supervision/topics/{topic.pk}/act/set_group/",
        {"member_ids": [org.member.pk, org.member2.pk], "staff_ids": [org.users["staff"].pk]},
    )
    assert response.status_code == 302
    assert sorted(topic.members.values_list("name", flat=True)) == ["张委员", "李委员"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(
        f"/supervision/topics/{topic.pk}/scheme-files/", {"file": SimpleUploadedFile("方案.pdf", pdf)}
    )
    assert response.status_code == 302
    page = client.get(f"/supervision/topics/{topic.pk}/").content.decode()
    assert "方案.pdf" in page and 'data-have="scheme" data-done="yes"' in page
    file_pk = topic.scheme_files.get().pk
    download = client_for(org.users["member"]).get(f"/supervision/topics/{topic.pk}/scheme-files/{file_pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf


def test_list_pages_read_a_fixed_number_of_queries(org, client_for):
    # given a plan of two topics and one of six
    plan = make.published_plan(org, topics=["一", "二"])
    larger = make.draft_plan(org, year=2050, topics=["甲", "乙", "丙", "丁", "戊", "己"])
    client = client_for(org.users["leader"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/supervision/plans/{plan.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/supervision/plans/{larger.pk}/").status_code == 200
    # then the plan page reads as many statements for six topics as for two
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as listing:
        assert client.get("/supervision/").status_code == 200
    make.draft_plan(org, year=2060)
    make.draft_plan(org, year=2061)
    with CaptureQueriesContext(connection) as longer:
        assert client.get("/supervision/").status_code == 200
    assert len(longer) == len(listing)
