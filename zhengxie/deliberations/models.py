"""网络议政: a topic opened to invited members for a time window; posts, replies and the opinions staff select."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DeliberationState, PostState


class Deliberation(models.Model):
    """网络议政 (online deliberation): a topic with its background, opened to invited members from ``opens_at`` to
    ``closes_at``; once closed it is read-only and its summary (综述) becomes a follow-up outcome document."""

    title = models.CharField(_("议题"), max_length=200)
    background = models.TextField(_("背景材料"), blank=True)
    # The invitation scope as the activities keep it (people.services.invitation_scope_clean); the invitations are
    # made from it when the deliberation opens.
    invitees_spec = models.JSONField(_("邀请范围"), default=dict)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    state = models.CharField(
        _("状态"), max_length=20, choices=DeliberationState.choices, default=DeliberationState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    opened_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    summary = models.TextField(_("综述"), blank=True)
    # The follow-up's outcome document made from the summary (followup owns it; only its id is kept here).
    outcome_document_id = models.BigIntegerField(_("成果文件"), null=True, blank=True)

    class Meta:
        verbose_name = _("网络议政")
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["state", "closes_at"])]

    def __str__(self):
        return self.title


class DeliberationInvitation(models.Model):
    """受邀委员: a member invited to a deliberation, made from its scope when it opens."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="deliberation_invitations")

    class Meta:
        verbose_name = _("受邀委员")
        constraints = [models.UniqueConstraint(fields=["deliberation", "member"], name="deliberation_invited_once")]

    def __str__(self):
        return f"{self.deliberation_id}:{self.member_id}"


class DeliberationPost(models.Model):
    """议政发言: an invited member's opinion on the topic, or a reply to one (threads are one level deep); staff
    select opinions into the outcome (选用)."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="deliberation_posts")
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("回复")
    )
    text = models.TextField(_("内容"))
    state = models.CharField(_("状态"), max_length=20, choices=PostState.choices, default=PostState.POSTED)
    created_at = models.DateTimeField(_("发表时间"), auto_now_add=True)
    selected_at = models.DateTimeField(_("选用时间"), null=True, blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("选用人"),
    )

    class Meta:
        verbose_name = _("议政发言")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["deliberation", "reply_to", "created_at"])]

    def __str__(self):
        return self.text[:30]
