"""The duty jobs on a controlled clock: members short of a minimum warned from the warning day (once a year, with
the secretariat's list), new alerts flagged to the secretariat (once per member, alert and period); reruns create
nothing."""

import datetime

import pytest
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from tests.builders.activities import YEAR, day_of_year, duty_year, held_activity
from tests.builders.org import make_member, member_with_account
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.jobs import flag_new_alerts, warn_short_of_minimums
from zhengxie.duty.services import duty_record_event
from zhengxie.duty.tasks_archive import duty_alert_flags, duty_minimum_warnings
from zhengxie.notifications.models import Notification
from zhengxie.people.models import HandlingUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(org, category, third):
    return duty_year(org, third, category)


@pytest.fixture
def third(org):
    return member_with_account(org, username="m-third", name="王委员", seq=3, display_name="")


def _opinion(member):
    """An opinion report recorded as the opinions module records it (a distinct source row each time)."""
    source = HandlingUnit.objects.create(name=f"社情民意来源{member.pk}")
    duty_record_event(
        member=member, kind=DutyKind.OPINION_SUBMITTED, occurred_on=day_of_year(4, 1).date(), source=source
    )


def test_minimum_warnings_from_the_warning_day_once(org, third, built):
    _opinion(org.member)  # 张委员 now meets every minimum
    no_account = make_member(name="赵委员", sector=org.other_sector, party=org.party, seq=4)
    assert warn_short_of_minimums(today=datetime.date(YEAR, 9, 30)) == {"members": 0, "secretariat": 0}
    assert not Notification.objects.filter(kind__startswith="duty.minimums").exists()

    assert warn_short_of_minimums(today=datetime.date(YEAR, 10, 1)) == {"members": 2, "secretariat": 1}
    warned = Notification.objects.filter(kind="duty.minimums").order_by("recipient__username")
    assert [n.recipient for n in warned] == [org.users["member2"], third.user]
    to_member2 = warned[0]
    assert to_member2.title == f"{YEAR}年度基本履职要求尚未达到"
    assert "出席全体会议（已完成 0，应完成 1）" in to_member2.body
    assert "报送至少1篇社情民意信息（已完成 0，应完成 1）" in to_member2.body
    assert to_member2.url == f"{reverse('duty:my_archive')}?year={YEAR}"
    assert to_member2.dedupe_key == f"duty.minimums.{YEAR}.{org.member2.pk}"
    listed = Notification.objects.get(kind="duty.minimums_list")
    assert listed.recipient == org.users["staff"]
    assert listed.title == f"{YEAR}年度未达基本履职要求的委员：3 人"
    assert listed.body.splitlines() == [
        "王委员（经济）：报送至少1篇社情民意信息（已完成 0，应完成 1）",
        "李委员（教育）：出席全体会议（已完成 0，应完成 1）；参加至少3次会议或活动（已完成 0，应完成 3）；"
        "提交至少1件提案（已完成 0，应完成 1）；报送至少1篇社情民意信息（已完成 0，应完成 1）",
        "赵委员（教育）：出席全体会议（已完成 0，应完成 1）；参加至少3次会议或活动（已完成 0，应完成 3）；"
        "提交至少1件提案（已完成 0，应完成 1）；报送至少1篇社情民意信息（已完成 0，应完成 1）",
    ]
    assert listed.url == f"{reverse('duty:short_of_minimums')}?year={YEAR}"
    assert no_account.user is None

    total = Notification.objects.count()
    assert warn_short_of_minimums(today=datetime.date(YEAR, 10, 1)) == {"members": 0, "secretariat": 0}
    assert warn_short_of_minimums(today=datetime.date(YEAR, 11, 20)) == {"members": 0, "secretariat": 0}
    assert Notification.objects.count() == total


def test_warning_day_is_a_setting(org, settings):
    settings.DUTY = {"MINIMUM_WARNING_MONTH": 11, "MINIMUM_WARNING_DAY": 15}
    assert warn_short_of_minimums(today=datetime.date(YEAR, 11, 14)) == {"members": 0, "secretariat": 0}
    # nobody has done anything: both members are short of every minimum
    assert warn_short_of_minimums(today=datetime.date(YEAR, 11, 15)) == {"members": 2, "secretariat": 1}


def test_alerts_are_flagged_to_the_secretariat_once(org, third, built):
    member2 = org.member2
    assert flag_new_alerts(today=datetime.date(YEAR, 6, 1)) == 1
    flagged = Notification.objects.get(kind="duty.alert")
    assert flagged.recipient == org.users["staff"]
    assert flagged.title == "履职预警：李委员（教育）一届内两次无故缺席全体会议"
    assert flagged.body == f"{YEAR}年度履职档案：一届内两次无故缺席全体会议，共 2 次。"
    assert flagged.url == f"{reverse('duty:member_archive', args=[member2.pk])}?year={YEAR}"
    first, last = org.term.starts_on.year, org.term.ends_on.year
    assert flagged.dedupe_key == f"duty.alert.plenary_absences.{member2.pk}.term{first}-{last}"
    assert flag_new_alerts(today=datetime.date(YEAR, 6, 2)) == 0

    # A third plenary absence is the same alert: not flagged again.
    held_activity(
        org,
        title="区政协全体会议（闭幕）",
        kind="plenary",
        start=day_of_year(1, 10),
        invitees={"all": True},
        present=[org.member, third],
    )
    assert flag_new_alerts(today=datetime.date(YEAR, 6, 3)) == 0

    # Three unexcused standing-committee absences in the year: a new alert, flagged once.
    for month in (2, 3, 4):
        held_activity(
            org,
            title=f"常委会议（{month}月）",
            kind="standing_committee",
            start=day_of_year(month, 20),
            invitees={"member_ids": [member2.pk]},
        )
    assert flag_new_alerts(today=datetime.date(YEAR, 6, 4)) == 1
    standing = Notification.objects.filter(kind="duty.alert").latest("id")
    assert standing.dedupe_key == f"duty.alert.standing_absences.{member2.pk}.{YEAR}"
    assert standing.body == f"{YEAR}年度履职档案：一年内三次无故缺席常委会议，共 3 次。"
    # In January the job still looks at last year; nothing of it is new.
    assert flag_new_alerts(today=datetime.date(YEAR + 1, 1, 5)) == 0
    assert Notification.objects.filter(kind="duty.alert").count() == 2


def test_no_alerts_no_notifications(org):
    assert flag_new_alerts(today=datetime.date(YEAR, 6, 1)) == 0
    assert not Notification.objects.exists()


def test_jobs_are_scheduled_with_huey():
    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"duty_minimum_warnings", "duty_alert_flags"} <= names
    assert duty_minimum_warnings.task_class().validate_datetime(datetime.datetime(YEAR, 10, 1, 7, 15))
    assert not duty_minimum_warnings.task_class().validate_datetime(datetime.datetime(YEAR, 10, 1, 7, 16))
    assert duty_alert_flags.task_class().validate_datetime(datetime.datetime(YEAR, 3, 1, 7, 20))
