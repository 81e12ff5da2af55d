"""The calendar item on the admin's to-do list: a year that deadlines fall in but for which neither the official
calendar data nor an admin's corrections say which days are holidays and adjusted working weekends."""

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoItem, register_todo_provider

from .models import CalendarCorrection
from .services import official_data_years

# From this month on, next year's deadlines are being computed (proposals are due three to six months after they
# are assigned), so next year's holidays must be known; the State Council publishes them in the autumn.
NEXT_YEAR_FROM_MONTH = 10


def years_without_holidays(today=None) -> list[int]:
    """This year and, from October, next year: those with no official data and no correction entered."""
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= NEXT_YEAR_FROM_MONTH else [])
    covered = official_data_years()
    return [y for y in years if y not in covered and not CalendarCorrection.objects.filter(date__year=y).exists()]


@register_todo_provider
def calendar_todo(user) -> list[TodoItem]:
    if Role.ADMIN not in roles_of(user):
        return []
    return [
        TodoItem(
            _("录入 %(y)d 年法定节假日和调休安排") % {"y": year},
            f"/workdays/?year={year}&month=1",
            _("工作日历"),
        )
        for year in years_without_holidays()
    ]
