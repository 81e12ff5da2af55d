"""Working-day calendar corrections (工作日历调整): admin overrides of the official holiday data for a date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarCorrection(models.Model):
    """工作日历调整: states that a date is (or is not) a working day, overriding the built-in calendar."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")

    def __str__(self):
        return f"{self.date} {'班' if self.is_working_day else '休'}"
