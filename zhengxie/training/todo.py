"""Study and training items on the home page's to-do list: the secretariat's seminar papers awaiting review (one
item per seminar, with the count, in the words the paper workflow declares for ``review``)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, TodoItem, register_todo_provider

from .models import Seminar
from .workflow import PAPER

LIMIT = 20


@register_todo_provider
def training_todo(user) -> list[TodoItem]:
    if Role.SECRETARIAT not in roles_of(user):
        return []
    step = PAPER["review"]
    groups = TodoGroups(_("学习培训"))
    seminars = Seminar.objects.filter(papers__state__in=step.sources).annotate(n=Count("papers")).order_by("pk")[:LIMIT]
    for s in seminars:
        groups.add(
            reverse("training:seminar_detail", args=[s.pk]),
            s.theme,
            str(step.due.todo),
            detail=_("%(n)d 篇") % {"n": s.n},
        )
    return groups.items()
