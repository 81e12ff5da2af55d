"""The client address written into the sign-in history, the audit trail and login throttling: forwarded headers
are believed only when the direct peer is a configured proxy (TRUSTED_PROXIES)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings

from tests.builders.org import PASSWORD
from zhengxie.accounts.models import SignInEvent
from zhengxie.audit.models import AuditEntry
from zhengxie.core.middleware import client_address

LOGIN = "/accounts/login/"


def _request(peer: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


# The rule -------------------------------------------------------------------------------------------------------


def test_without_trusted_proxies_a_forwarded_header_is_ignored():
    assert client_address(_request("198.51.100.9", "1.2.3.4")) == "198.51.100.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.1"])
def test_a_peer_that_is_not_a_trusted_proxy_cannot_forward_an_address():
    assert client_address(_request("198.51.100.9", "1.2.3.4")) == "198.51.100.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client():
    # the client wrote "1.2.3.4" itself; the proxy appended the address it was really connected from
    assert client_address(_request("10.0.0.1", "1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_address(_request("10.0.0.1", "203.0.113.7")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8::/32"])
def test_trusted_proxies_in_a_chain_are_skipped_from_the_right():
    assert client_address(_request("10.0.0.1", "1.2.3.4, 203.0.113.7, 10.9.9.9")) == "203.0.113.7"
    assert client_address(_request("2001:db8::1", "1.2.3.4,2001:db8::2 ,2001:db8::3")) == "1.2.3.4"
    assert client_address(_request("2001:db8::1", "1.2.3.4, 2001:0db8::2")) == "1.2.3.4"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_when_every_hop_is_a_trusted_proxy_the_farthest_one_is_the_client():
    assert client_address(_request("10.0.0.1", "10.5.5.5, 10.9.9.9")) == "10.5.5.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_trusted_proxy_without_a_forwarded_header_is_the_client():
    assert client_address(_request("10.0.0.1")) == "10.0.0.1"
    assert client_address(_request("10.0.0.1", "")) == "10.0.0.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_hop_that_is_not_an_address_is_not_written_down():
    # what a trusted proxy appended is always an address; anything else means the chain cannot be believed further
    assert client_address(_request("10.0.0.1", "1.2.3.4, <script>, 10.9.9.9")) == "10.9.9.9"
    assert client_address(_request("10.0.0.1", "x" * 500)) == "10.0.0.1"


# Every writer of an address uses the rule -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_forged_header_reaches_neither_the_sign_in_history_nor_the_audit_trail(org):
    client = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    client.post(LOGIN, {"username": "demo-member", "password": PASSWORD})
    client.post("/notifications/preferences/", {"email_mode": "daily"})
    assert SignInEvent.objects.get().client_address == "198.51.100.9"
    assert AuditEntry.objects.get(action="notifications.set_preference").client_address == "198.51.100.9"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_the_proxy_history_audit_and_throttling_record_the_real_client(org):
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    client.post(LOGIN, {"username": "demo-member", "password": "wrong"})
    # login throttling counts failures per real client, not per proxy (nor per address the client made up)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
    client.post(LOGIN, {"username": "demo-member", "password": PASSWORD})
    client.post("/notifications/preferences/", {"email_mode": "daily"})
    assert list(SignInEvent.objects.values_list("client_address", flat=True)) == ["203.0.113.7", "203.0.113.7"]
    assert AuditEntry.objects.get(action="notifications.set_preference").client_address == "203.0.113.7"
