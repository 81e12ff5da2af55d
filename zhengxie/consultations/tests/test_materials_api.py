"""Materials through the API: uploaded as on the page (the same checked upload and the same audit row), listed in
the consultation's detail with their download addresses, downloaded by its readers; a bad file, a wrong stage, a
wrong role or a closed consultation is refused with nothing written."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.builders import consultations as make
from zhengxie.accounts.services import api_token_issue
from zhengxie.audit.models import AuditEntry
from zhengxie.consultations import services
from zhengxie.consultations.models import Material

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _client(user) -> Client:
    raw, _token = api_token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _pdf(name="情况通报.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _written(tmp_path):
    return (
        Material.objects.count(),
        AuditEntry.objects.filter(action="consultation.add_material").count(),
        sorted(p.name for p in tmp_path.rglob("*") if p.is_file()),
    )


def test_a_material_uploaded_through_the_api_is_listed_and_downloaded(org, tmp_path):
    # given a consultation in its briefing stage
    c = make.consultation_of(org, make.published_plan(org).items.order_by("planned_month").first())
    make.act(org, c, "confirm_topic", background="背景")
    staff, leader = _client(org.users["staff"]), _client(org.users["leader"])
    # when the secretariat uploads a meeting material through the API
    response = staff.post(f"/api/v1/consultations/{c.pk}/materials", {"file": _pdf(), "stage": "meeting"})
    # then it is stored with its checked type and checksum, and answered with its download address
    assert response.status_code == 201, response.json()
    out = response.json()
    material = Material.objects.get()
    assert out == {
        "id": material.pk,
        "stage": "meeting",
        "stage_label": "协商会",
        "name": "情况通报.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "uploaded_at": out["uploaded_at"],
        "url": f"/api/v1/consultations/{c.pk}/materials/{material.pk}",
    }
    assert out["uploaded_at"].endswith("+08:00")
    # and audited as the page's upload is
    entry = AuditEntry.objects.get(action="consultation.add_material")
    assert (entry.actor_id, entry.object_id) == (org.users["staff"].pk, str(c.pk))
    # and the consultation's detail lists it; a leader downloads it from there
    (listed,) = leader.get(f"/api/v1/consultations/{c.pk}").json()["materials"]
    assert listed == out
    download = leader.get(listed["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    # and without a stage it is a material of the current stage
    second = staff.post(f"/api/v1/consultations/{c.pk}/materials", {"file": _pdf("通报提纲.pdf")}).json()
    assert second["stage"] == "briefing"


@pytest.mark.parametrize(
    ("upload", "field"),
    [
        (lambda: _pdf(data=b""), "file"),  # empty
        (lambda: _pdf("脚本.pdf", b"#!/bin/sh\nrm -rf /\n"), "file"),  # not a PDF whatever its name
        (lambda: _pdf("情况通报.html"), "file"),  # a PDF named as a page
        (lambda: _pdf(data=PDF + b"0" * services.MATERIAL_MAX_BYTES), "file"),  # one past 20 MB
    ],
)
def test_a_bad_file_is_422_and_nothing_is_written(org, tmp_path, upload, field):
    c = make.key_research(org)
    staff = _client(org.users["staff"])
    before = _written(tmp_path)
    response = staff.post(f"/api/v1/consultations/{c.pk}/materials", {"file": upload()})
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert _written(tmp_path) == before


def test_an_unknown_stage_or_a_missing_file_is_422(org, tmp_path):
    c = make.key_research(org)
    staff = _client(org.users["staff"])
    before = _written(tmp_path)
    bad = staff.post(f"/api/v1/consultations/{c.pk}/materials", {"file": _pdf(), "stage": "closed_soon"})
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["stage"]
    assert staff.post(f"/api/v1/consultations/{c.pk}/materials", {"stage": "topic"}).status_code == 422
    assert _written(tmp_path) == before


def test_who_may_upload_and_a_cancelled_consultation(org, tmp_path):
    c = make.key_research(org)
    leader, member, staff = (_client(org.users[k]) for k in ("leader", "member", "staff"))
    before = _written(tmp_path)
    # leaders read the consultation but do not upload; members do not see it
    assert leader.post(f"/api/v1/consultations/{c.pk}/materials", {"file": _pdf()}).status_code == 403
    assert member.post(f"/api/v1/consultations/{c.pk}/materials", {"file": _pdf()}).status_code == 404
    assert Client().post(f"/api/v1/consultations/{c.pk}/materials", {"file": _pdf()}).status_code == 401
    assert staff.post(f"/api/v1/consultations/{2**64}/materials", {"file": _pdf()}).status_code == 404
    # a cancelled consultation takes no more materials
    make.act(org, c, "cancel", reason="并入全体会议协商")
    refused = staff.post(f"/api/v1/consultations/{c.pk}/materials", {"file": _pdf()})
    assert refused.status_code == 409 and refused.json()["message"] == "协商已办结或取消，不能再上传材料。"
    assert _written(tmp_path) == before


def test_a_material_is_downloaded_only_through_its_own_consultation(org, tmp_path):
    c = make.key_research(org)
    other = make.key_research(org, title="楼宇经济研究")
    material = services.material_add(consultation_id=c.pk, actor=org.users["staff"], name="方案.pdf", data=PDF)
    staff = _client(org.users["staff"])
    assert staff.get(f"/api/v1/consultations/{c.pk}/materials/{material.pk}").status_code == 200
    assert staff.get(f"/api/v1/consultations/{other.pk}/materials/{material.pk}").status_code == 404
    assert staff.get(f"/api/v1/consultations/{c.pk}/materials/{2**64}").status_code == 404
    assert _client(org.users["member"]).get(f"/api/v1/consultations/{c.pk}/materials/{material.pk}").status_code == 404
