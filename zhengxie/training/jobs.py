"""The autumn reminder of study hours: from 1 September (a setting) members below the year's required hours are told
how many they still need, once a year each, and the secretariat gets the list once — as duty warns of missing
minimum duties. Idempotent through the notifications' ``dedupe_key``; ``today`` is a parameter for tests."""

import datetime
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.roles import Role
from zhengxie.notifications.services import notify

from .services import conf, plain, short_of_hours


def reminder_day(year: int) -> datetime.date:
    return datetime.date(year, conf("REMINDER_MONTH"), conf("REMINDER_DAY"))


def remind_short_of_hours(*, today: datetime.date | None = None) -> dict:
    """Returns the notifications created: {"members": n, "secretariat": n}."""
    today = today or timezone.localdate()
    year = today.year
    created = {"members": 0, "secretariat": 0}
    if today < reminder_day(year):
        return created
    rows = short_of_hours(year=year)
    if not rows:
        return created
    users = get_user_model().objects.filter(pk__in=[r["member"].user_id for r in rows if r["member"].user_id])
    users = {u.pk: u for u in users.only("pk", "is_active")}
    with transaction.atomic():
        for row in rows:
            user = users.get(row["member"].user_id)
            if user is None or not user.is_active:
                continue
            created["members"] += len(
                notify(
                    recipients=[user],
                    kind="training.hours_short",
                    title=_("%(y)d年度学习培训学时尚未达到要求") % {"y": year},
                    body=_("您本年度已完成 %(h)s 学时，应完成 %(r)s 学时，还差 %(s)s 学时。请在年底前参加学习培训。")
                    % {"h": plain(row["hours"]), "r": plain(row["required"]), "s": plain(row["short"])},
                    url=f"{reverse('duty:my_archive')}?{urlencode({'year': year})}",
                    dedupe_key=f"training.hours_short.{year}.{row['member'].pk}",
                )
            )
        staff = get_user_model().objects.filter(role_grants__role=Role.SECRETARIAT, is_active=True).distinct()
        lines = [
            f"{r['member'].name}（{r['member'].sector_name}）：{plain(r['hours'])} / {plain(r['required'])}"
            for r in rows
        ]
        created["secretariat"] = len(
            notify(
                recipients=staff,
                kind="training.hours_short_list",
                title=_("%(y)d年度学时未达要求的委员：%(n)d 人") % {"y": year, "n": len(rows)},
                body="\n".join(lines),
                url=f"{reverse('training:shortfall')}?{urlencode({'year': year})}",
                dedupe_key=f"training.hours_short_list.{year}",
            )
        )
    return created
