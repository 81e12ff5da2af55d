"""Accounts (账号), explicit role grants, sign-in history and API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from zhengxie.core.fields import EncryptedTextField
from zhengxie.core.roles import Role

from .roles import GRANTABLE


class User(AbstractUser):
    """账号: a person who signs in. Member and unit data live in ``people``; this holds the credentials."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    mobile = EncryptedTextField(_("手机号"), blank=True)
    mobile_digest = models.CharField(max_length=64, blank=True, db_index=True)
    # Raising the epoch invalidates every session and token of the user ("sign out everywhere").
    session_epoch = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("账号")
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_digest"], condition=~models.Q(mobile_digest=""), name="unique_account_mobile"
            )
        ]

    def __str__(self):
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret=None):
        return salted_hmac(
            "zhengxie.accounts.User.session",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class RoleGrant(models.Model):
    """角色授权: an explicitly granted role (office, secretariat, leader, overseer, admin)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=32, choices=[(r.value, r.label) for r in GRANTABLE])
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_grant")]

    def __str__(self):
        return f"{self.user} · {Role(self.role).label}"


class SignInEvent(models.Model):
    """登录记录: one sign-in attempt, kept so a user can see their own history."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("密码")
        TOKEN = "token", _("API 令牌")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="sign_ins"
    )
    identifier = models.CharField(_("登录名"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    client_address = models.CharField(_("来源地址"), max_length=64, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=255, blank=True)
    method = models.CharField(_("方式"), max_length=16, choices=Method.choices, default=Method.PASSWORD)
    succeeded = models.BooleanField(_("成功"))
    reason = models.CharField(_("原因"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("登录记录")
        indexes = [models.Index(fields=["user", "-at"])]


class ApiToken(models.Model):
    """API 令牌: an expiring, revocable bearer token. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    session_epoch = models.PositiveIntegerField(default=0)
    client_address = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
