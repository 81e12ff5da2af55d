"""Activities: publish for a sector, leave approved, QR check-in, close with final statuses in the ledger;
check-in codes refused when forged, expired, replayed, out of time or someone else's."""

import datetime

import pytest
from django.utils import timezone

from tests.builders.activities import draft_activity
from tests.builders.org import member_with_account
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.duty import checkin
from zhengxie.duty.activities import activity_act, activity_create, allowed_actions
from zhengxie.duty.models import AttendanceStatus, DutyRecord, Invitation
from zhengxie.duty.points import member_archive

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def third(org):
    return member_with_account(org, username="m-third", name="王委员", seq=3, term=False, display_name="")


def test_sector_activity_leave_checkin_close(org, third):
    staff = org.users["staff"]
    activity = draft_activity(org, start=START, hours=3)
    activity_act(activity_id=activity.pk, action="publish", actor=staff, now=START - datetime.timedelta(days=3))
    assert set(Invitation.objects.filter(activity=activity).values_list("member_id", flat=True)) == {
        org.member.pk,
        third.pk,
    }  # the sector's members only
    # demo-member asks for leave; the organiser approves
    activity_act(
        activity_id=activity.pk,
        action="request_leave",
        actor=org.users["member"],
        payload={"reason": "出差"},
        now=START - datetime.timedelta(days=2),
    )
    activity_act(
        activity_id=activity.pk,
        action="decide_leave",
        actor=staff,
        payload={"member_id": org.member.pk, "approve": True},
        now=START - datetime.timedelta(days=1),
    )
    # the third member scans the code shown on screen ten minutes before the start
    at = START - datetime.timedelta(minutes=10)
    code, _expires = checkin.make_code(activity, at=at.timestamp())
    activity_act(activity_id=activity.pk, action="check_in", actor=third.user, payload={"code": code}, now=at)
    with pytest.raises(StateConflict):  # a second check-in
        activity_act(activity_id=activity.pk, action="check_in", actor=third.user, payload={"code": code}, now=at)
    activity_act(activity_id=activity.pk, action="close", actor=staff, now=START + datetime.timedelta(hours=4))
    statuses = dict(Invitation.objects.filter(activity=activity).values_list("member_id", "status"))
    assert statuses == {org.member.pk: AttendanceStatus.ON_LEAVE, third.pk: AttendanceStatus.PRESENT}
    kinds = sorted(DutyRecord.objects.filter(source_type="duty.invitation").values_list("kind", flat=True))
    assert kinds == ["attended.sector_activity", "on_leave.sector_activity"]
    assert member_archive(member=third, year=2026).by_kind["attended.*"]["points"] == "3.00"
    assert member_archive(member=org.member, year=2026).by_kind["on_leave.*"]["points"] == "0.00"


def test_correction_after_close_reverses_and_is_audited(org, third):
    staff = org.users["staff"]
    activity = draft_activity(org, start=START, hours=3)
    activity_act(activity_id=activity.pk, action="publish", actor=staff, now=START - datetime.timedelta(days=1))
    activity_act(activity_id=activity.pk, action="close", actor=staff, now=START + datetime.timedelta(hours=4))
    assert member_archive(member=third, year=2026).total == -5  # absent
    activity_act(
        activity_id=activity.pk,
        action="mark_attendance",
        actor=staff,
        payload={"entries": [{"member_id": third.pk, "status": "present"}]},
        now=START + datetime.timedelta(days=1),
    )
    arch = member_archive(member=third, year=2026)
    assert arch.total == 3
    rows = list(DutyRecord.objects.filter(member=third).order_by("id").values_list("kind", "sign"))
    assert rows == [("absent.sector_activity", 1), ("absent.sector_activity", -1), ("attended.sector_activity", 1)]
    assert AuditEntry.objects.filter(action="activity.mark_attendance").latest("id").changes["attendance"][1] == [
        [third.pk, "absent", "present"]
    ]


def test_checkin_codes_are_refused_and_record_nothing(org, third):
    staff = org.users["staff"]
    activity = draft_activity(org, start=START, hours=3)
    other = draft_activity(org, start=START, hours=3, title="另一个活动")
    for a in (activity, other):
        activity_act(activity_id=a.pk, action="publish", actor=staff, now=START - datetime.timedelta(days=1))
    at = START + datetime.timedelta(minutes=5)
    good, _ = checkin.make_code(activity, at=at.timestamp())
    parsed = checkin.parse(good)
    forged = f"{activity.pk}.{parsed.window}.{'0' * 20}"
    old, _ = checkin.make_code(activity, at=(at - datetime.timedelta(minutes=2)).timestamp())
    someone_elses, _ = checkin.make_code(other, at=at.timestamp())
    early, _ = checkin.make_code(activity, at=(START - datetime.timedelta(hours=3)).timestamp())
    audit = AuditEntry.objects.count()
    cases = [
        (forged, at, "签到码无效"),
        (old, at, "已过期"),
        (someone_elses, at, "签到码无效"),
        ("garbage", at, "签到码无效"),
        (early, START - datetime.timedelta(hours=3), "不在签到时间内"),
    ]
    for code, when, message in cases:
        with pytest.raises(InvalidInput) as refused:
            activity_act(activity_id=activity.pk, action="check_in", actor=third.user, payload={"code": code}, now=when)
        assert message in refused.value.message
    with pytest.raises(NotVisible):  # not an invitee (member2 is in another sector)
        activity_act(
            activity_id=activity.pk, action="check_in", actor=org.users["member2"], payload={"code": good}, now=at
        )
    assert Invitation.objects.filter(checked_in_at__isnull=False).count() == 0
    assert AuditEntry.objects.count() == audit
    activity.refresh_from_db()
    assert "check_in" in allowed_actions(activity, third.user, now=at)
    assert "check_in" not in allowed_actions(activity, third.user, now=START - datetime.timedelta(hours=3))


def test_members_cannot_organise(org):
    with pytest.raises(NotAllowed):
        activity_create(actor=org.users["member"], data={})


def test_sign_up_with_capacity(org, third):
    staff = org.users["staff"]
    activity = draft_activity(
        org,
        start=START,
        hours=3,
        attendance="sign_up",
        capacity=1,
        sign_up_closes=(START - datetime.timedelta(days=1)).isoformat(),
    )
    activity_act(activity_id=activity.pk, action="publish", actor=staff, now=START - datetime.timedelta(days=5))
    activity_act(activity_id=activity.pk, action="sign_up", actor=third.user, now=START - datetime.timedelta(days=4))
    with pytest.raises(StateConflict) as full:
        activity_act(
            activity_id=activity.pk, action="sign_up", actor=org.users["member"], now=START - datetime.timedelta(days=4)
        )
    assert "已满" in full.value.message
    activity_act(activity_id=activity.pk, action="close", actor=staff, now=START + datetime.timedelta(hours=4))
    # only the signed-up member is expected; the other invitee is not marked absent
    assert dict(Invitation.objects.filter(activity=activity).values_list("member_id", "status")) == {
        third.pk: AttendanceStatus.ABSENT,
        org.member.pk: "",
    }
    assert timezone.is_aware(activity.start)
