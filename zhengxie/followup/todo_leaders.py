"""The secretariat's follow-up item on its to-do list (``core.todo``): the stale recommendations, counted per year,
each year one item linking to the leaders' overview narrowed to that year's stale ones (where the secretariat
chases the departments). The departments' own items are in ``todo.py``."""

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoItem, register_todo_provider

from .models import Recommendation
from .selectors import stale_cutoff, stale_q


@register_todo_provider
def stale_for_secretariat(user) -> list[TodoItem]:
    if Role.SECRETARIAT not in roles_of(user):
        return []
    counts = (
        Recommendation.objects.filter(stale_q(stale_cutoff()))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("-year")
        .values_list("year", "n")
    )
    base = reverse("followup:leaders")
    return [
        TodoItem(
            _("滞后建议（%(y)s年度）：%(n)d 条久未更新，请督促承办单位") % {"y": year, "n": n},
            f"{base}?{urlencode({'year': year, 'stale': 1})}",
            _("成果转化"),
        )
        for year, n in counts
    ]
