"""Scheduled duty jobs: warning members short of a minimum duty in time (in October, not after the year), with a
list for the secretariat; flagging new alerts (e.g. two unexcused plenary absences in a term) to the secretariat; and
making sure every serving member has this year's archive row.

Each function takes ``today`` so tests run it on a controlled clock, and each is idempotent: every notification
carries a ``dedupe_key``, so a rerun or a retried task tells nobody twice.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.roles import Role
from zhengxie.notifications.services import notify
from zhengxie.people.choices import MemberStatus

from .models import MemberYearScore
from .points import _term_years, ensure_year, rules_for

DEFAULTS = {
    # The day from which members short of a minimum duty are warned (and the secretariat gets the list).
    "MINIMUM_WARNING_MONTH": 10,
    "MINIMUM_WARNING_DAY": 1,
}


def conf(name: str):
    return getattr(settings, "DUTY", {}).get(name, DEFAULTS[name])


def secretariat_users():
    return get_user_model().objects.filter(role_grants__role=Role.SECRETARIAT, is_active=True).distinct()


def warning_day(year: int) -> datetime.date:
    return datetime.date(year, conf("MINIMUM_WARNING_MONTH"), conf("MINIMUM_WARNING_DAY"))


def _missing_text(missing: list) -> str:
    return "；".join(
        _("%(l)s（已完成 %(d)d，应完成 %(r)d）") % {"l": m["label"], "d": m["done"], "r": m["required"]}
        for m in missing
    )


def warn_short_of_minimums(*, today: datetime.date | None = None) -> dict:
    """From the warning day to the year's end: each serving member short of a minimum this year is told what is
    missing (once per member and year), and the secretariat gets the list (once per year). Returns the
    notifications created: {"members": n, "secretariat": n}."""
    today = today or timezone.localdate()
    year = today.year
    created = {"members": 0, "secretariat": 0}
    if today < warning_day(year):
        return created
    ensure_year(year)
    rows = list(
        MemberYearScore.objects.filter(year=year, member__status=MemberStatus.SERVING)
        .exclude(missing=[])
        .select_related("member__user", "member__sector")
        .order_by("member__sector__sort_order", "member__name", "member_id")
    )
    if not rows:
        return created
    own_url = f"{reverse('duty:my_archive')}?{urlencode({'year': year})}"
    with transaction.atomic():
        for row in rows:
            user = row.member.user
            if user is None or not user.is_active:
                continue
            created["members"] += len(
                notify(
                    recipients=[user],
                    kind="duty.minimums",
                    title=_("%(y)d年度基本履职要求尚未达到") % {"y": year},
                    body=_("您本年度尚未达到以下基本履职要求：%(m)s。请在年底前完成。")
                    % {"m": _missing_text(row.missing)},
                    url=own_url,
                    dedupe_key=f"duty.minimums.{year}.{row.member_id}",
                )
            )
        lines = [f"{r.member.name}（{r.member.sector.name}）：{_missing_text(r.missing)}" for r in rows]
        created["secretariat"] = len(
            notify(
                recipients=secretariat_users(),
                kind="duty.minimums_list",
                title=_("%(y)d年度未达基本履职要求的委员：%(n)d 人") % {"y": year, "n": len(rows)},
                body="\n".join(lines),
                url=f"{reverse('duty:short_of_minimums')}?{urlencode({'year': year})}",
                dedupe_key=f"duty.minimums_list.{year}",
            )
        )
    return created


def ensure_year_scores(*, today: datetime.date | None = None) -> int:
    """Every serving member has this year's archive row: a full check (``points.ensure_year(force=True)``) behind
    the checks made when members and the ledger change, and on 1 January the new year's rows before anyone opens
    the table. Returns rows inserted."""
    today = today or timezone.localdate()
    return ensure_year(today.year, force=True)


def _alert_period_key(year: int, period: str) -> str:
    """An alert counted over a term is one alert for the whole term (it is flagged once, not again each year)."""
    if period == "term":
        first, last = _term_years(year)
        return f"term{first}-{last}"
    return str(year)


def flag_new_alerts(*, today: datetime.date | None = None) -> int:
    """Tell the secretariat of each alert raised on a member's archive this year (and, in January, last year's
    late ones), once per member, alert and period (year, or term for term alerts). Returns notifications created."""
    today = today or timezone.localdate()
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    staff = list(secretariat_users())
    if not staff:
        return 0
    created = 0
    for year in years:
        periods = {a["code"]: a.get("period", "year") for a in rules_for(year).rs.alerts}
        rows = (
            MemberYearScore.objects.filter(year=year)
            .exclude(alerts=[])
            .select_related("member__sector")
            .order_by("member__sector__sort_order", "member__name", "member_id")
        )
        with transaction.atomic():
            for row in rows:
                url = f"{reverse('duty:member_archive', args=[row.member_id])}?{urlencode({'year': year})}"
                for alert in row.alerts:
                    key = _alert_period_key(year, periods.get(alert["code"], "year"))
                    created += len(
                        notify(
                            recipients=staff,
                            kind="duty.alert",
                            title=_("履职预警：%(n)s（%(s)s）%(l)s")
                            % {"n": row.member.name, "s": row.member.sector.name, "l": alert["label"]},
                            body=_("%(y)d年度履职档案：%(l)s，共 %(c)d 次。")
                            % {"y": year, "l": alert["label"], "c": alert["count"]},
                            url=url,
                            dedupe_key=f"duty.alert.{alert['code']}.{row.member_id}.{key}",
                        )
                    )
    return created
