"""The one service every module calls to tell people something: ``notify(...)``.

Rows are written in the caller's transaction; email goes out from a background task queued only after commit
(``tasks``), immediately or in the daily digest as each recipient prefers (``delivery``).
"""

from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Notice:
    """One notice for ``notify_many``: the same arguments as ``notify``."""

    recipients: Iterable
    kind: str
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str | None = None


def notify_many(*, notices: Iterable[Notice]) -> int:
    """``notify`` for many notices at once (a daily job telling thousands of departments): the rows a recipient
    already has under the same ``dedupe_key`` are left out with one query, the rest written in batches. Returns how
    many were written. Should a concurrent run write some of them meanwhile, the notices are written one by one as
    ``notify`` does, so that nobody is told twice."""
    notices = list(notices)
    rows = []
    for n in notices:
        for user in {u.pk: u for u in n.recipients if u is not None}.values():
            rows.append(
                Notification(
                    recipient=user, kind=n.kind, title=n.title[:200], body=n.body, url=n.url, dedupe_key=n.dedupe_key
                )
            )
    keys = {r.dedupe_key for r in rows if r.dedupe_key is not None}
    if keys:
        sent = set(Notification.objects.filter(dedupe_key__in=keys).values_list("recipient_id", "dedupe_key"))
        rows = [r for r in rows if (r.recipient_id, r.dedupe_key) not in sent]
    if not rows:
        return 0
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        return sum(
            len(
                notify(
                    recipients=n.recipients, kind=n.kind, title=n.title, body=n.body, url=n.url, dedupe_key=n.dedupe_key
                )
            )
            for n in notices
        )
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: send_immediate_emails.enqueue(ids))
    return len(created)


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
