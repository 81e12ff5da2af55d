"""Stale recommendations (久未更新): one still open (not answered, or adopted and not yet done) whose last answer or
progress update lies ``ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS`` working days back or more (default 20, counted
on the working-day calendar, so holidays do not count and adjusted weekends do).

The daily job reminds each department of its recommendations that went stale since it was last reminded, and the
secretariat (the proposal office too, for key proposals' supervision) of all of them, each once per stale spell: a
recommendation is marked with the update time it was reminded of (``stale_reminded_for``), and a new update starts a
new spell. The work is set-based — one grouped count, one update, the notifications written in batches
(``notify_many``) — so it stays well under a minute over 50,000 recommendations; ``dedupe_key`` keeps a rerun on the
same day from telling anyone twice even if two runs overlap."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.notifications.services import Notice, notify_many

from .choices import Source
from .models import Recommendation
from .selectors import managers_of, stale_cutoff, stale_q, stale_working_days

KIND = "followup.stale"


def _unit_staff(unit_ids) -> dict[int, list]:
    out: dict[int, list] = {}
    users = get_user_model().objects.filter(
        unit_posts__unit_id__in=unit_ids, unit_posts__unit__is_active=True, is_active=True
    )
    for user in users.annotate(post_unit=F("unit_posts__unit_id")):
        out.setdefault(user.post_unit, []).append(user)
    return out


@transaction.atomic
def stale_reminders(*, today: datetime.date | None = None) -> dict:
    """Remind of the recommendations gone stale since their last reminder; returns what was found and sent."""
    today = today or timezone.localdate()
    cutoff = stale_cutoff(today)
    fresh = stale_q(cutoff) & (Q(stale_reminded_for__isnull=True) | ~Q(stale_reminded_for=F("last_update_at")))
    newly = Recommendation.objects.filter(fresh)
    by_unit: dict[int, int] = {}
    key_proposals = 0
    for row in newly.values("unit_id", "source").annotate(n=Count("id")).order_by():
        by_unit[row["unit_id"]] = by_unit.get(row["unit_id"], 0) + row["n"]
        if row["source"] == Source.KEY_PROPOSAL:
            key_proposals += row["n"]
    total = sum(by_unit.values())
    if not total:
        return {"stale": 0, "departments": 0, "notifications": 0}
    newly.update(stale_reminded_for=F("last_update_at"))
    days = stale_working_days()
    staff = _unit_staff(list(by_unit))
    notices = [
        Notice(
            recipients=staff.get(unit_id, []),
            kind=KIND,
            title=_("有 %(n)d 条建议超过 %(d)d 个工作日未更新落实进度") % {"n": n, "d": days},
            body=_("请在“建议办理”中更新落实进度。"),
            url="/followup/department/?tab=stale",
            dedupe_key=f"{KIND}:unit:{unit_id}:{today.isoformat()}",
        )
        for unit_id, n in sorted(by_unit.items())
    ]
    notices.append(
        Notice(
            recipients=managers_of(Source.CONSULTATION),
            kind=KIND,
            title=_("%(n)d 条建议超过 %(d)d 个工作日未更新，已提醒承办单位") % {"n": total, "d": days},
            url="/followup/",
            dedupe_key=f"{KIND}:secretariat:{today.isoformat()}",
        )
    )
    if key_proposals:
        offices = managers_of(Source.KEY_PROPOSAL).exclude(pk__in=managers_of(Source.CONSULTATION).values("pk"))
        notices.append(
            Notice(
                recipients=offices,
                kind=KIND,
                title=_("%(n)d 条重点提案督办建议超过 %(d)d 个工作日未更新，已提醒承办单位")
                % {"n": key_proposals, "d": days},
                url="/followup/",
                dedupe_key=f"{KIND}:office:{today.isoformat()}",
            )
        )
    sent = notify_many(notices=notices)
    return {"stale": total, "departments": len(by_unit), "notifications": sent}
