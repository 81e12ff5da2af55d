"""In-app notifications (通知) and each user's delivery preference."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("即时发送")
    DAILY = "daily", _("每日汇总")
    NONE = "none", _("不发邮件")


class Notification(models.Model):
    """通知: a message to one user, shown in the notification centre and optionally sent by email."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类别"), max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    # Set when the notification is meant to be delivered once only (a reminder for a given due date).
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="unique_notification_dedupe")]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """通知设置: how a user wants email: each notification at once, a daily digest, or none."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref")
    email_mode = models.CharField(_("邮件方式"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)
    digest_sent_on = models.DateField(null=True, blank=True)
