"""The one service every module calls to tell people something: ``notify(...)``.

Rows are written in the caller's transaction; email goes out from a background task queued only after commit
(``tasks``), immediately or in the daily digest as each recipient prefers (``delivery``).
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxie.audit.services import audit_record

from .models import Notification, NotificationPreference
from .tasks import send_immediate_emails


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
        transaction.on_commit(lambda: send_immediate_emails.enqueue(ids))
    return created


@transaction.atomic
def preference_set(*, user, email_mode: str) -> NotificationPreference:
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
