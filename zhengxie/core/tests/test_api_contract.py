"""The API's contract details: status codes for bad tokens and bodies, refused input, times in the committee's zone."""

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from zhengxie.accounts.models import ApiToken
from zhengxie.accounts.services import api_token_issue
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput
from zhengxie.duty.activities import activity_create
from zhengxie.duty.models import Activity

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
ACTIVITIES_URL = "/api/v1/activities"


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def activity_body(**changes) -> dict:
    start = timezone.now() + datetime.timedelta(days=11)
    body = {
        "title": "新的活动",
        "kind": "inspection",
        "start": start.isoformat(),
        "end": (start + datetime.timedelta(hours=2)).isoformat(),
        "place": "新建区",
        "invitees": {"all": True},
    }
    body.update(changes)
    return body


def create_activity(org, body: dict):
    raw, _token = api_token_issue(user=org.users["staff"])
    return Client(enforce_csrf_checks=True).post(ACTIVITIES_URL, body, content_type="application/json", **bearer(raw))


# Tokens on writes ----------------------------------------------------------------------------------------------


def test_an_expired_token_on_a_write_gets_401_not_a_csrf_refusal(org):
    raw, token = api_token_issue(user=org.users["staff"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client = Client(enforce_csrf_checks=True)
    response = client.post(ACTIVITIES_URL, activity_body(), content_type="application/json", **bearer(raw))
    assert (response.status_code, response.json()) == (401, {"message": "未登录或令牌无效。"})
    response = client.delete(TOKEN_URL, **bearer(raw))
    assert (response.status_code, response.json()) == (401, {"message": "未登录或令牌无效。"})
    assert Activity.objects.count() == 0
    assert ApiToken.objects.filter(pk=token.pk, revoked_at=None).exists()


def test_a_garbage_token_on_a_write_gets_401(org):
    response = Client(enforce_csrf_checks=True).delete(TOKEN_URL, HTTP_AUTHORIZATION="Bearer zx_not-a-real-token")
    assert response.status_code == 401


def test_a_session_write_without_the_csrf_token_is_still_refused(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users["staff"])
    response = client.post(ACTIVITIES_URL, activity_body(), content_type="application/json")
    assert response.status_code == 403
    assert Activity.objects.count() == 0


# Bodies that are not JSON --------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["username=demo-member&password=x", "{not json", "\x00\x01"])
def test_a_token_request_that_is_not_json_gets_422(org, body):
    response = Client().post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["message"] == "请求体不是有效的 JSON。"
    assert ApiToken.objects.count() == 0


# Refused activity input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("title", "长" * 201), ("place", "地" * 201)], ids=["title", "place"])
def test_an_over_long_activity_text_is_refused_not_cut(org, field, value):
    response = create_activity(org, activity_body(**{field: value}))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert Activity.objects.count() == 0
    assert not AuditEntry.objects.filter(action="activity.create").exists()


def test_an_activity_title_of_the_full_length_is_kept_whole(org):
    response = create_activity(org, activity_body(title="长" * 200))
    assert response.status_code == 201
    assert Activity.objects.get().title == "长" * 200


@pytest.mark.parametrize(("field", "value"), [("training_hours", -1), ("training_hours", -0.5), ("half_days", -2)])
def test_negative_hours_are_refused(org, field, value):
    response = create_activity(org, activity_body(**{field: value}))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert Activity.objects.count() == 0


@pytest.mark.parametrize("attendance", ["required", "sign_up"])
def test_a_sign_up_deadline_after_the_end_is_refused(org, attendance):
    body = activity_body(attendance=attendance)
    end = datetime.datetime.fromisoformat(body["end"])
    body["sign_up_closes"] = (end + datetime.timedelta(days=1)).isoformat()
    response = create_activity(org, body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["sign_up_closes"]
    assert Activity.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"training_hours": Decimal("-1")}, "training_hours"),
        ({"half_days": -1}, "half_days"),
        ({"title": "长" * 201}, "title"),
        ({"place": "地" * 201}, "place"),
    ],
    ids=["training_hours", "half_days", "title", "place"],
)
def test_the_activity_service_refuses_what_it_would_have_cut_or_stored_negative(org, changes, field):
    with pytest.raises(InvalidInput) as refused:
        activity_create(actor=org.users["staff"], data=activity_body(**changes))
    assert list(refused.value.errors) == [field]
    assert Activity.objects.count() == 0


# Times in the committee's zone ---------------------------------------------------------------------------------


def test_times_come_back_in_the_committees_zone_on_create_and_on_read(org):
    start = datetime.datetime(2031, 5, 6, 1, 30, tzinfo=datetime.UTC)
    body = activity_body(
        start=start.isoformat(),
        end=(start + datetime.timedelta(hours=2)).isoformat(),
        attendance="sign_up",
        sign_up_closes=(start - datetime.timedelta(days=1)).isoformat(),
    )
    created = create_activity(org, body)
    assert created.status_code == 201
    raw, _token = api_token_issue(user=org.users["staff"])
    read = Client().get(f"{ACTIVITIES_URL}/{created.json()['id']}", **bearer(raw)).json()
    listed = Client().get(ACTIVITIES_URL, **bearer(raw)).json()["items"][0]
    for shown in (created.json(), read):
        assert (shown["start"], shown["end"], shown["sign_up_closes"]) == (
            "2031-05-06T09:30:00+08:00",
            "2031-05-06T11:30:00+08:00",
            "2031-05-05T09:30:00+08:00",
        )
    assert (listed["start"], listed["end"]) == ("2031-05-06T09:30:00+08:00", "2031-05-06T11:30:00+08:00")


# Settings ------------------------------------------------------------------------------------------------------


def test_an_empty_database_url_means_not_set():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env={"DJANGO_SETTINGS_MODULE": "zhengxie.settings", "DATABASE_URL": "", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
