"""Bodies the API cannot store are refused when they are sent, with 422 naming the field, never a server error:
text holding a NUL or a lone UTF-16 surrogate (``"\\ud800"``) in any field of any JSON body (schema-typed, draft
and action bodies alike), JSON nested 100,000 deep, and an activity inviting members, sectors or committees that
do not exist. Nothing is written on refusal."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.builders.activities import draft_activity
from tests.builders.org import PASSWORD
from zhengxie.audit.models import AuditEntry
from zhengxie.duty.models import Activity
from zhengxie.proposals.models import Proposal

pytestmark = pytest.mark.django_db

LONE_SURROGATE = '"\\ud800"'  # as a JSON text: the escape, which json.loads turns into an unencodable str
DEEP = "[" * 100_000 + "]" * 100_000


def _client(username: str) -> tuple[Client, dict]:
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return client, {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _post(who, path: str, text: str):
    client, headers = who
    return client.post(path, text, content_type="application/json", **headers)


def _fields(response) -> list:
    assert response.status_code == 422, (response.status_code, response.content)
    return [e["field"] for e in response.json().get("errors", [])]


def _activity_body(org, **fields) -> dict:
    start = timezone.now() + datetime.timedelta(days=3)
    return {
        "title": "经济界别调研活动",
        "kind": "sector_activity",
        "start": start.isoformat(),
        "end": (start + datetime.timedelta(hours=2)).isoformat(),
        "place": "区政协三楼会议室",
        "invitees": {"sector_ids": [org.sector.pk]},
        **fields,
    }


def _with_raw(body: dict, placeholder: str, raw: str) -> str:
    """``body`` as JSON with the string ``placeholder`` replaced by the raw JSON text ``raw``."""
    return json.dumps(body).replace(json.dumps(placeholder), raw)


@pytest.mark.parametrize("bad", [LONE_SURROGATE, '"a\\u0000b"'])
@pytest.mark.parametrize("field", ["title", "analysis", "suggestions"])
def test_a_draft_with_unstorable_text_is_refused_naming_the_field(org, field, bad):
    member = _client(org.users["member"].username)
    before = (Proposal.objects.count(), AuditEntry.objects.count())
    response = _post(member, "/api/v1/proposals", _with_raw({field: "X"}, "X", bad))
    assert _fields(response) == [field]
    assert (Proposal.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("bad", [LONE_SURROGATE, '"a\\u0000b"'])
@pytest.mark.parametrize("field", ["title", "place", "description"])
def test_an_activity_with_unstorable_text_is_refused_naming_the_field(org, field, bad):
    staff = _client(org.users["staff"].username)
    before = (Activity.objects.count(), AuditEntry.objects.count())
    response = _post(staff, "/api/v1/activities", _with_raw(_activity_body(org, **{field: "X"}), "X", bad))
    assert _fields(response) == [field]
    assert (Activity.objects.count(), AuditEntry.objects.count()) == before


def test_unstorable_text_in_a_nested_field_or_a_key_is_named(org):
    staff = _client(org.users["staff"].username)
    nested = _with_raw(_activity_body(org, invitees={"sector_ids": ["X"]}), "X", LONE_SURROGATE)
    assert _fields(_post(staff, "/api/v1/activities", nested)) == ["invitees.sector_ids.0"]
    key = json.dumps({"title": "t"}).replace('"title"', '"ti\\u0000tle"')
    assert _fields(_post(_client(org.users["member"].username), "/api/v1/proposals", key)) == ["ti\\x00tle"]


def test_an_action_body_with_unstorable_text_is_refused_naming_the_field(org):
    activity = draft_activity(org)
    staff = _client(org.users["staff"].username)
    before = AuditEntry.objects.count()
    response = _post(staff, f"/api/v1/activities/{activity.pk}/actions/cancel", '{"comment": "a\\u0000b"}')
    assert _fields(response) == ["comment"]
    activity.refresh_from_db()
    assert activity.state == "draft"
    assert AuditEntry.objects.count() == before


def test_sign_in_with_unstorable_text_is_refused():
    response = Client().post(
        "/api/v1/auth/token", '{"username": ' + LONE_SURROGATE + ', "password": "x"}', content_type="application/json"
    )
    assert _fields(response) == ["username"]


@pytest.mark.parametrize("path", ["/api/v1/proposals", "/api/v1/activities", "/api/v1/auth/token"])
def test_json_nested_100000_deep_is_refused(org, path):
    staff = _client(org.users["staff"].username)
    response = _post(staff, path, DEEP)
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert "嵌套" in response.json()["message"]


def test_deep_nesting_inside_a_string_is_only_text(org):
    member = _client(org.users["member"].username)
    response = _post(member, "/api/v1/proposals", json.dumps({"title": "[" * 100}))
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("key", ["member_ids", "sector_ids", "special_committee_ids"])
def test_an_activity_inviting_unknown_ids_is_refused_when_sent(org, key):
    staff = _client(org.users["staff"].username)
    before = (Activity.objects.count(), AuditEntry.objects.count())
    body = _activity_body(org, invitees={"sector_ids": [org.sector.pk], key: [987654]})
    response = _post(staff, "/api/v1/activities", json.dumps(body))
    assert _fields(response) == [f"invitees.{key}"]
    assert "987654" in response.json()["message"]
    assert (Activity.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("path", ["/api/v1/proposals", "/api/v1/members", "/api/v1/activities"])
def test_a_nul_in_a_query_field_is_refused_naming_it(org, path):
    client, headers = _client(org.users["staff"].username)
    field = "q" if path != "/api/v1/activities" else "kind"
    assert _fields(client.get(path, {field: "a\x00b"}, **headers)) == [field]
