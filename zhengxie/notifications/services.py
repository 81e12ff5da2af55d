"""The one service every module calls to tell people something: ``notify(...)``.

Rows are written in the caller's transaction; email goes out from a background task queued only after commit,
immediately or in the daily digest as each recipient prefers.
"""

import datetime
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EmailMode, Notification, NotificationPreference


def notify(
    *, recipients: Iterable, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str | None = None
) -> list[Notification]:
    """Create one notification per recipient. With ``dedupe_key`` a recipient who already has a notification with
    that key gets no second one (reminders rerun safely)."""
    created = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        kind=kind,
                        title=title[:200],
                        body=body,
                        url=url,
                        dedupe_key=dedupe_key,
                    )
                )
        except IntegrityError:
            if dedupe_key is None:
                raise
    if created:
        ids = [n.pk for n in created]
        from .tasks import send_immediate_emails

        transaction.on_commit(lambda: send_immediate_emails.enqueue(ids))
    return created


def email_mode_of(user) -> str:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_mode if pref else EmailMode.IMMEDIATE


@transaction.atomic
def preference_set(*, user, email_mode: str) -> NotificationPreference:
    from zhengxie.audit.services import audit_record

    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    old = pref.email_mode
    if old != email_mode or _created:
        pref.email_mode = email_mode
        pref.save(update_fields=["email_mode"])
        audit_record(
            actor=user, action="notifications.set_preference", obj=user, changes={"email_mode": [old, email_mode]}
        )
    return pref


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    user.__dict__.pop("_zx_unread", None)  # the header's count, read with the roles, is counted again
    return qs.update(read_at=timezone.now())


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
