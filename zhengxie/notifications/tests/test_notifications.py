import datetime
import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from zhengxie.accounts.services import account_create
from zhengxie.audit.models import AuditEntry
from zhengxie.notifications.delivery import deliver_daily_digests, deliver_immediate
from zhengxie.notifications.models import EmailMode, Notification, NotificationPreference
from zhengxie.notifications.services import Notice, notify, notify_many, preference_set

pytestmark = pytest.mark.django_db


def _account(username: str, *, email: str, mode: str | None = None):
    user = account_create(username=username, password="Ganjiang-river-2026", email=email, display_name=username)
    if mode is not None:
        preference_set(user=user, email_mode=mode)
    return user


@pytest.fixture
def people(db):
    """Three accounts with email, one per delivery preference, and one without an address."""
    return {
        "immediate": _account("u-immediate", email="immediate@example.org"),
        "daily": _account("u-daily", email="daily@example.org", mode=EmailMode.DAILY),
        "none": _account("u-none", email="none@example.org", mode=EmailMode.NONE),
        "no_email": _account("u-no-email", email=""),
    }


def _unread_badge(html: str) -> str | None:
    match = re.search(r'data-testid="unread-count">(\d+)</span>', html)
    return match.group(1) if match else None


# notify() ------------------------------------------------------------------------------------------------------


def test_notify_creates_one_row_per_recipient_even_if_listed_twice(people):
    a, b = people["immediate"], people["daily"]
    created = notify(recipients=[a, b, a, None], kind="proposal.assigned", title="提案已交办", url="/p/1/")
    rows = Notification.objects.order_by("recipient_id")
    assert len(created) == 2
    assert [(n.recipient, n.kind, n.title, n.url, n.read_at) for n in rows] == [
        (a, "proposal.assigned", "提案已交办", "/p/1/", None),
        (b, "proposal.assigned", "提案已交办", "/p/1/", None),
    ]


def test_dedupe_key_prevents_a_second_notification(people):
    a, b = people["immediate"], people["daily"]
    first = notify(recipients=[a], kind="reminder", title="截止提醒", dedupe_key="reminder:p1:2026-12-01")
    again = notify(recipients=[a, b], kind="reminder", title="截止提醒", dedupe_key="reminder:p1:2026-12-01")
    assert len(first) == 1
    assert [n.recipient for n in again] == [b]
    assert Notification.objects.filter(recipient=a).count() == 1
    assert Notification.objects.filter(recipient=b).count() == 1


def test_notify_many_writes_each_notice_once_per_recipient_and_skips_those_already_told(people):
    # given one recipient already told under a key
    a, b, c = people["immediate"], people["daily"], people["none"]
    notify(recipients=[a], kind="reminder", title="滞后提醒", dedupe_key="stale:unit:1")
    notices = [
        Notice(recipients=[a, b, a], kind="reminder", title="滞后提醒", url="/f/", dedupe_key="stale:unit:1"),
        Notice(recipients=[c], kind="reminder", title="汇总", dedupe_key="stale:secretariat"),
        Notice(recipients=[c], kind="info", title="无键通知"),
    ]
    # when the notices are written at once, and again (a rerun)
    written = notify_many(notices=notices)
    again = notify_many(notices=notices[:2])
    # then each recipient has one row per key and the rerun writes nothing
    assert (written, again) == (3, 0)
    rows = Notification.objects.values_list("recipient__username", "dedupe_key")
    assert sorted((user, key or "") for user, key in rows) == [
        ("u-daily", "stale:unit:1"),
        ("u-immediate", "stale:unit:1"),
        ("u-none", ""),
        ("u-none", "stale:secretariat"),
    ]


def test_without_dedupe_key_repeats_are_separate_notifications(people):
    a = people["immediate"]
    notify(recipients=[a], kind="info", title="一")
    notify(recipients=[a], kind="info", title="一")
    assert Notification.objects.filter(recipient=a).count() == 2


# Email ---------------------------------------------------------------------------------------------------------


def test_email_is_sent_only_after_commit_and_only_to_immediate_users(people, django_capture_on_commit_callbacks):
    # given a notification to every kind of recipient, inside a transaction that has not committed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=list(people.values()), kind="info", title="会议通知", body="请按时参会。", url="/m/1/")
        # then nothing is sent yet
        assert mail.outbox == []
    assert len(callbacks) == 1
    # when the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    # then only the immediate user gets one email, and their notification is marked emailed
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["immediate@example.org"], "会议通知", "请按时参会。\n\n/m/1/")
    ]
    emailed = set(Notification.objects.filter(emailed_at__isnull=False).values_list("recipient__username", flat=True))
    assert emailed == {"u-immediate"}


def test_no_email_and_no_notification_when_the_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    # given a change that notifies and then fails inside its transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[people["immediate"]], kind="info", title="不会发出")
            raise RuntimeError("the change failed")
    # then neither the notification nor its email survives
    assert callbacks == []
    assert mail.outbox == []
    assert Notification.objects.count() == 0


def test_a_notification_is_emailed_once_even_if_the_task_runs_twice(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[people["immediate"]], kind="info", title="只发一次")
    assert deliver_immediate([n.pk for n in created]) == 0
    assert len(mail.outbox) == 1


def test_daily_digest_sends_one_email_per_daily_user_with_everything_pending(
    people, django_capture_on_commit_callbacks
):
    # given two notifications for the daily user (and some for others)
    second_daily = _account("u-daily-2", email="daily2@example.org", mode=EmailMode.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["daily"], people["immediate"]], kind="info", title="第一条", url="/a/")
        notify(recipients=[people["daily"], second_daily, people["none"]], kind="info", title="第二条")
    immediate_mails = len(mail.outbox)
    # when the digest runs
    today = datetime.date(2026, 12, 1)
    with django_capture_on_commit_callbacks(execute=True):
        sent = deliver_daily_digests(today=today)
    # then each daily user gets one email listing all their pending notifications
    digests = mail.outbox[immediate_mails:]
    assert sent == 2
    assert sorted((m.to[0], m.subject, m.body) for m in digests) == [
        ("daily2@example.org", "政协履职工作平台每日通知汇总（1 条）", "· 第二条"),
        ("daily@example.org", "政协履职工作平台每日通知汇总（2 条）", "· 第一条\n  /a/\n· 第二条"),
    ]
    assert Notification.objects.filter(recipient=people["daily"], emailed_at__isnull=True).count() == 0
    assert NotificationPreference.objects.get(user=people["daily"]).digest_sent_on == today


def test_the_daily_digest_runs_once_a_day(people, django_capture_on_commit_callbacks):
    today = datetime.date(2026, 12, 1)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["daily"]], kind="info", title="第一条")
        deliver_daily_digests(today=today)
    count = len(mail.outbox)
    # a notification arriving later that day waits for tomorrow's digest
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["daily"]], kind="info", title="第二条")
        again = deliver_daily_digests(today=today)
    assert (again, len(mail.outbox)) == (0, count)
    with django_capture_on_commit_callbacks(execute=True):
        tomorrow = deliver_daily_digests(today=today + datetime.timedelta(days=1))
    assert tomorrow == 1
    assert mail.outbox[-1].body == "· 第二条"


def test_a_daily_user_with_nothing_pending_gets_no_digest(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_daily_digests(today=datetime.date(2026, 12, 1)) == 0
    assert mail.outbox == []


# Pages ---------------------------------------------------------------------------------------------------------


def test_the_header_badge_shows_the_unread_count(org, client_for):
    user = org.users["member"]
    client = client_for(user)
    assert _unread_badge(client.get("/").content.decode()) is None
    notify(recipients=[user], kind="info", title="一")
    notify(recipients=[user], kind="info", title="二")
    notify(recipients=[user, org.users["member2"]], kind="info", title="三")
    assert _unread_badge(client.get("/").content.decode()) == "3"
    assert _unread_badge(client_for(org.users["member2"]).get("/").content.decode()) == "1"


def test_mark_read_touches_only_that_notification_of_the_user(org, client_for):
    user = org.users["member"]
    first, second = (notify(recipients=[user], kind="info", title=t)[0] for t in ("一", "二"))
    client = client_for(user)
    response = client.post(reverse("notifications:mark_read", kwargs={"pk": first.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    assert _unread_badge(client.get("/").content.decode()) == "1"


def test_mark_read_follows_only_a_local_next(org, client_for):
    user = org.users["member"]
    n = notify(recipients=[user], kind="info", title="一")[0]
    url = reverse("notifications:mark_read", kwargs={"pk": n.pk})
    assert client_for(user).post(url, {"next": "https://evil.example/"})["Location"] == reverse("notifications:list")
    n2 = notify(recipients=[user], kind="info", title="二")[0]
    url2 = reverse("notifications:mark_read", kwargs={"pk": n2.pk})
    assert client_for(user).post(url2, {"next": "/people/organisation/"})["Location"] == "/people/organisation/"


def test_mark_all_read_reports_how_many(org, client_for):
    user = org.users["member"]
    notify(recipients=[user], kind="info", title="一")
    notify(recipients=[user], kind="info", title="二")
    notify(recipients=[org.users["member2"]], kind="info", title="别人的")
    client = client_for(user)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 2 条通知标为已读。" in response.content.decode()
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=org.users["member2"], read_at__isnull=True).count() == 1


def test_the_list_shows_only_the_users_notifications_and_can_filter_unread(org, client_for):
    user = org.users["member"]
    read = notify(recipients=[user], kind="info", title="已读的通知")[0]
    notify(recipients=[user], kind="info", title="未读的通知")
    notify(recipients=[org.users["member2"]], kind="info", title="别人的通知")
    client = client_for(user)
    client.post(reverse("notifications:mark_read", kwargs={"pk": read.pk}))
    everything = client.get(reverse("notifications:list")).content.decode()
    unread = client.get(reverse("notifications:list") + "?unread=1").content.decode()
    assert ("已读的通知" in everything, "未读的通知" in everything, "别人的通知" in everything) == (True, True, False)
    assert ("已读的通知" in unread, "未读的通知" in unread) == (False, True)


def test_preferences_page_saves_and_audits(org, client_for):
    user = org.users["member"]
    client = client_for(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert '<option value="immediate" selected>' in page
    response = client.post(reverse("notifications:preferences"), {"email_mode": "daily"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user).email_mode == EmailMode.DAILY
    assert '<option value="daily" selected>' in client.get(reverse("notifications:preferences")).content.decode()
    entry = AuditEntry.objects.get(action="notifications.set_preference")
    assert (entry.actor, entry.changes) == (user, {"email_mode": ["immediate", "daily"]})


def test_preferences_page_refuses_an_unknown_mode(org, client_for):
    user = org.users["member"]
    response = client_for(user).post(reverse("notifications:preferences"), {"email_mode": "hourly"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="notifications.set_preference").exists()
