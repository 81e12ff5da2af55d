"""Study and training items on the home page's to-do list: the secretariat's seminar papers awaiting review (one
item per seminar, with the count, in the words the paper workflow declares for ``review``); a member's study hours
still short of the year's requirement, from the reminder day (1 September by default) to the year's end — an item
duty's to-do merges with the minimum duties not met, since both lead to the member's duty archive."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, TodoItem, register_todo_provider
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Member

from .models import Seminar
from .services import conf, member_study_hours, plain
from .workflow import PAPER

LIMIT = 20


@register_todo_provider
def training_todo(user) -> list[TodoItem]:
    roles = roles_of(user)
    # A member's missing hours are not listed here: duty lists them with the minimum duties not met, in one item
    # leading to the archive (``member_items`` is registered with ``duty.services.archive_todo_add``).
    items: list[TodoItem] = []
    if Role.SECRETARIAT not in roles:
        return items
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
    return items + groups.items()


def member_items(user, today: datetime.date) -> list[TodoItem]:
    """The member's study hours still short of the year's requirement (registered with duty's archive to-do)."""
    if Role.MEMBER not in roles_of(user):
        return []
    if today < datetime.date(today.year, conf("REMINDER_MONTH"), conf("REMINDER_DAY")):
        return []
    member = Member.objects.filter(user=user, status=MemberStatus.SERVING).first()
    if member is None:
        return []
    f = member_study_hours(member=member, year=today.year)
    if f["met"]:
        return []
    title = _("学习培训学时未达要求（已完成 %(h)s / 应完成 %(r)s）") % {
        "h": plain(f["hours"]),
        "r": plain(f["required"]),
    }
    url = f"{reverse('duty:my_archive')}?{urlencode({'year': today.year})}"
    return [TodoItem(title, url, _("学习培训"), datetime.date(today.year, 12, 31))]
