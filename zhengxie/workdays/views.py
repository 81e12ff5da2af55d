import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengxie.core.access import has_perm, require

from . import services
from .forms import CorrectionForm
from .models import CalendarCorrection

# Column headings of the month table, Monday first.
WEEKDAY_NAMES = [
    gettext_lazy("一"),
    gettext_lazy("二"),
    gettext_lazy("三"),
    gettext_lazy("四"),
    gettext_lazy("五"),
    gettext_lazy("六"),
    gettext_lazy("日"),
]


@require("workdays.view")
def calendar(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        datetime.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    can_manage = has_perm(request.user, "workdays.manage")
    form = CorrectionForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            services.correction_set(actor=request.user, **form.cleaned_data)
            messages.success(request, _("已保存 %(d)s 的调整。") % {"d": form.cleaned_data["date"]})
            d = form.cleaned_data["date"]
            return redirect(f"{request.path}?year={d.year}&month={d.month}")
    days = services.month_days(year, month)
    lead = [None] * days[0]["date"].weekday()
    cells = lead + days
    weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
    prev_m = datetime.date(year, month, 1) - datetime.timedelta(days=1)
    next_m = datetime.date(year, month, 28) + datetime.timedelta(days=4)
    covered = services.official_data_years()
    return render(
        request,
        "workdays/calendar.html",
        {
            "active_nav": "workdays",
            "weeks": weeks,
            "weekday_names": WEEKDAY_NAMES,
            "year": year,
            "month": month,
            "prev": prev_m,
            "next": next_m,
            "form": form,
            "can_manage": can_manage,
            "no_official_data": year not in covered,
            "covered": covered,
            "corrections": CalendarCorrection.objects.filter(date__year=year),
        },
    )


@require("workdays.manage")
@require_POST
def delete_correction(request, pk: int):
    correction = get_object_or_404(CalendarCorrection, pk=pk)
    services.correction_delete(actor=request.user, correction=correction)
    messages.success(request, _("已删除调整。"))
    return redirect(f"/workdays/?year={correction.date.year}&month={correction.date.month}")
