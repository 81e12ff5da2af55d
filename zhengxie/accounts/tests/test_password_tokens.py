"""A new password ends the account's API tokens, as it ends its other sessions."""

from django.test import Client
from django.urls import reverse

from tests.builders.org import PASSWORD
from zhengxie.accounts.models import ApiToken
from zhengxie.accounts.services import account_set_password, api_token_issue, api_token_revoke
from zhengxie.audit.models import AuditEntry

NEW_PASSWORD = "Ganjiang-river-2026"


def _me(raw: str):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_changing_the_password_on_the_page_revokes_the_accounts_tokens(org):
    # given member2 holds two live tokens and is signed in on the page
    user = org.users["member2"]
    raws = [api_token_issue(user=user)[0] for _ in range(2)]
    assert [_me(raw).status_code for raw in raws] == [200, 200]
    client = Client()
    client.force_login(user)
    # when they change their password
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    # then both tokens are refused and recorded as revoked, in the one audit row of the change
    assert response.status_code == 302
    assert [_me(raw).status_code for raw in raws] == [401, 401]
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    entry = AuditEntry.objects.get(action="account.set_password")
    assert (entry.actor, entry.object_id, entry.changes) == (user, str(user.pk), {"tokens_revoked": [None, 2]})
    # and the page session that made the change goes on
    assert client.get("/").status_code == 200


def test_a_password_reset_by_the_admin_revokes_the_accounts_tokens(org):
    user, admin = org.users["member2"], org.users["admin"]
    raw, _token = api_token_issue(user=user)
    account_set_password(user=user, password=NEW_PASSWORD, actor=admin)
    assert _me(raw).status_code == 401
    entry = AuditEntry.objects.get(action="account.set_password")
    assert (entry.actor, entry.changes) == (admin, {"tokens_revoked": [None, 1]})


def test_a_password_change_leaves_other_accounts_tokens_and_counts_only_live_ones(org):
    user, other = org.users["member2"], org.users["member"]
    already_revoked = api_token_issue(user=user)[1]
    api_token_revoke(token=already_revoked, actor=user)
    live = api_token_issue(user=user)[0]
    others = api_token_issue(user=other)[0]
    account_set_password(user=user, password=NEW_PASSWORD, actor=user)
    assert (_me(live).status_code, _me(others).status_code) == (401, 200)
    assert AuditEntry.objects.get(action="account.set_password").changes == {"tokens_revoked": [None, 1]}


def test_a_token_issued_with_the_new_password_works(org):
    user = org.users["member2"]
    account_set_password(user=user, password=NEW_PASSWORD, actor=user)
    response = Client().post(
        "/api/v1/auth/token", {"username": "demo-member2", "password": NEW_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    assert _me(response.json()["token"]).status_code == 200
