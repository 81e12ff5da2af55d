"""The hooks duty offers the training app: an attendee's study hours from a provider (partial attendance), written
again once when they change after closing, the year's study hours per member, and extra parts of the archive page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.builders.activities import held_activity
from zhengxie.duty import services
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import DutyRecord

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 12, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def hours_by_member(monkeypatch):
    given: dict[int, Decimal] = {}
    monkeypatch.setitem(services._TRAINING_HOURS, "training", lambda activity_id, member_id: given.get(member_id))
    return given


def _hours_rows(member):
    return list(
        DutyRecord.objects.filter(member=member, kind=DutyKind.TRAINING_HOURS)
        .order_by("pk")
        .values_list("quantity", "sign")
    )


def test_closing_writes_the_provider_hours_and_the_default_for_others(org, hours_by_member):
    # given the provider gives member 1.5 hours and nothing for member2 (the activity's own 4 hours)
    hours_by_member[org.member.pk] = Decimal("1.5")
    activity = held_activity(
        org,
        title="委员履职能力培训班",
        kind="training",
        start=START,
        invitees={"member_ids": [org.member.pk, org.member2.pk]},
        present=[org.member, org.member2],
    )
    # then each attendee has one study-hours row
    assert activity.training_hours == 0
    assert _hours_rows(org.member) == [(Decimal("1.50"), 1)]
    assert _hours_rows(org.member2) == []  # the activity itself gives no hours
    assert services.study_hours(year=2026) == {org.member.pk: Decimal("1.50")}


def test_rerecord_reverses_once_and_is_a_no_op_when_unchanged(org, hours_by_member):
    hours_by_member[org.member.pk] = Decimal("3")
    activity = held_activity(
        org,
        title="委员履职能力培训班",
        kind="training",
        start=START,
        invitees={"member_ids": [org.member.pk]},
        present=[org.member],
    )
    # when the hours change to 2 and the change is written twice (a retry)
    hours_by_member[org.member.pk] = Decimal("2")
    assert services.training_hours_rerecord(activity_id=activity.pk, member_id=org.member.pk) is True
    assert services.training_hours_rerecord(activity_id=activity.pk, member_id=org.member.pk) is False
    # then the old row is reversed once and the new one recorded once
    assert _hours_rows(org.member) == [(Decimal("3.00"), 1), (Decimal("3.00"), -1), (Decimal("2.00"), 1)]
    assert services.study_hours(year=2026, member_ids=[org.member.pk]) == {org.member.pk: Decimal("2.00")}
    # and zero hours leaves none in force
    hours_by_member[org.member.pk] = Decimal("0")
    assert services.training_hours_rerecord(activity_id=activity.pk, member_id=org.member.pk) is True
    assert services.study_hours(year=2026) == {}


def test_rerecord_does_nothing_for_an_absent_invitee(org, hours_by_member):
    activity = held_activity(
        org, title="培训班", kind="training", start=START, invitees={"member_ids": [org.member2.pk]}, present=[]
    )
    hours_by_member[org.member2.pk] = Decimal("2")
    assert services.training_hours_rerecord(activity_id=activity.pk, member_id=org.member2.pk) is False
    assert _hours_rows(org.member2) == []


def test_archive_page_shows_the_parts_other_apps_add(org, client, monkeypatch):
    monkeypatch.setattr(
        services,
        "_ARCHIVE_SECTIONS",
        [lambda member, year, user: {"key": "x", "title": "学习学时", "rows": [{"label": "已完成", "value": "7"}]}],
    )
    client.force_login(org.users["member"])
    html = client.get(reverse("duty:my_archive") + "?year=2026").content.decode()
    assert 'data-key="x"' in html
    assert "学习学时" in html
