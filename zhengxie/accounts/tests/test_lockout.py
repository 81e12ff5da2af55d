"""Sign-in throttling counts failures per account, however the account was named and on whichever channel."""

import pytest
from django.conf import settings
from django.test import Client

from tests.builders.org import PASSWORD
from zhengxie.accounts.models import ApiToken, SignInEvent

LOGIN = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token"
LOCKED_PAGE = "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。"
LOCKED_API = {"message": "登录失败次数过多，请稍后再试。"}

# One account (member2, mobile 13900000002) named in every way the sign-in accepts.
SPELLINGS = ["13900000002", "139 0000 0002", "+86 139-0000-0002", "139-0000-0002", "+8613900000002", "demo-member2"]


def _page(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def _api(client, username, password):
    return client.post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json")


def _signed_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def _fail_with_each_spelling(send, client):
    """AXES_FAILURE_LIMIT wrong passwords, each typed as a different spelling of member2's mobile or username."""
    return [send(client, SPELLINGS[i], f"wrong-{i}").status_code for i in range(settings.AXES_FAILURE_LIMIT)]


def test_failures_in_different_spellings_lock_the_account_on_the_pages(org):
    # given one wrong password per spelling, up to the limit
    client = Client()
    statuses = _fail_with_each_spelling(_page, client)
    # then the last of them already meets the lock
    assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # and the right password is refused in every spelling, nobody is signed in
    for typed in SPELLINGS:
        response = _page(client, typed, PASSWORD)
        assert response.status_code == 429, typed
        assert LOCKED_PAGE in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert SignInEvent.objects.filter(succeeded=True).count() == 0


def test_failures_in_different_spellings_lock_the_account_on_the_api(org):
    client = Client()
    statuses = _fail_with_each_spelling(_api, client)
    assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    for typed in SPELLINGS:
        response = _api(client, typed, PASSWORD)
        assert (response.status_code, response.json()) == (429, LOCKED_API), typed
    assert ApiToken.objects.count() == 0
    assert SignInEvent.objects.filter(succeeded=True).count() == 0


@pytest.mark.parametrize(("fail_on", "then_on"), [(_page, _api), (_api, _page)], ids=["page-then-api", "api-then-page"])
def test_a_lock_earned_on_one_channel_holds_on_the_other(org, fail_on, then_on):
    # given failures spread over the spellings on one channel
    client = Client()
    _fail_with_each_spelling(fail_on, client)
    # when the right password is sent on the other channel, in a spelling not used before
    response = then_on(client, "+86 139 0000 0002", PASSWORD)
    # then it is refused too
    assert response.status_code == 429
    assert ApiToken.objects.count() == 0
    assert _signed_in_user_id(client) is None


def test_failures_mixed_across_channels_and_spellings_add_up(org):
    client = Client()
    sends = [_page, _api] * settings.AXES_FAILURE_LIMIT
    statuses = [
        sends[i](client, SPELLINGS[i % len(SPELLINGS)], f"wrong-{i}").status_code
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert _api(client, "demo-member2", PASSWORD).status_code == 429


def test_a_lock_on_one_account_leaves_the_others_alone(org):
    client = Client()
    _fail_with_each_spelling(_page, client)
    # member (13900000001) is a different account, by mobile or by name
    assert _page(client, "139 0000 0001", PASSWORD).status_code == 302
    assert _api(Client(), "+86 139-0000-0001", PASSWORD).status_code == 200


def test_a_successful_sign_in_clears_the_failures_of_every_spelling(org):
    # given one failure short of the limit, typed as mobiles
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _page(client, SPELLINGS[i], f"wrong-{i}")
    # when the owner signs in by username
    assert _page(Client(), "demo-member2", PASSWORD).status_code == 302
    # then the count starts again: as many failures short of the limit do not lock
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _page(client, SPELLINGS[-1 - i], f"again-{i}").status_code == 401
    assert _page(client, "13900000002", PASSWORD).status_code == 302


def test_unknown_mobiles_are_counted_per_number_not_per_spelling(org):
    # an unregistered number gets no more tries for being typed differently
    client = Client()
    spellings = ["13800000099", "138 0000 0099", "+86 138-0000-0099", "138-0000-0099", "+8613800000099"]
    statuses = [_page(client, spellings[i % 5], f"wrong-{i}").status_code for i in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
