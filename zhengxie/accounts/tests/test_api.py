import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from tests.builders.org import PASSWORD, make_member
from zhengxie.accounts.models import ApiToken, SignInEvent
from zhengxie.accounts.services import api_token_issue, totp_device_confirm, totp_device_pending
from zhengxie.audit.models import AuditEntry
from zhengxie.core.validators import mask_id_number, mask_mobile
from zhengxie.people.models import HandlingUnit

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"


def issue(client, username, password=PASSWORD, otp=None):
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return client.post(TOKEN_URL, body, content_type="application/json")


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def get_as(user, path: str):
    raw, _token = api_token_issue(user=user)
    return Client().get(path, **bearer(raw))


def code_for(device, steps_ahead=0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


@pytest.fixture
def member_with_device(org):
    """member2 with a confirmed authenticator (set up through the services, using the current code)."""
    user = org.users["member2"]
    device = totp_device_pending(user=user)
    assert totp_device_confirm(user=user, device=device, token=code_for(device))
    return user, device


@pytest.fixture
def third_member(org):
    """A second member in the convener's sector (经济), so convener and self-only visibility differ."""
    return make_member(name="王委员", sector=org.sector, party=org.party, seq=3, term=org.term)


# Tokens --------------------------------------------------------------------------------------------------------


def test_good_credentials_get_a_token_that_works_as_bearer(org):
    client = Client()
    response = issue(client, "demo-member")
    body = response.json()
    assert response.status_code == 200
    assert sorted(body) == ["expires_at", "token", "token_type"]
    assert body["token_type"] == "Bearer"
    assert body["token"].startswith("zx_")
    token = ApiToken.objects.get(user=org.users["member"])
    # In the committee's zone, like every instant the API returns (to the millisecond, as JSON carries them).
    expires = token.expires_at.replace(microsecond=token.expires_at.microsecond // 1000 * 1000)
    assert datetime.datetime.fromisoformat(body["expires_at"]) == expires
    assert body["expires_at"].endswith("+08:00")
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)) < datetime.timedelta(seconds=1)
    assert token.digest != body["token"]  # only the digest is stored
    me = Client().get("/api/v1/me", **bearer(body["token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "demo-member"
    event = SignInEvent.objects.get()
    assert (event.user, event.succeeded, event.method) == (org.users["member"], True, SignInEvent.Method.TOKEN)


def test_mobile_number_gets_a_token_too(org):
    response = issue(Client(), "13900000002")
    assert response.status_code == 200
    me = Client().get("/api/v1/me", **bearer(response.json()["token"]))
    assert me.json()["username"] == "demo-member2"


def test_bad_credentials_get_401_with_a_message(org):
    response = issue(Client(), "demo-member", password="nope")
    assert response.status_code == 401
    assert response.json() == {"message": "用户名或密码错误。"}
    assert ApiToken.objects.count() == 0
    event = SignInEvent.objects.get()
    assert (event.user, event.identifier, event.succeeded, event.reason, event.method) == (
        org.users["member"],
        "demo-member",
        False,
        "bad_credentials",
        SignInEvent.Method.TOKEN,
    )


def test_missing_fields_get_422_json(org):
    response = Client().post(TOKEN_URL, {"username": "demo-member"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "请填写密码。"
    assert [e["field"] for e in body["errors"]] == ["password"]


def test_token_issuing_is_throttled_with_a_json_429(org):
    client = Client()
    statuses = [
        issue(client, "demo-member", password=f"bad-{i}").status_code for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    response = issue(client, "demo-member")
    assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert response.status_code == 429
    assert response.json() == {"message": "登录失败次数过多，请稍后再试。"}
    assert ApiToken.objects.count() == 0


def test_a_confirmed_device_makes_the_code_required(org, member_with_device):
    response = issue(Client(), "demo-member2")
    assert response.status_code == 422
    assert response.json() == {"message": "需要两步验证码。", "errors": [{"field": "otp", "message": "必填"}]}
    assert ApiToken.objects.count() == 0


def test_a_wrong_code_gets_401(org, member_with_device):
    user, device = member_with_device
    valid = {code_for(device, d) for d in range(-2, 3)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
    response = issue(Client(), "demo-member2", otp=wrong)
    assert response.status_code == 401
    assert response.json() == {"message": "两步验证码不正确。"}
    assert ApiToken.objects.count() == 0
    assert SignInEvent.objects.get().reason == "bad_otp"


def test_the_right_code_gets_a_token(org, member_with_device):
    user, device = member_with_device
    # The confirmation used the current code; the next step's code is the fresh one an app would show.
    response = issue(Client(), "demo-member2", otp=code_for(device, steps_ahead=1))
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=user).count() == 1


def test_staff_without_a_device_cannot_get_a_token_when_two_factor_is_required(org, settings):
    settings.ZHENGXIE_REQUIRE_STAFF_OTP = True
    response = issue(Client(), "demo-staff")
    assert response.status_code == 401
    assert response.json() == {"message": "此账号须先在网页上启用两步验证。"}
    assert ApiToken.objects.count() == 0


def test_an_expired_token_is_refused(org):
    raw, token = api_token_issue(user=org.users["member"])
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = Client().get("/api/v1/me", **bearer(raw))
    assert response.status_code == 401
    assert response.json() == {"message": "未登录或令牌无效。"}


@pytest.mark.parametrize("header", ["Bearer zx_not-a-real-token", "Bearer ", "Token abc", "Bearer sk_other"])
def test_garbage_tokens_are_refused(org, header):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_revoked_token_is_refused(org):
    user = org.users["member"]
    raw, token = api_token_issue(user=user)
    other_raw, _other = api_token_issue(user=user)
    response = Client().delete(TOKEN_URL, **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"message": "令牌已吊销。"}
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401
    # the user's other token is not affected
    assert Client().get("/api/v1/me", **bearer(other_raw)).status_code == 200
    entry = AuditEntry.objects.get(action="account.revoke_token")
    assert (entry.actor, entry.changes) == (user, {"token": [token.prefix, None]})


def test_revoking_through_a_session_is_refused(org, client_for):
    response = client_for(org.users["member"]).delete(TOKEN_URL)
    assert response.status_code == 422
    assert response.json() == {"message": "此请求不是用令牌发出的。"}


def test_session_writes_to_the_api_need_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users["member"])
    response = client.delete(TOKEN_URL)
    assert response.status_code == 403
    assert "message" in response.json()


# /me -----------------------------------------------------------------------------------------------------------


def test_me_for_a_member_who_convenes_a_sector(org):
    response = get_as(org.users["member"], "/api/v1/me")
    assert response.json() == {
        "id": org.users["member"].pk,
        "username": "demo-member",
        "display_name": "张委员",
        "roles": ["member", "sector_convener"],
        "member": {"id": org.member.pk, "name": "张委员", "sector": "经济", "party": "中国国民党革命委员会"},
        "units": [],
    }


def test_me_for_a_unit_leader(org):
    user = org.users["unit-leader"]
    response = get_as(user, "/api/v1/me")
    assert response.json() == {
        "id": user.pk,
        "username": "demo-unit-leader",
        "display_name": "区住建局unit-leader",
        "roles": ["unit_leader", "unit_staff"],
        "member": None,
        "units": [{"id": org.unit.pk, "name": "新建区住房和城乡建设局", "is_leader": True}],
    }


def test_me_for_an_admin(org):
    user = org.users["admin"]
    response = get_as(user, "/api/v1/me")
    assert response.json() == {
        "id": user.pk,
        "username": "demo-admin",
        "display_name": "演示系统管理员",
        "roles": ["admin"],
        "member": None,
        "units": [],
    }


# /members ------------------------------------------------------------------------------------------------------


def _summary(items: list[dict]) -> list[tuple]:
    return [(i["id"], i["mobile"], i["id_number"]) for i in items]


def _plain(m) -> tuple:
    return (m.pk, m.mobile, m.id_number)


def _masked(m) -> tuple:
    return (m.pk, mask_mobile(m.mobile), mask_id_number(m.id_number))


def test_members_as_seen_by_each_role(org, third_member):
    m1, m2, m3 = org.member, org.member2, third_member
    # ordered by sector (经济 before 教育), then id
    expected = {
        "admin": [_plain(m1), _plain(m3), _plain(m2)],
        "staff": [_plain(m1), _plain(m3), _plain(m2)],
        "office": [_masked(m1), _masked(m3), _masked(m2)],
        "leader": [_masked(m1), _masked(m3), _masked(m2)],
        "overseer": [],
        "unit": [],
        "unit-leader": [],
        "unit2": [],
        # the convener sees their sector: themselves unmasked, the other member masked
        "member": [_plain(m1), _masked(m3)],
        "member2": [_plain(m2)],
    }
    actual = {}
    for key in expected:
        body = get_as(org.users[key], "/api/v1/members").json()
        assert body["count"] == len(body["items"]), key
        actual[key] = _summary(body["items"])
    assert actual == expected


def test_masked_values_look_masked(org):
    body = get_as(org.users["office"], "/api/v1/members").json()
    first = body["items"][0]
    assert first["mobile"] == "139****0001"
    assert first["id_number"] == org.member.id_number[:3] + "*" * 11 + org.member.id_number[-4:]


def test_member_item_has_exactly_these_fields(org):
    body = get_as(org.users["staff"], f"/api/v1/members/{org.member.pk}").json()
    assert body == {
        "id": org.member.pk,
        "name": "张委员",
        "gender": "male",
        "ethnicity": "汉族",
        "sector_id": org.sector.pk,
        "sector": "经济",
        "party_id": org.party.pk,
        "party": "中国国民党革命委员会",
        "work_unit": "南昌市新建区某单位",
        "title": "主任",
        "is_standing_committee": False,
        "status": "serving",
        "mobile": "13900000001",
        "id_number": org.member.id_number,
    }


def test_members_pagination(org, third_member):
    staff = org.users["staff"]
    page = get_as(staff, "/api/v1/members?limit=1&offset=1").json()
    assert page["count"] == 3
    assert [i["id"] for i in page["items"]] == [third_member.pk]
    last = get_as(staff, "/api/v1/members?limit=2&offset=2").json()
    assert (last["count"], [i["id"] for i in last["items"]]) == (3, [org.member2.pk])
    beyond = get_as(staff, "/api/v1/members?offset=10").json()
    assert (beyond["count"], beyond["items"]) == (3, [])
    # limit is clamped to at least 1
    assert len(get_as(staff, "/api/v1/members?limit=0").json()["items"]) == 1


def test_members_filter_by_sector_and_exact_mobile(org, third_member):
    staff = org.users["staff"]
    by_sector = get_as(staff, f"/api/v1/members?sector={org.other_sector.pk}").json()
    assert [i["id"] for i in by_sector["items"]] == [org.member2.pk]
    by_mobile = get_as(staff, "/api/v1/members?q=13900000003").json()
    assert [i["id"] for i in by_mobile["items"]] == [third_member.pk]


def test_the_member_filter_cannot_widen_what_a_member_sees(org):
    body = get_as(org.users["member2"], f"/api/v1/members?sector={org.sector.pk}").json()
    assert body == {"count": 0, "items": []}


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("limit=abc", "limit", "每页条数"),
        ("offset=x", "offset", "起始位置"),
        ("status=bogus", "status", "状态"),
        ("sector=one", "sector", "界别"),
    ],
)
def test_bad_query_parameters_get_422_json(org, query, field, words):
    response = get_as(org.users["staff"], f"/api/v1/members?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == f"{words}无效。"
    assert [e["field"] for e in body["errors"]] == [field]


# /units --------------------------------------------------------------------------------------------------------


def test_units_as_seen_by_each_role(org):
    closed = HandlingUnit.objects.create(name="新建区撤并局", short_name="撤并局", is_active=False)
    everything = sorted([org.unit, org.other_unit, closed], key=lambda u: u.name)
    active = [u for u in everything if u.is_active]
    expected = {
        "admin": everything,
        "office": everything,
        "staff": everything,
        "leader": everything,
        "overseer": everything,
        "unit": [org.unit],
        "unit-leader": [org.unit],
        "unit2": [org.other_unit],
        "member": active,
        "member2": active,
    }
    actual = {}
    for key in expected:
        body = get_as(org.users[key], "/api/v1/units").json()
        assert body["count"] == len(body["items"]), key
        actual[key] = [i["id"] for i in body["items"]]
    assert actual == {k: [u.pk for u in v] for k, v in expected.items()}


def test_unit_item_and_pagination(org):
    body = get_as(org.users["staff"], "/api/v1/units?limit=1").json()
    assert body["count"] == 2
    # 新建区住房和城乡建设局 sorts before 新建区教育体育局 by code point
    first = sorted([org.unit, org.other_unit], key=lambda u: u.name)[0]
    assert body["items"] == [
        {
            "id": first.pk,
            "name": first.name,
            "short_name": first.short_name,
            "kind": "government",
            "contact_phone": "",
            "is_active": True,
        }
    ]


def test_units_bad_query_gets_422(org):
    response = get_as(org.users["staff"], "/api/v1/units?limit=abc")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]
