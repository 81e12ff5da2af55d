"""PATCH /api/v1/activities/{id}: a draft activity's organisers change the fields they send (the others keep their
values), checked as when creating it and audited; a published activity is 409, and refusals change nothing."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.builders.activities import draft_activity, published_activity
from tests.builders.org import PASSWORD
from zhengxie.audit.models import AuditEntry

from .test_activity_edit import _edits, _row

pytestmark = pytest.mark.django_db


def _api(username: str) -> tuple[Client, dict]:
    client = Client()
    response = client.post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return client, {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _patch(username: str, activity_id: int, body: dict):
    client, headers = _api(username)
    return client.patch(
        f"/api/v1/activities/{activity_id}", json.dumps(body), content_type="application/json", **headers
    )


def _fields_refused(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_patch_changes_the_fields_sent_and_keeps_the_others(org):
    a = draft_activity(org)
    before = _row(a)
    response = _patch("demo-staff", a.pk, {"place": "区政协二楼会议室", "invitees": {"all": True}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["place"], body["title"], body["state"]) == ("区政协二楼会议室", "经济界别调研活动", "draft")
    assert "edit" in body["allowed_actions"]
    after = _row(a)
    assert after["place"] == "区政协二楼会议室" and after["invitees_spec"]["all"] is True
    assert {k: v for k, v in after.items() if k not in ("place", "invitees_spec")} == {
        k: v for k, v in before.items() if k not in ("place", "invitees_spec")
    }
    assert set(AuditEntry.objects.get(action="activity.edit").changes) == {"place", "invitees_spec"}


def test_patch_refusals_change_nothing(org):
    a = draft_activity(org)
    published = published_activity(org, start=timezone.now() + datetime.timedelta(days=4))
    rows = (_row(a), _row(published))
    response = _patch("demo-staff", a.pk, {"end": timezone.localtime(a.start).isoformat()})
    assert response.status_code == 422 and _fields_refused(response) == {"end"}
    response = _patch("demo-staff", a.pk, {"title": None})
    assert response.status_code == 422 and _fields_refused(response) == {"title"}
    assert _patch("demo-staff", published.pk, {"title": "改名"}).status_code == 409
    assert _patch("demo-member", published.pk, {"title": "改名"}).status_code == 403
    assert _patch("demo-member", a.pk, {"title": "改名"}).status_code == 404
    assert _patch("demo-staff", a.pk, {"capacity": -3}).status_code == 422
    assert (_row(a), _row(published)) == rows and _edits() == 0


def test_edit_is_not_an_action_of_the_actions_path(org):
    a = draft_activity(org)
    client, headers = _api("demo-staff")
    response = client.post(f"/api/v1/activities/{a.pk}/actions/edit", "{}", content_type="application/json", **headers)
    assert response.status_code == 404
