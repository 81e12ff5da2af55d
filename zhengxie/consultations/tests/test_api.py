"""The API: plans with versions, steps, items, difference and allowed actions; actions with their documented bodies
and the error contract (nothing written on refusal); consultations with warnings and documents; suggestions;
filters by year and state."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.builders import consultations as make
from zhengxie.accounts.services import api_token_issue
from zhengxie.api import api
from zhengxie.consultations.models import ConsultationPlan, PlanItem

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    raw, _token = api_token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_plan_is_built_and_published_through_the_api(org):
    staff = _client(org.users["staff"])
    plan = staff.post("/api/v1/consultation-plans", {"year": 2026}, content_type="application/json").json()
    base = f"/api/v1/consultation-plans/{plan['id']}/actions/"
    for item in make.ITEMS:
        assert staff.post(base + "add_item", item, content_type="application/json").status_code == 200
    for action, body, number in make.STEPS:
        r = staff.post(
            base + action,
            {"date": "2026-03-01", "body": body, "document_number": number},
            content_type="application/json",
        )
        assert r.status_code == 200, r.json()
    out = r.json()
    assert (out["state"], out["state_label"], out["version"], out["published_on"]) == (
        "published",
        "已发布",
        1,
        "2026-03-01",
    )
    assert [s["action_label"] for s in out["steps"]] == ["征求党政意见", "主席会议审议", "区委审定", "发布"]
    assert [(i["topic"], i["form_label"], i["status"], i["progress"]) for i in out["items"]] == [
        ("南矶湿地观鸟经济发展", "专题协商会", "未启动", None),
        ("数字燃气安全", "协商座谈会", "未启动", None),
    ]
    assert out["allowed_actions"] == ["amend"]
    # a published version refuses edits with 409 and writes nothing
    before = list(PlanItem.objects.values())
    r = staff.post(base + "add_item", make.ITEMS[0], content_type="application/json")
    assert (r.status_code, r.json()["message"]) == (409, "计划当前状态（已发布）不能添加项目。")
    assert list(PlanItem.objects.values()) == before
    # an amendment answers the new version with its difference (nothing changed yet)
    v2 = staff.post(base + "amend", {"reason": "调整"}, content_type="application/json").json()
    assert (v2["version"], v2["state"], v2["previous_id"]) == (2, "draft", plan["id"])
    assert v2["diff"] == {"base_id": plan["id"], "base_version": 1, "added": [], "removed": [], "changed": []}
    assert [v["version"] for v in v2["versions"]] == [1, 2]


def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(org):
    plan = make.draft_plan(org)
    staff = _client(org.users["staff"])
    r = staff.post(
        f"/api/v1/consultation-plans/{plan.pk}/actions/add_item",
        {"form": "nonsense", "topic": "", "planned_month": 13},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"form", "topic", "planned_month"}
    assert plan.items.count() == 2
    assert (
        staff.post(f"/api/v1/consultation-plans/{plan.pk}/actions/fly", {}, content_type="application/json").status_code
        == 404
    )


def test_lists_filter_by_year_and_state_and_members_see_published_only(org):
    make.published_plan(org)
    make.draft_plan(org, year=2027)
    staff, member = _client(org.users["staff"]), _client(org.users["member"])
    assert staff.get("/api/v1/consultation-plans").json()["count"] == 2
    assert [p["year"] for p in staff.get("/api/v1/consultation-plans?state=draft").json()["items"]] == [2027]
    assert [p["year"] for p in staff.get("/api/v1/consultation-plans?year=2026").json()["items"]] == [2026]
    assert [p["year"] for p in member.get("/api/v1/consultation-plans").json()["items"]] == [2026]
    assert staff.get("/api/v1/consultation-plans?state=bogus").status_code == 422


def test_a_consultation_reads_with_its_warnings_and_documents(org):
    c = make.in_research(org, make.key_research(org))
    make.with_meeting(org, c, start=timezone.now() + datetime.timedelta(days=5))
    staff = _client(org.users["staff"])
    out = staff.get(f"/api/v1/consultations/{c.pk}").json()
    assert out["state_label"] == "协商会"
    assert [w["code"] for w in out["warnings"]] == ["notice", "materials"]
    assert out["meeting"]["notice_on"] == timezone.localdate().isoformat()
    assert [g["name"] for g in out["group"]] == ["张委员"]
    assert "record_meeting" in out["allowed_actions"]
    listed = staff.get("/api/v1/consultations?kind=key_research&state=meeting").json()
    assert [i["id"] for i in listed["items"]] == [c.pk]
    assert staff.get("/api/v1/consultations?state=closed").json() == {"count": 0, "items": []}


def test_members_suggest_topics_and_see_their_own(org):
    member, member2 = _client(org.users["member"]), _client(org.users["member2"])
    r = member.post(
        "/api/v1/topic-suggestions", {"year": 2026, "title": "数字燃气安全"}, content_type="application/json"
    )
    assert (r.status_code, r.json()["source_label"], r.json()["by"]) == (201, "委员", "张委员")
    assert member2.get("/api/v1/topic-suggestions").json()["count"] == 0
    staff = _client(org.users["staff"])
    r = staff.post(
        "/api/v1/topic-suggestions",
        {"year": 2026, "title": "总部经济", "source": "leader", "source_name": "区委书记"},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert [s["source"] for s in staff.get("/api/v1/topic-suggestions").json()["items"]] == ["leader", "member"]


def test_every_action_has_a_documented_body():
    schema = api.get_openapi_schema()
    for path in (
        "/api/v1/consultation-plans/{plan_id}/actions/{action}",
        "/api/v1/consultations/{consultation_id}/actions/{action}",
    ):
        body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        titles = {s["title"] for s in body["schema"]["anyOf"]}
        assert titles == set(body["examples"])
    assert ConsultationPlan.objects.count() == 0
