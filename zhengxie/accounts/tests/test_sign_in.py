import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.builders.org import PASSWORD
from zhengxie.accounts.models import ApiToken, SignInEvent
from zhengxie.accounts.services import api_token_issue
from zhengxie.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG_PASSWORD_ERROR = "用户名或密码错误，请重新输入。"


def _signed_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def _history_rows(html: str) -> list[str]:
    table = html[html.index('data-testid="sign-in-history"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


# Signing in ----------------------------------------------------------------------------------------------------


def test_sign_in_with_username(org):
    # given the sign-in page
    client = Client(HTTP_USER_AGENT="pytest-browser")
    # when the member signs in with their username
    response = client.post(LOGIN, {"username": "demo-member", "password": PASSWORD})
    # then they land on the home page, signed in, and the attempt is recorded
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) == org.users["member"].pk
    event = SignInEvent.objects.get()
    assert (event.user, event.identifier, event.succeeded, event.method, event.reason) == (
        org.users["member"],
        "demo-member",
        True,
        SignInEvent.Method.PASSWORD,
        "",
    )
    assert (event.client_address, event.user_agent) == ("127.0.0.1", "pytest-browser")


@pytest.mark.parametrize("typed", ["13900000001", "139 0000 0001", "+86 139-0000-0001"])
def test_sign_in_with_mobile(org, typed):
    client = Client()
    response = client.post(LOGIN, {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in_user_id(client) == org.users["member"].pk


def test_sign_in_with_mobile_finds_the_account_the_mobile_belongs_to(org):
    client = Client()
    client.post(LOGIN, {"username": "13900000002", "password": PASSWORD})
    assert _signed_in_user_id(client) == org.users["member2"].pk


def test_wrong_password_shows_the_error_and_records_a_failed_attempt(org):
    client = Client()
    response = client.post(LOGIN, {"username": "demo-member", "password": "not-the-password"})
    assert response.status_code == 401
    assert f'data-testid="login-error">{WRONG_PASSWORD_ERROR}</div>' in response.content.decode()
    assert _signed_in_user_id(client) is None
    event = SignInEvent.objects.get()
    # The failure is attributed to the account it targeted, so its owner sees it in the sign-in history.
    assert (event.user, event.identifier, event.succeeded, event.reason) == (
        org.users["member"],
        "demo-member",
        False,
        "bad_credentials",
    )


def test_unknown_username_gives_the_same_error(org):
    response = Client().post(LOGIN, {"username": "nobody-here", "password": PASSWORD})
    assert response.status_code == 401
    assert WRONG_PASSWORD_ERROR in response.content.decode()
    assert SignInEvent.objects.get().user is None


def test_failed_attempt_by_mobile_shows_in_the_owners_history(org):
    Client().post(LOGIN, {"username": "13900000001", "password": "not-the-password"})
    owner = Client()
    owner.force_login(org.users["member"])
    page = owner.get("/accounts/history/").content.decode()
    assert SignInEvent.objects.get().user == org.users["member"]
    assert "失败" in page


def test_inactive_account_cannot_sign_in(org):
    user = org.users["member2"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    client = Client()
    response = client.post(LOGIN, {"username": "demo-member2", "password": PASSWORD})
    assert response.status_code == 401
    assert _signed_in_user_id(client) is None


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/notifications/", "/notifications/"), ("https://evil.example/steal", "/"), ("//evil.example/", "/")],
)
def test_sign_in_follows_only_local_next_urls(org, next_url, expected):
    response = Client().post(LOGIN, {"username": "demo-member", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected


# Throttling ----------------------------------------------------------------------------------------------------


def test_too_many_failures_lock_the_account_even_for_the_right_password(org):
    # given AXES_FAILURE_LIMIT wrong passwords for one account from one address
    client = Client()
    statuses = [
        client.post(LOGIN, {"username": "demo-staff", "password": f"wrong-{i}"}).status_code
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    # when the right password is tried
    response = client.post(LOGIN, {"username": "demo-staff", "password": PASSWORD})
    # then it is refused with the lock message and nobody is signed in
    assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert response.status_code == 429
    assert "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。" in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert SignInEvent.objects.filter(succeeded=True).count() == 0


def test_a_locked_account_does_not_lock_others_from_the_same_address(org):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "demo-staff", "password": f"wrong-{i}"})
    response = client.post(LOGIN, {"username": "demo-member", "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in_user_id(client) == org.users["member"].pk


def test_fewer_failures_than_the_limit_do_not_lock(org):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": "demo-staff", "password": f"wrong-{i}"})
    response = client.post(LOGIN, {"username": "demo-staff", "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in_user_id(client) == org.users["staff"].pk


# Sign-in history -----------------------------------------------------------------------------------------------


def test_sign_in_history_shows_only_the_users_own_events(org):
    # given sign-ins by member (twice) and by member2
    Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/120.0").post(
        LOGIN, {"username": "demo-member", "password": PASSWORD}
    )
    Client(HTTP_USER_AGENT="Mozilla/5.0 (Macintosh) Firefox/99.0").post(
        LOGIN, {"username": "demo-member2", "password": PASSWORD}
    )
    member_client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/121.0")
    member_client.post(LOGIN, {"username": "demo-member", "password": PASSWORD})
    # when member opens their history
    response = member_client.get(reverse("accounts:sign_in_history"))
    # then exactly their two sign-ins are listed, newest first (the browsers in words)
    rows = _history_rows(response.content.decode())
    assert response.status_code == 200
    assert len(rows) == 2
    assert "Firefox 121 · Windows" in rows[0]
    assert "Firefox 120 · Windows" in rows[1]
    assert "Firefox 99" not in response.content.decode()


# Sign out everywhere -------------------------------------------------------------------------------------------


def test_sign_out_everywhere_ends_other_sessions_and_revokes_tokens(org, client_for):
    # given member signed in on two devices with an API token, and member2 signed in elsewhere
    user = org.users["member"]
    first, second = Client(), Client()
    first.post(LOGIN, {"username": "demo-member", "password": PASSWORD})
    second.post(LOGIN, {"username": "demo-member", "password": PASSWORD})
    raw, _token = api_token_issue(user=user)
    bystander = client_for(org.users["member2"])
    assert second.get("/").status_code == 200
    # when member signs out everywhere from the first device
    response = first.post(reverse("accounts:logout_everywhere"))
    # then both devices are signed out, the token is dead, and member2 is untouched
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    after = second.get("/")
    assert after.status_code == 302
    assert after["Location"] == f"{LOGIN}?next=/"
    assert first.get("/").status_code == 302
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    assert bystander.get("/").status_code == 200
    entry = AuditEntry.objects.get(action="account.sign_out_everywhere")
    assert (entry.actor, entry.object_id, entry.changes) == (
        user,
        str(user.pk),
        {"session_epoch": [0, 1], "tokens_revoked": [None, 1]},
    )


# Password change -----------------------------------------------------------------------------------------------


def _change_password(client, new1, new2=None, old=PASSWORD):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new1 if new2 is None else new2},
    )


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Ab3$xyz", "密码长度太短。密码必须包含至少 10 个字符。"),
        ("20260315987654", "密码只包含数字。"),
        ("password123", "这个密码太常见了。"),
    ],
)
def test_password_change_enforces_the_rules(org, client_for, new_password, message):
    user = org.users["member2"]
    client = client_for(user)
    response = _change_password(client, new_password)
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="account.set_password").exists()


def test_password_change_needs_the_old_password(org, client_for):
    user = org.users["member2"]
    response = _change_password(client_for(user), "Ganjiang-river-2026", old="not-it")
    assert "你的旧密码不正确。请重新输入。" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_keeps_this_session_and_ends_the_others(org):
    # given member signed in on two devices
    user = org.users["member2"]
    here, elsewhere = Client(), Client()
    here.post(LOGIN, {"username": "demo-member2", "password": PASSWORD})
    elsewhere.post(LOGIN, {"username": "demo-member2", "password": PASSWORD})
    # when they change the password here
    response = _change_password(here, "Ganjiang-river-2026")
    # then the new password holds, this session stays, the other one ends, and one audit row is written
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password("Ganjiang-river-2026")
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    entry = AuditEntry.objects.get(action="account.set_password")
    assert (entry.actor, entry.object_id, entry.changes) == (user, str(user.pk), {})
