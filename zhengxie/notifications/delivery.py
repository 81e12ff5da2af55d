"""Email: what the background tasks send (``tasks``), after the rows were committed (``services.notify``).
Each sending claims its rows first, so a retried task never sends twice."""

import datetime
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EmailMode, Notification, NotificationPreference
from .selectors import email_mode_of


def _absolute(url: str) -> str:
    base = getattr(settings, "ZHENGXIE_SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") and base else url


def deliver_immediate(ids: list[int]) -> int:
    """Email each not-yet-emailed notification whose recipient wants immediate email. Returns emails sent."""
    sent = 0
    for n in Notification.objects.select_related("recipient").filter(pk__in=ids, emailed_at__isnull=True):
        user = n.recipient
        if not user.email or email_mode_of(user) != EmailMode.IMMEDIATE:
            continue
        # Claim the row first so a retried task never sends twice.
        if Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()) != 1:
            continue
        body = n.body + (f"\n\n{_absolute(n.url)}" if n.url else "")
        send_mail(n.title, body, None, [user.email])
        sent += 1
    return sent


def deliver_daily_digests(*, today: datetime.date | None = None) -> int:
    """One email per daily-digest user with everything not yet emailed. Idempotent per day."""
    today = today or timezone.localdate()
    sent = 0
    prefs = NotificationPreference.objects.select_related("user").filter(email_mode=EmailMode.DAILY)
    for pref in prefs.exclude(digest_sent_on=today):
        user = pref.user
        with transaction.atomic():
            claimed = (
                NotificationPreference.objects.filter(pk=pref.pk)
                .exclude(digest_sent_on=today)
                .update(digest_sent_on=today)
            )
            if not claimed:
                continue
            pending = list(
                Notification.objects.select_for_update()
                .filter(recipient=user, emailed_at__isnull=True)
                .order_by("created_at")
            )
            if not pending or not user.email:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
            lines = [f"· {n.title}" + (f"\n  {_absolute(n.url)}" if n.url else "") for n in pending]
            subject = _("政协履职工作平台每日通知汇总（%(n)d 条）") % {"n": len(pending)}
            transaction.on_commit(partial(send_mail, subject, "\n".join(lines), None, [user.email]))
            sent += 1
    return sent
