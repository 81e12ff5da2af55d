"""The duty ledger (履职记录): one append-only row per thing a member did or failed to do, written by the modules
when it happens. Corrections are new rows that reverse old ones; every row points to its source."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyKind(models.TextChoices):
    PROPOSAL_SUBMITTED = "proposal_submitted", _("提交提案")
    PROPOSAL_REGISTERED_LEAD = "proposal_registered_lead", _("提案立案（第一提案人）")
    PROPOSAL_REGISTERED_COSIGNER = "proposal_registered_cosigner", _("提案立案（联名）")
    PROPOSAL_REGISTERED_COLLECTIVE = "proposal_registered_collective", _("提案立案（集体提案联系人）")
    KEY_PROPOSAL_LEAD = "key_proposal_lead", _("重点提案（第一提案人）")
    KEY_PROPOSAL_COSIGNER = "key_proposal_cosigner", _("重点提案（联名）")
    EXCELLENT_PROPOSAL_LEAD = "excellent_proposal_lead", _("优秀提案（第一提案人）")
    EXCELLENT_PROPOSAL_COSIGNER = "excellent_proposal_cosigner", _("优秀提案（联名）")


class DutyRecord(models.Model):
    """履职记录: one ledger row. ``reverses`` points to the row a correction cancels."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="duty_records")
    kind = models.CharField(_("类别"), max_length=48, choices=DutyKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    occurred_on = models.DateField(_("日期"))
    source_type = models.CharField(_("来源类型"), max_length=48)
    source_id = models.BigIntegerField(_("来源编号"))
    source_label = models.CharField(_("来源"), max_length=255, blank=True)
    # Shared items (joint proposals) say how many members share them, for the points rules.
    share_count = models.PositiveSmallIntegerField(default=1)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("履职记录")
        indexes = [
            models.Index(fields=["member", "year"]),
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["year", "kind"]),
        ]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.occurred_on}"
