import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.builders.org import ROLE_KEYS
from zhengxie.accounts.services import totp_device_confirm, totp_device_pending
from zhengxie.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")
WRONG_CODE_ERROR = "验证码不正确或已过期，请重试。"
# Roles whose accounts must pass two-factor when ZHENGXIE_REQUIRE_STAFF_OTP is on.
STAFF_KEYS = {"admin", "office", "staff", "leader", "overseer", "unit", "unit-leader", "unit2"}


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    # A code that matches none of the steps the device tolerates.
    valid = {code_for(device, d) for d in range(-device.tolerance - 1, device.tolerance + 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


@pytest.fixture
def otp_required(settings):
    settings.ZHENGXIE_REQUIRE_STAFF_OTP = True


@pytest.mark.usefixtures("otp_required")
@pytest.mark.parametrize("role_key", [k for k in ROLE_KEYS if k != "anonymous"])
def test_only_staff_roles_are_sent_to_set_up_two_factor(org, client_for, role_key):
    response = client_for(org.users[role_key]).get("/")
    if role_key in STAFF_KEYS:
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP}?next=/"
    else:
        assert response.status_code == 200


def test_nobody_is_sent_to_two_factor_when_it_is_not_required(org, client_for, settings):
    settings.ZHENGXIE_REQUIRE_STAFF_OTP = False
    assert client_for(org.users["staff"]).get("/").status_code == 200


@pytest.mark.usefixtures("otp_required")
def test_staff_confirming_a_correct_code_gets_in(org, client_for):
    # given a staff account sent to set up two-factor
    user = org.users["staff"]
    client = client_for(user)
    assert client.get("/people/members/")["Location"] == f"{SETUP}?next=/people/members/"
    setup_page = client.get(f"{SETUP}?next=/people/members/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # when they enter the code their authenticator shows
    response = client.post(SETUP, {"token": code_for(device), "next": "/people/members/"})
    # then the device is confirmed, they continue where they were going, and pages open
    assert setup_page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == "/people/members/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="account.enable_totp", actor=user).count() == 1


@pytest.mark.usefixtures("otp_required")
def test_a_wrong_code_is_refused(org, client_for):
    user = org.users["staff"]
    client = client_for(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": wrong_code_for(device), "next": "/"})
    assert response.status_code == 200
    assert WRONG_CODE_ERROR in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/")["Location"] == f"{SETUP}?next=/"
    assert not AuditEntry.objects.filter(action="account.enable_totp").exists()


@pytest.mark.usefixtures("otp_required")
def test_a_malformed_code_is_refused_by_the_form(org, client_for):
    client = client_for(org.users["staff"])
    response = client.post(SETUP, {"token": "12ab56"})
    assert response.status_code == 200
    assert "请输入6位数字验证码。" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


@pytest.mark.usefixtures("otp_required")
def test_with_a_confirmed_device_a_new_session_must_enter_a_code(org, client_for):
    # given a staff account that already confirmed a device
    user = org.users["leader"]
    device = totp_device_pending(user=user)
    assert totp_device_confirm(user=user, device=device, token=code_for(device)) is True
    # when they sign in again on another device
    client = client_for(user)
    first = client.get("/")
    # then they are asked for a code, and the next valid code lets them in
    assert first.status_code == 302
    assert first["Location"] == f"{VERIFY}?next=/"
    response = client.post(VERIFY, {"token": code_for(device, steps_ahead=1), "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("otp_required")
def test_verify_refuses_a_wrong_code(org, client_for):
    user = org.users["leader"]
    device = totp_device_pending(user=user)
    totp_device_confirm(user=user, device=device, token=code_for(device))
    client = client_for(user)
    response = client.post(VERIFY, {"token": wrong_code_for(device), "next": "/"})
    assert response.status_code == 200
    assert WRONG_CODE_ERROR in response.content.decode()
    assert client.get("/")["Location"] == f"{VERIFY}?next=/"


@pytest.mark.usefixtures("otp_required")
def test_a_used_code_cannot_be_replayed(org, client_for):
    user = org.users["leader"]
    device = totp_device_pending(user=user)
    used = code_for(device)
    totp_device_confirm(user=user, device=device, token=used)
    response = client_for(user).post(VERIFY, {"token": used, "next": "/"})
    assert response.status_code == 200
    assert WRONG_CODE_ERROR in response.content.decode()


@pytest.mark.usefixtures("otp_required")
def test_a_password_only_staff_session_cannot_use_the_api(org, client_for):
    # given a staff account signed in with its password but not yet through two-factor
    client = client_for(org.users["staff"])
    # when it calls the API with the session cookie
    response = client.get("/api/v1/members")
    # then the API refuses it (JSON, not a redirect to a page)
    assert response.status_code == 401
    assert response.json() == {"message": "未登录或令牌无效。"}


@pytest.mark.usefixtures("otp_required")
def test_a_staff_session_that_passed_two_factor_can_use_the_api(org, client_for):
    user = org.users["staff"]
    client = client_for(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(SETUP, {"token": code_for(device), "next": "/"})
    response = client.get("/api/v1/members")
    assert response.status_code == 200
    assert response.json()["count"] == 2


@pytest.mark.usefixtures("otp_required")
def test_a_member_session_uses_the_api_without_two_factor(org, client_for):
    response = client_for(org.users["member2"]).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "demo-member2"


@pytest.mark.usefixtures("otp_required")
def test_the_whole_requested_address_survives_the_detour_through_two_factor(org, client_for):
    # given a staff account asking for a filtered list before passing two-factor
    user = org.users["staff"]
    client = client_for(user)
    wanted = f"/people/members/?sector={org.sector.pk}&status=serving"
    # when it is sent to set up two-factor and confirms a code
    detour = client.get(wanted)
    assert detour["Location"] == f"{SETUP}?next=/people/members/%3Fsector%3D{org.sector.pk}%26status%3Dserving"
    client.get(detour["Location"])
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(detour["Location"], {"token": code_for(device)})
    # then it lands on exactly what it asked for, both filters kept
    assert response["Location"] == wanted


@pytest.mark.parametrize("required", [True, False])
def test_a_password_alone_cannot_replace_a_confirmed_device(org, client_for, settings, required):
    # given a staff account whose authenticator is confirmed, and someone who knows only its password
    settings.ZHENGXIE_REQUIRE_STAFF_OTP = required
    user = org.users["leader"]
    device = totp_device_pending(user=user)
    totp_device_confirm(user=user, device=device, token=code_for(device))
    intruder = client_for(user)
    # when they open the set-up page to bind an authenticator of their own
    response = intruder.get(SETUP)
    # then they are asked for a code from the existing device first, and cannot bind a new one
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next={SETUP}"
    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 0
    intruder.post(SETUP, {"token": "123456"})
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [(device.pk, True)]


@pytest.mark.usefixtures("otp_required")
def test_after_verifying_the_current_device_a_new_one_can_be_bound(org, client_for):
    user = org.users["leader"]
    old = totp_device_pending(user=user)
    totp_device_confirm(user=user, device=old, token=code_for(old))
    client = client_for(user)
    client.post(VERIFY, {"token": code_for(old, steps_ahead=1), "next": "/"})
    assert client.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": code_for(new), "next": "/"})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [(new.pk, True)]
