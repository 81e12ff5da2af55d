"""社情民意专报: numbered issues of signed-off reports, laid out for print (``bulletins.py``, ``documents.py``).
Kept apart from the reports' own models (``models.py`` imports them at its end, so Django registers them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxie.core.models import ChoiceLabels


class BulletinKind(models.TextChoices):
    SPECIAL = "special", _("社情民意专报")
    INFO = "info", _("社情民意信息")


class Bulletin(ChoiceLabels, models.Model):
    """社情民意专报 / 社情民意信息（期）: one numbered issue of a year, holding signed-off reports in print order."""

    kind = models.CharField(_("刊物"), max_length=16, choices=BulletinKind.choices, default=BulletinKind.SPECIAL)
    year = models.PositiveSmallIntegerField(_("年度"))
    # The sequence within the kind and the year: the unique constraint decides between two editors numbering at once.
    number = models.PositiveIntegerField(_("期号"))
    title = models.CharField(_("本期标题"), max_length=200, blank=True)
    issued_on = models.DateField(_("编发日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number", "-id"]
        verbose_name = _("社情民意专报")
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"], name="unique_bulletin_number")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}-{self.number}"


class BulletinItem(models.Model):
    """专报所收信息: one report in an issue, at its printed position."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="items")
    report = models.ForeignKey("opinions.OpinionReport", on_delete=models.PROTECT, related_name="bulletin_items")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["bulletin", "position"]
        verbose_name = _("专报所收信息")
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "report"], name="unique_bulletin_report"),
            models.UniqueConstraint(fields=["bulletin", "position"], name="unique_bulletin_position"),
        ]
