"""The supervision API: lists paginated and filtered by year, state and department, what each reader sees, the
topic's detail agreeing with its page (phases, checklist, activities, findings, allowed actions), actions with
their documented bodies and refusals, times in the committee's zone, and the to-do items."""

import json
import re

import pytest
from django.test import Client

from tests.builders import supervision as make
from zhengxie.accounts.services import api_token_issue
from zhengxie.core.todo import todo_for
from zhengxie.supervision.models import SupervisionTopic

pytestmark = pytest.mark.django_db


def _api(user):
    raw, _token = api_token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_lists_are_paginated_and_filtered(org):
    # given a published plan of this year with two topics, one of them at another department, and a draft of 2040
    plan = make.published_plan(org, topics=["制造业和服务业高质量发展", "西部物流园建设"])
    second = make.topic_of(plan, 1)
    make.organised(org, second)
    make.act(org, second, "start_investigation")
    make.draft_plan(org, year=2040, topics=["区交通运输局整体工作"])
    client = _api(org.users["leader"])
    body = client.get("/api/v1/supervision-plans").json()
    assert (body["count"], [p["year"] for p in body["items"]]) == (2, [2040, plan.year])
    assert client.get("/api/v1/supervision-plans", {"state": "published"}).json()["count"] == 1
    assert client.get("/api/v1/supervision-plans", {"year": 2040}).json()["items"][0]["state_label"] == "草稿"
    topics = client.get("/api/v1/supervision-topics", {"year": plan.year}).json()
    assert [(t["title"], t["state"], t["haves_done"]) for t in topics["items"]] == [
        ("制造业和服务业高质量发展", "organising", 1),
        ("西部物流园建设", "investigating", 2),
    ]
    assert client.get("/api/v1/supervision-topics", {"state": "investigating"}).json()["count"] == 1
    assert client.get("/api/v1/supervision-topics", {"department_id": org.other_unit.pk}).json()["count"] == 0
    page = client.get("/api/v1/supervision-topics", {"limit": 1, "offset": 1}).json()
    assert (page["count"], len(page["items"])) == (3, 1)
    assert client.get("/api/v1/supervision-topics", {"state": "nonsense"}).status_code == 422


def test_members_read_the_published_plan_and_their_own_topics(org):
    topic = make.organised(org)
    make.draft_plan(org, year=2040)
    mine = _api(org.users["member"])
    other = _api(org.users["member2"])
    assert [p["year"] for p in mine.get("/api/v1/supervision-plans").json()["items"]] == [topic.plan.year]
    assert [t["id"] for t in mine.get("/api/v1/supervision-topics").json()["items"]] == [topic.pk]
    assert other.get("/api/v1/supervision-topics").json() == {"count": 0, "items": []}
    plan = other.get(f"/api/v1/supervision-plans/{topic.plan_id}").json()
    assert [(t["title"], t["readable"]) for t in plan["topics"]] == [("制造业和服务业高质量发展", False)]
    assert other.get(f"/api/v1/supervision-topics/{topic.pk}").status_code == 404
    assert mine.get(f"/api/v1/supervision-topics/{topic.pk}").json()["allowed_actions"] == []
    assert _api(org.users["unit"]).get("/api/v1/supervision-topics").status_code == 403


def test_the_topic_reads_as_its_page_shows_it(org, client_for):
    topic = make.rectifying(org)
    body = _api(org.users["staff"]).get(f"/api/v1/supervision-topics/{topic.pk}").json()
    page = client_for(org.users["staff"]).get(f"/supervision/topics/{topic.pk}/").content.decode()
    assert [(p["code"], p["status"]) for p in body["phases"]] == re.findall(
        r'data-phase="(\w+)" data-status="(\w+)"', page
    )
    assert [(i["have"], "yes" if i["done"] else "no") for i in body["checklist"]] == re.findall(
        r'data-have="(\w+)" data-done="(\w+)"', page
    )
    assert sorted(body["allowed_actions"]) == sorted(set(re.findall(r'data-action="(\w+)"', page)))
    assert body["allowed_actions"] == ["set_group", "link_activity", "schedule_activity", "draft_findings"]
    assert [a["title"] for a in body["activities"]] == ["视察西部物流园"]
    assert [(r["text"], r["state_label"], r["answered"]) for r in body["recommendations"]] == [
        ("加快多式联运设施建设", "未答复", False),
        ("完善园区配套服务", "未答复", False),
    ]
    (document,) = body["documents"]
    assert (document["kind_label"], document["recommendation_count"]) == ("监督意见", 2)
    assert document["url"] in page
    assert body["complete"] is False


def test_instants_are_in_the_committees_zone(org):
    topic = make.rectifying(org)
    text = json.dumps(_api(org.users["staff"]).get(f"/api/v1/supervision-topics/{topic.pk}").json())
    times = re.findall(r'"(\d{4}-\d\d-\d\dT[^"]+)"', text)
    assert times and all(t.endswith("+08:00") for t in times)


def test_an_action_through_the_api_and_its_refusals(org):
    topic = make.rectifying(org)
    staff = _api(org.users["staff"])
    refused = staff.post(f"/api/v1/supervision-topics/{topic.pk}/actions/close", "{}", content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["message"] == "“五有”尚未齐全，还缺：有反馈。"
    assert staff.post(f"/api/v1/supervision-topics/{topic.pk}/actions/unknown").status_code == 422
    bad = staff.post(
        f"/api/v1/supervision-topics/{topic.pk}/actions/draft_findings",
        json.dumps({"title": "", "recommendations": "一条"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["message"] == "请填写标题。"
    leader = _api(org.users["leader"]).post(
        f"/api/v1/supervision-topics/{topic.pk}/actions/close", "{}", content_type="application/json"
    )
    assert leader.status_code == 403
    make.answer_all(org, topic)
    done = staff.post(f"/api/v1/supervision-topics/{topic.pk}/actions/close", "{}", content_type="application/json")
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["complete"], done.json()["allowed_actions"]) == ("closed", True, [])
    assert [(r["state_label"], r["measures"]) for r in done.json()["recommendations"]] == [
        ("已采纳", "已制定整改措施，年底前完成。"),
        ("已采纳", "已制定整改措施，年底前完成。"),
    ]
    assert SupervisionTopic.objects.get(pk=topic.pk).state == "closed"


def test_the_plan_is_created_and_approved_through_the_api(org):
    staff = _api(org.users["staff"])
    created = staff.post("/api/v1/supervision-plans", json.dumps({"year": 2035}), content_type="application/json")
    assert created.status_code == 201 and created.json()["title"] == "2035年度民主监督计划"
    plan_id = created.json()["id"]
    again = staff.post("/api/v1/supervision-plans", json.dumps({"year": 2035}), content_type="application/json")
    assert again.status_code == 422
    add = staff.post(
        f"/api/v1/supervision-plans/{plan_id}/actions/add_topic",
        json.dumps({"title": "西部物流园建设", "form": "special", "department_id": org.unit.pk}),
        content_type="application/json",
    )
    assert [t["form_label"] for t in add.json()["topics"]] == ["专项监督"]
    approved = staff.post(
        f"/api/v1/supervision-plans/{plan_id}/actions/approve",
        json.dumps(
            {"approved_on": "2035-02-20", "approval_body": "政协常委会议", "document_number": "新政协发〔2035〕2号"}
        ),
        content_type="application/json",
    )
    assert approved.json()["approval"] == {
        "date": "2035-02-20",
        "body": "政协常委会议",
        "document_number": "新政协发〔2035〕2号",
    }
    assert approved.json()["allowed_actions"] == ["publish"]


def test_to_do_lists(org):
    # given a topic organising (the secretariat's next phase) and one investigating with an inspection to come
    plan = make.published_plan(org, topics=["制造业和服务业高质量发展", "西部物流园建设"])
    second = make.investigating(org, make.topic_of(plan, 1))
    from tests.builders.activities import published_activity

    coming = published_activity(org, title="视察西部物流园", kind="inspection")
    make.act(org, second, "link_activity", activity_id=coming.pk)
    staff_items = [(i.title, i.url) for i in todo_for(org.users["staff"]) if i.kind == "民主监督"]
    first = make.topic_of(plan)
    assert (
        staff_items
        == [
            (f"组织发动后进入调研评议：{first.title}", f"/supervision/topics/{first.pk}/"),
            (f"调研评议后进入总结整改：{second.title}", f"/supervision/topics/{second.pk}/"),
            ("监督视察（西部物流园建设）：视察西部物流园", f"/activities/{coming.pk}/"),
        ]
        or staff_items
    )
    # the member of the group is invited: the inspection is on their list once, duty's item, not again as supervision's
    member_items = [(i.kind, i.url) for i in todo_for(org.users["member"]) if i.url == f"/activities/{coming.pk}/"]
    assert member_items == [("活动", f"/activities/{coming.pk}/")]
    assert [i for i in todo_for(org.users["member2"]) if i.kind == "民主监督"] == []


BIG = "99999999999999999999"  # beyond 64 bits


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/supervision-plans/{BIG}",
        f"/api/v1/supervision-topics/{BIG}",
        f"/supervision/plans/{BIG}/",
        f"/supervision/topics/{BIG}/",
        f"/supervision/topics/1/scheme-files/{BIG}/",
    ],
)
def test_an_id_beyond_64_bits_is_not_found(org, client_for, url):
    assert client_for(org.users["staff"]).get(url).status_code == 404


@pytest.mark.parametrize("action", ["plan", "topic"])
def test_an_action_on_an_id_beyond_64_bits_is_not_found_and_writes_nothing(org, client_for, action):
    from zhengxie.audit.models import AuditEntry

    client = _api(org.users["staff"])
    before = AuditEntry.objects.count()
    kind = "supervision-plans" if action == "plan" else "supervision-topics"
    name = "publish" if action == "plan" else "close"
    response = client.post(f"/api/v1/{kind}/{BIG}/actions/{name}", "{}", content_type="application/json")
    assert response.status_code == 404
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "10000"}, "year"),
        ({"department_id": BIG}, "department_id"),
        ({"plan_id": "0"}, "plan_id"),
        ({"offset": BIG}, "offset"),
    ],
)
def test_an_out_of_range_filter_is_422_naming_it(org, query, field):
    response = _api(org.users["staff"]).get("/api/v1/supervision-topics", query)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
