"""Account writes: sign-in records, role grants, sign-out everywhere, passwords, two-factor devices, API tokens."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengxie.audit.services import audit_record
from zhengxie.core import crypto
from zhengxie.core.middleware import client_address
from zhengxie.core.roles import Role
from zhengxie.core.validators import normalise_mobile

from .models import ApiToken, RoleGrant, SignInEvent
from .roles import GRANTABLE

TOKEN_PREFIX = "zx_"


def account_by_identifier(identifier: str):
    """The account a sign-in attempt names (by username or mobile), so failures show in its owner's history."""
    User = get_user_model()
    user = User.objects.filter(username=identifier).first()
    if user is None:
        mobile = normalise_mobile(identifier)
        if mobile.isdigit() and len(mobile) == 11:
            user = User.objects.filter(mobile_digest=crypto.digest(mobile)).first()
    return user


def sign_in_record(
    *, request, user, identifier: str, succeeded: bool, reason: str = "", method: str = SignInEvent.Method.PASSWORD
) -> SignInEvent:
    return SignInEvent.objects.create(
        user=user,
        identifier=identifier[:150],
        client_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:255],
        method=method,
        succeeded=succeeded,
        reason=reason,
    )


@transaction.atomic
def account_create(
    *, username: str, password: str | None, display_name: str = "", email: str = "", mobile: str = "", actor=None
):
    User = get_user_model()
    user = User(username=username, display_name=display_name, email=email)
    if mobile:
        user.mobile = mobile
        user.mobile_digest = crypto.digest(mobile)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password", "mobile_digest"])
    user.save()
    audit_record(
        actor=actor,
        action="account.create",
        obj=user,
        changes={"username": [None, username], "display_name": [None, display_name]},
    )
    return user


@transaction.atomic
def role_grant(*, user, role: Role, actor) -> RoleGrant:
    if role not in GRANTABLE:
        raise ValueError(f"role {role} is derived from organisation data and cannot be granted")
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role)
    if created:
        audit_record(actor=actor, action="account.grant_role", obj=user, changes={"role": [None, role.value]})
    user.__dict__.pop("_zx_roles", None)
    return grant


@transaction.atomic
def role_revoke(*, user, role: Role, actor) -> None:
    deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
    if deleted:
        audit_record(actor=actor, action="account.revoke_role", obj=user, changes={"role": [role.value, None]})
    user.__dict__.pop("_zx_roles", None)


@transaction.atomic
def account_sign_out_everywhere(*, user, actor) -> int:
    """End every session and revoke every API token of ``user``. Returns the number of tokens revoked."""
    User = get_user_model()
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action="account.sign_out_everywhere",
        obj=user,
        changes={"session_epoch": [user.session_epoch - 1, user.session_epoch], "tokens_revoked": [None, revoked]},
    )
    return revoked


@transaction.atomic
def account_set_password(*, user, password: str, actor) -> int:
    """Set (change or reset) the password and revoke every live API token of ``user``; returns how many.

    A new password already ends the account's other sessions (their hash covers the password); the tokens must
    end with them, or whoever took the old password keeps the API."""
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action="account.set_password",
        obj=user,
        changes={"tokens_revoked": [None, revoked]} if revoked else {},
    )
    return revoked


# Two-factor (TOTP) ---------------------------------------------------------------------------------------------


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed device being set up (made on first visit; replaced if the user starts again)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="account.enable_totp", obj=user)
    return True


def totp_confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# API tokens ----------------------------------------------------------------------------------------------------


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii", "ignore")).hexdigest()


@transaction.atomic
def api_token_issue(*, user, request=None) -> tuple[str, ApiToken]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=_token_digest(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS),
        session_epoch=user.session_epoch,
        client_address=client_address(request),
    )
    audit_record(
        actor=user, action="account.issue_token", obj=user, changes={"token": [None, token.prefix]}, request=request
    )
    return raw, token


def api_token_user(raw: str):
    """The user behind a valid bearer token, or None. Expired, revoked or pre-sign-out tokens are refused."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    # One statement: the token (its digest is unique) with its user.
    token = ApiToken.objects.select_related("user").filter(digest=_token_digest(raw)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    user = token.user
    if not user.is_active or token.session_epoch != user.session_epoch:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user.zx_api_token = token
    return user


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> None:
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit_record(
            actor=actor, action="account.revoke_token", obj=token.user, changes={"token": [token.prefix, None]}
        )
