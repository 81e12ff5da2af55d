"""The follow-up API's contract: paginated lists filtered by year, source, department and state, each visible only
to who may see it; a recommendation's detail with its allowed actions and timeline; the actions with their error
contract (nothing written on refusal); evidence upload and download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.accounts.services import api_token_issue
from zhengxie.audit.models import AuditEntry
from zhengxie.followup.choices import Source
from zhengxie.followup.models import Evidence, Recommendation, RecommendationUpdate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api(org, client):
    def call(who, method, path, body=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=org.users[who])[0]}"}
        if method == "get":
            return client.get(path, body or {}, **headers)
        if extra.get("multipart"):
            return client.post(path, body, **headers)
        return getattr(client, method)(path, body or {}, content_type="application/json", **headers)

    return call


def _ids(response) -> list[int]:
    return sorted(item["id"] for item in response.json()["items"])


def test_lists_are_filtered_paginated_and_visible_only_to_who_may_see_them(org, api):
    # given a consultation's document this year and a key proposal's last year, each to both units
    this = make_document(org, year=2026)
    last = make_document(org, year=2025, source=Source.KEY_PROPOSAL, actor=org.users["office"])
    a, b = recommendation_ids(this)
    c, d = recommendation_ids(last)
    # then the secretariat sees all four, filtered as asked
    assert _ids(api("staff", "get", "/api/v1/recommendations")) == [a, b, c, d]
    assert _ids(api("staff", "get", "/api/v1/recommendations", {"year": 2026})) == [a, b]
    assert _ids(api("staff", "get", "/api/v1/recommendations", {"source": "key_proposal"})) == [c, d]
    assert _ids(api("staff", "get", "/api/v1/recommendations", {"unit_id": org.unit.pk})) == [a, c]
    assert _ids(api("staff", "get", "/api/v1/recommendations", {"state": "adopted"})) == []
    page = api("staff", "get", "/api/v1/recommendations", {"limit": 3, "offset": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    # a department only its own, whatever it asks for; the office only key proposals'
    assert _ids(api("unit", "get", "/api/v1/recommendations")) == [a, c]
    assert _ids(api("unit", "get", "/api/v1/recommendations", {"unit_id": org.other_unit.pk})) == []
    assert _ids(api("office", "get", "/api/v1/recommendations")) == [c, d]
    assert _ids(api("staff", "get", "/api/v1/outcome-documents")) == [this, last]
    assert _ids(api("staff", "get", "/api/v1/outcome-documents", {"source": "consultation"})) == [this]
    assert _ids(api("office", "get", "/api/v1/outcome-documents")) == [last]
    assert api("member", "get", "/api/v1/recommendations").status_code == 403
    assert api("staff", "get", "/api/v1/recommendations", {"state": "nonsense"}).status_code == 422


def test_a_recommendation_s_detail_answers_its_actions_and_timeline(org, api):
    rec = recommendation_ids(make_document(org))[0]
    body = api("unit", "get", f"/api/v1/recommendations/{rec}").json()
    assert [a["name"] for a in body["allowed_actions"]] == ["answer"]
    assert (body["state"], body["state_label"], body["percent"], body["stale"]) == ("not_answered", "未答复", 0, False)
    assert body["last_update_at"].endswith("+08:00")
    assert api("staff", "get", f"/api/v1/recommendations/{rec}").json()["allowed_actions"] == []
    # when the department answers and updates through the API
    r = api("unit", "post", f"/api/v1/recommendations/{rec}/actions/answer", {"status": "adopted", "note": "采纳"})
    assert r.status_code == 200 and r.json()["state"] == "adopted"
    assert [a["name"] for a in r.json()["allowed_actions"]] == ["update_progress"]
    r = api(
        "unit",
        "post",
        f"/api/v1/recommendations/{rec}/actions/update_progress",
        {"percent": 35, "note": "已完成选址", "date": "2026-03-02"},
    )
    body = r.json()
    assert (body["state"], body["percent"]) == ("in_progress", 35)
    assert [(t["action"], t["to_state_label"], t["to_percent"], t["note"]) for t in body["timeline"]] == [
        ("create", "未答复", 0, ""),
        ("answer", "已采纳", None, "采纳"),
        ("update_progress", "落实中", 35, "已完成选址"),
    ]
    assert body["timeline"][-1]["date"] == "2026-03-02"


@pytest.mark.parametrize(
    ("who", "action", "body", "status"),
    [
        ("unit2", "answer", {"status": "adopted", "note": "x"}, 404),
        ("staff", "answer", {"status": "adopted", "note": "x"}, 403),
        ("unit", "update_progress", {"percent": 10, "note": "x"}, 409),
        ("unit", "answer", {"status": "maybe", "note": "x"}, 422),
        ("unit", "answer", {"status": "adopted"}, 422),
        ("unit", "answer", ["not", "an", "object"], 422),
        ("unit", "nonsense", {}, 422),
    ],
)
def test_refused_actions_answer_the_error_contract_and_write_nothing(org, api, who, action, body, status):
    rec = recommendation_ids(make_document(org))[0]
    before = (
        RecommendationUpdate.objects.count(),
        AuditEntry.objects.filter(object_type__startswith="followup").count(),
        Recommendation.objects.get(pk=rec).state,
    )
    r = api(who, "post", f"/api/v1/recommendations/{rec}/actions/{action}", body)
    assert r.status_code == status
    assert r.json()["message"]
    after = (
        RecommendationUpdate.objects.count(),
        AuditEntry.objects.filter(object_type__startswith="followup").count(),
        Recommendation.objects.get(pk=rec).state,
    )
    assert after == before


def test_the_secretariat_sends_and_records_an_instruction_through_the_api(org, api):
    doc = make_document(org)
    r = api("staff", "post", f"/api/v1/outcome-documents/{doc}/actions/send", {"sent_to": "区委", "date": "2026-01-05"})
    assert r.status_code == 200
    assert (r.json()["state"], r.json()["sent_on"]) == ("sent", "2026-01-05")
    r = api(
        "staff",
        "post",
        f"/api/v1/outcome-documents/{doc}/actions/record_instruction",
        {"leader": "区长", "level": "main", "date": "2026-01-06", "text": "抓紧落实"},
    )
    assert [(i["leader"], i["level_label"]) for i in r.json()["instructions"]] == [("区长", "主要领导")]
    # a department reads the document with only its own recommendation
    body = api("unit", "get", f"/api/v1/outcome-documents/{doc}").json()
    assert [rec["unit_id"] for rec in body["recommendations"]] == [org.unit.pk]
    assert body["allowed_actions"] == []


def test_evidence_is_uploaded_by_the_department_and_downloaded_by_who_sees_it(org, api):
    rec = recommendation_ids(make_document(org))[0]
    upload = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    r = api("unit", "post", f"/api/v1/recommendations/{rec}/evidence", {"file": upload}, multipart=True)
    assert r.status_code == 409  # not adopted yet
    api("unit", "post", f"/api/v1/recommendations/{rec}/actions/answer", {"status": "partly_adopted", "note": "部分"})
    upload = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    r = api("unit", "post", f"/api/v1/recommendations/{rec}/evidence", {"file": upload}, multipart=True)
    assert r.status_code == 201
    url = r.json()["url"]
    assert b"".join(api("leader", "get", url).streaming_content) == PDF
    assert api("unit2", "get", url).status_code == 404
    bad = SimpleUploadedFile("方案.html", PDF, content_type="text/html")
    r = api("unit", "post", f"/api/v1/recommendations/{rec}/evidence", {"file": bad}, multipart=True)
    assert r.status_code == 422
    assert Evidence.objects.count() == 1
    timeline = api("unit", "get", f"/api/v1/recommendations/{rec}").json()["timeline"]
    assert [t["action"] for t in timeline] == ["create", "answer", "add_evidence"]
    assert timeline[1]["evidence"][0]["name"] == "方案.pdf"
