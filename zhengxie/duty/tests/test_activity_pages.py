"""The activity pages: who sees what, buttons equal to ``allowed_actions``, refused POSTs that change nothing, leave
approval, bulk marking and corrections, the QR page and the phone check-in page, materials, the attendance sheet,
the day-before reminder and bounded queries on the calendar."""

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.builders.activities import draft_activity, published_activity, running_activity
from tests.builders.org import make_member, member_with_account
from zhengxie.audit.models import AuditEntry
from zhengxie.duty import checkin
from zhengxie.duty.activities import activity_act, allowed_actions
from zhengxie.duty.models import (
    Activity,
    ActivityMaterial,
    AttendanceStatus,
    DutyRecord,
    Invitation,
    LeaveRequest,
    LeaveState,
    Speech,
)
from zhengxie.duty.tasks import remind_day_before
from zhengxie.notifications.models import Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def third(org):
    return member_with_account(org, username="m-third", name="王委员", seq=3, term=False, display_name="")


def _actions_on_page(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def _ids(html: str, attr: str = "data-activity") -> set[int]:
    return {int(i) for i in re.findall(rf'{attr}="(\d+)"', html)}


def _snapshot():
    """Everything an activity action could change."""
    return (
        list(Activity.objects.order_by("pk").values_list("pk", "state", "closed_at", "published_at")),
        list(Invitation.objects.order_by("pk").values_list("pk", "signed_up_at", "checked_in_at", "status")),
        list(LeaveRequest.objects.order_by("pk").values_list("pk", "state", "comment")),
        Speech.objects.count(),
        ActivityMaterial.objects.count(),
        DutyRecord.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def _act_url(activity, action):
    return reverse("duty:activity_act", args=[activity.pk, action])


# Who sees what --------------------------------------------------------------------------------------------------


def test_members_see_only_their_invited_activities_and_the_organiser_all(org, client_for):
    mine = published_activity(org)
    theirs = published_activity(org, sector=org.other_sector)
    draft = draft_activity(org)
    url = reverse("duty:activity_list")
    assert _ids(client_for(org.users["member"]).get(url).content.decode()) == {mine.pk}
    assert _ids(client_for(org.users["member2"]).get(url).content.decode()) == {theirs.pk}
    assert _ids(client_for(org.users["staff"]).get(url).content.decode()) == {mine.pk, theirs.pk, draft.pk}
    # the detail page follows: not invited or a draft is not found
    member = client_for(org.users["member"])
    assert member.get(reverse("duty:activity_detail", args=[mine.pk])).status_code == 200
    assert member.get(reverse("duty:activity_detail", args=[theirs.pk])).status_code == 404
    assert member.get(reverse("duty:activity_detail", args=[draft.pk])).status_code == 404
    # and a POST by someone who may not see it is answered the same
    assert member.post(reverse("duty:activity_detail", args=[theirs.pk])).status_code == 404
    assert member.post(reverse("duty:activity_detail", args=[mine.pk])).status_code == 405


@pytest.mark.parametrize("role", ["unit", "unit-leader", "leader", "overseer", "office"])
def test_roles_without_activities_are_refused_every_page(org, client_for, role):
    activity = published_activity(org)
    client = client_for(org.users[role])
    for name, args in [
        ("duty:activity_list", []),
        ("duty:activity_new", []),
        ("duty:activity_detail", [activity.pk]),
        ("duty:activity_qr", [activity.pk]),
        ("duty:activity_qr_fragment", [activity.pk]),
        ("duty:attendance_xlsx", [activity.pk]),
        ("duty:check_in", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_anonymous_is_sent_to_sign_in_and_back_to_the_check_in_code(org, client_for):
    activity = running_activity(org)
    code, _expires = checkin.make_code(activity)
    url = f"{reverse('duty:check_in')}?code={code}"
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/activities/check-in/%3Fcode%3D{code}"


def test_my_calendar_lists_upcoming_first_then_the_past(org, client_for):
    now = timezone.now()
    past = published_activity(org, start=now - datetime.timedelta(days=10))
    later = published_activity(org, start=now + datetime.timedelta(days=20))
    soon = published_activity(org, start=now + datetime.timedelta(days=2))
    html = client_for(org.users["member"]).get(reverse("duty:activity_list")).content.decode()
    order = [int(i) for i in re.findall(r'data-testid="activity-row" data-activity="(\d+)"', html)]
    assert order == [soon.pk, later.pk, past.pk]


def test_month_view_places_activities_on_their_day(org, client_for):
    start = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    june = published_activity(org, start=start)
    published_activity(org, start=start + datetime.timedelta(days=40))  # July
    response = client_for(org.users["member"]).get(reverse("duty:activity_list"), {"view": "month", "month": "2026-06"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'data-testid="calendar-activity" data-activity="(\d+)"', html) == [str(june.pk)]
    assert "2026年6月" in html


def test_secretariat_filters_by_kind_state_and_month(org, client_for):
    start = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    sector_june = published_activity(org, start=start)
    training_june = draft_activity(org, start=start, kind="training")
    sector_july = published_activity(org, start=start + datetime.timedelta(days=40))
    staff = client_for(org.users["staff"])
    url = reverse("duty:activity_list")
    assert _ids(staff.get(url, {"kind": "sector_activity"}).content.decode()) == {sector_june.pk, sector_july.pk}
    assert _ids(staff.get(url, {"state": "draft"}).content.decode()) == {training_june.pk}
    assert _ids(staff.get(url, {"month": "2026-06"}).content.decode()) == {sector_june.pk, training_june.pk}


def test_navigation_offers_activities_to_members_and_staff_only(org, client_for):
    home = reverse("core:home")
    assert 'data-nav="activities"' in client_for(org.users["member"]).get(home).content.decode()
    assert 'data-nav="activities"' in client_for(org.users["staff"]).get(home).content.decode()
    assert 'data-nav="activities"' not in client_for(org.users["unit"]).get(home).content.decode()


# Buttons --------------------------------------------------------------------------------------------------------


def _scenario(org, third, name):
    now = timezone.now()
    if name == "draft":
        return draft_activity(org)
    if name == "published_future":
        return published_activity(org)
    if name == "sign_up_open":
        return published_activity(
            org, attendance="sign_up", capacity=5, sign_up_closes=(now + datetime.timedelta(days=1)).isoformat()
        )
    if name == "running":
        return running_activity(org)
    if name == "running_with_leave":
        activity = published_activity(org, start=now + datetime.timedelta(minutes=30))
        activity_act(
            activity_id=activity.pk, action="request_leave", actor=org.users["member"], payload={"reason": "出差"}
        )
        return activity
    if name == "closed":
        activity = running_activity(org)
        activity_act(activity_id=activity.pk, action="close", actor=org.users["staff"])
        return activity
    if name == "cancelled":
        activity = published_activity(org)
        activity_act(activity_id=activity.pk, action="cancel", actor=org.users["staff"])
        return activity
    raise AssertionError(name)


@pytest.mark.parametrize(
    "scenario", ["draft", "published_future", "sign_up_open", "running", "running_with_leave", "closed", "cancelled"]
)
def test_buttons_are_exactly_the_allowed_actions(org, third, client_for, scenario):
    activity = _scenario(org, third, scenario)
    activity.refresh_from_db()
    viewers = ["staff"] if scenario == "draft" else ["staff", "member", "third"]
    for key in viewers:
        user = third.user if key == "third" else org.users[key]
        response = client_for(user).get(reverse("duty:activity_detail", args=[activity.pk]))
        assert response.status_code == 200
        assert _actions_on_page(response.content.decode()) == set(allowed_actions(activity, user)), (scenario, key)


def test_the_buttons_differ_by_person_and_state(org, third):
    # The test above only means something if the sets differ.
    running = running_activity(org)
    assert set(allowed_actions(running, org.users["staff"])) == {
        "cancel",
        "decide_leave",
        "mark_attendance",
        "record_speech",
        "close",
    }
    assert set(allowed_actions(running, third.user)) == {"request_leave", "check_in"}
    assert allowed_actions(running, org.users["member2"]) == []


# Refusals -------------------------------------------------------------------------------------------------------


def test_refused_posts_keep_their_status_show_the_message_and_change_nothing(org, third, client_for):
    running = running_activity(org)
    future = published_activity(org)
    draft = draft_activity(org)
    member, staff, member2 = (client_for(org.users[k]) for k in ("member", "staff", "member2"))
    forged = f"{running.pk}.{checkin.parse(checkin.make_code(running)[0]).window}.{'0' * 20}"
    cases = [
        (member, running, "close", {}, 403, "您无权执行"),
        (member, running, "mark_attendance", {"member_id": [third.pk], "status": "present"}, 403, "您无权执行"),
        (member2, running, "sign_up", {}, 404, None),
        (member, running, "sign_up", {}, 409, "本活动无需报名"),
        (member, running, "request_leave", {"reason": "  "}, 422, "请填写请假理由"),
        (member, running, "check_in", {"code": forged}, 422, "签到码无效"),
        (staff, future, "close", {}, 409, "活动尚未开始"),
        (staff, draft, "close", {}, 409, "不能结束并确认考勤"),
        (staff, running, "decide_leave", {"member_id": org.member.pk, "approve": "1"}, 409, "没有待审批的请假申请"),
        (staff, running, "mark_attendance", {"member_id": [third.pk], "status": "absent"}, 422, "只能登记出席或迟到"),
        (staff, running, "mark_attendance", {"member_id": [org.member2.pk], "status": "present"}, 422, "不在本活动"),
        (staff, running, "record_speech", {"member_id": third.pk, "title": ""}, 422, "请填写发言题目"),
        (staff, running, "no_such_action", {}, 404, None),
    ]
    for client, activity, action, data, status, message in cases:
        before = _snapshot()
        response = client.post(_act_url(activity, action), data)
        assert response.status_code == status, (action, response.status_code)
        if message:
            refusal = re.search(r'data-testid="refusal"[^>]*>([^<]*)<', response.content.decode())
            assert refusal and message in refusal.group(1), (action, refusal)
        assert _snapshot() == before, action


def test_a_refused_leave_request_keeps_the_form_open_with_its_error(org, client_for):
    activity = published_activity(org)
    response = client_for(org.users["member"]).post(_act_url(activity, "request_leave"), {"reason": ""})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_request_leave_reason_errors"' in html
    assert 'aria-describedby="id_request_leave_reason_errors"' in html


# Leave, marking, corrections, speeches ---------------------------------------------------------------------------


def test_leave_request_and_approval_through_the_pages(org, client_for):
    activity = published_activity(org)
    member, staff = client_for(org.users["member"]), client_for(org.users["staff"])
    detail = reverse("duty:activity_detail", args=[activity.pk])
    response = member.post(_act_url(activity, "request_leave"), {"reason": "赴省里参加培训"})
    assert response.status_code == 302 and response["Location"] == detail
    html = staff.get(detail).content.decode()
    assert f'data-testid="pending-leave" data-member="{org.member.pk}"' in html
    assert "赴省里参加培训" in html
    response = staff.post(
        _act_url(activity, "decide_leave"), {"member_id": org.member.pk, "approve": "1", "comment": "同意"}
    )
    assert response.status_code == 302
    leave = LeaveRequest.objects.get(invitation__activity=activity)
    assert (leave.state, leave.comment, leave.decided_by) == (LeaveState.APPROVED, "同意", org.users["staff"])
    assert Notification.objects.filter(recipient=org.users["member"], kind="activity.leave_decided").count() == 1
    assert "已批准" in member.get(detail).content.decode()
    # no second decision
    again = staff.post(_act_url(activity, "decide_leave"), {"member_id": org.member.pk, "approve": "0"})
    assert again.status_code == 409


def test_declining_leave(org, client_for):
    activity = published_activity(org)
    activity_act(activity_id=activity.pk, action="request_leave", actor=org.users["member"], payload={"reason": "家事"})
    response = client_for(org.users["staff"]).post(
        _act_url(activity, "decide_leave"), {"member_id": org.member.pk, "approve": "0", "comment": "本次为重要会议"}
    )
    assert response.status_code == 302
    assert LeaveRequest.objects.get().state == LeaveState.DECLINED


def test_bulk_marking_then_closing(org, third, client_for):
    activity = running_activity(org)
    staff = client_for(org.users["staff"])
    response = staff.post(
        _act_url(activity, "mark_attendance"), {"member_id": [org.member.pk, third.pk], "status": "present"}
    )
    assert response.status_code == 302
    marked = {i.member_id: (i.checked_in_at is not None, i.checked_in_by_staff) for i in activity.invitations.all()}
    assert marked == {org.member.pk: (True, True), third.pk: (True, True)}
    assert staff.post(_act_url(activity, "close")).status_code == 302
    assert dict(activity.invitations.values_list("member_id", "status")) == {
        org.member.pk: AttendanceStatus.PRESENT,
        third.pk: AttendanceStatus.PRESENT,
    }
    assert sorted(DutyRecord.objects.filter(source_type="duty.invitation").values_list("kind", flat=True)) == [
        "attended.sector_activity",
        "attended.sector_activity",
    ]


def test_corrections_after_closing_are_audited_and_reverse_the_ledger(org, third, client_for):
    activity = running_activity(org)
    activity_act(activity_id=activity.pk, action="close", actor=org.users["staff"])
    staff = client_for(org.users["staff"])
    html = staff.get(reverse("duty:activity_detail", args=[activity.pk])).content.decode()
    assert f'name="status_{third.pk}"' in html
    response = staff.post(
        _act_url(activity, "mark_attendance"), {f"status_{third.pk}": "late", f"status_{org.member.pk}": ""}
    )
    assert response.status_code == 302
    assert dict(activity.invitations.values_list("member_id", "status")) == {
        org.member.pk: AttendanceStatus.ABSENT,
        third.pk: AttendanceStatus.LATE,
    }
    rows = list(DutyRecord.objects.filter(member=third).order_by("id").values_list("kind", "sign"))
    assert rows == [("absent.sector_activity", 1), ("absent.sector_activity", -1), ("late.sector_activity", 1)]
    entry = AuditEntry.objects.filter(action="activity.mark_attendance").latest("id")
    assert entry.actor == org.users["staff"]
    assert entry.changes["attendance"][1] == [[third.pk, "absent", "late"]]


def test_recording_a_speech(org, third, client_for):
    activity = running_activity(org)
    response = client_for(org.users["staff"]).post(
        _act_url(activity, "record_speech"),
        {"member_id": third.pk, "title": "关于发展预制菜产业的建议", "written": "on"},
    )
    assert response.status_code == 302
    speech = Speech.objects.get()
    assert (speech.member, speech.title, speech.written) == (third, "关于发展预制菜产业的建议", True)
    assert DutyRecord.objects.filter(member=third, kind="spoke.sector_activity").count() == 1


def test_publish_and_cancel_from_the_page(org, client_for):
    activity = draft_activity(org)
    staff = client_for(org.users["staff"])
    assert staff.post(_act_url(activity, "publish")).status_code == 302
    assert set(activity.invitations.values_list("member_id", flat=True)) == {org.member.pk}
    assert staff.post(_act_url(activity, "cancel"), {"comment": "因故取消"}).status_code == 302
    activity.refresh_from_db()
    assert activity.state == "cancelled"
    cancelled = Notification.objects.get(kind="activity.cancelled")
    assert (cancelled.recipient, cancelled.body) == (org.users["member"], "因故取消")


# Creating ------------------------------------------------------------------------------------------------------


def _form(org, **extra):
    data = {
        "title": "新建区预制菜产业链专题调研",
        "kind": "research",
        "organiser": "",
        "start": "2026-06-10T09:00",
        "end": "2026-06-10T12:00",
        "place": "新建区经开区",
        "description": "",
        "sectors": [org.sector.pk],
        "members": [org.member2.pk],
        "attendance": "sign_up",
        "capacity": "20",
        "sign_up_closes": "2026-06-08T18:00",
        "half_days": "3",
        "training_hours": "4",
    }
    data.update(extra)
    return data


def test_creating_an_activity_through_the_form(org, client_for):
    response = client_for(org.users["staff"]).post(reverse("duty:activity_new"), _form(org))
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("duty:activity_detail", args=[activity.pk])
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    assert (activity.title, activity.kind.code, activity.state, activity.attendance, activity.capacity) == (
        "新建区预制菜产业链专题调研",
        "research",
        "draft",
        "sign_up",
        20,
    )
    assert activity.start == datetime.datetime(2026, 6, 10, 9, 0, tzinfo=shanghai)
    assert activity.sign_up_closes == datetime.datetime(2026, 6, 8, 18, 0, tzinfo=shanghai)
    assert activity.invitees_spec == {
        "all": False,
        "standing_committee": False,
        "sector_ids": [org.sector.pk],
        "special_committee_ids": [],
        "member_ids": [org.member2.pk],
    }
    # half days count for the plenary only, hours for training only
    assert (activity.half_days, activity.training_hours) == (1, 0)


def test_plenary_half_days_and_training_hours_are_kept_for_their_kinds(org, client_for):
    staff = client_for(org.users["staff"])
    staff.post(reverse("duty:activity_new"), _form(org, kind="plenary", attendance="required"))
    staff.post(reverse("duty:activity_new"), _form(org, kind="training", attendance="required"))
    assert sorted(Activity.objects.values_list("kind__code", "half_days", "training_hours")) == [
        ("plenary", 3, 0),
        ("training", 1, 4),
    ]


def test_the_form_shows_the_services_refusals_on_their_fields(org, client_for):
    staff = client_for(org.users["staff"])
    response = staff.post(reverse("duty:activity_new"), _form(org, end="2026-06-10T08:00"))
    assert response.status_code == 422
    assert 'id="id_end_errors"' in response.content.decode()
    response = staff.post(reverse("duty:activity_new"), _form(org, sectors=[], members=[]))
    assert response.status_code == 422
    assert "请选择邀请对象" in response.content.decode()
    assert Activity.objects.count() == 0


def test_members_cannot_open_the_form(org, client_for):
    assert client_for(org.users["member"]).get(reverse("duty:activity_new")).status_code == 403
    assert client_for(org.users["member"]).post(reverse("duty:activity_new"), _form(org)).status_code == 403
    assert Activity.objects.count() == 0


# QR and check-in --------------------------------------------------------------------------------------------------


def test_qr_page_and_fragment_are_for_organisers_only(org, third, client_for):
    activity = running_activity(org)
    staff = client_for(org.users["staff"])
    fragment = reverse("duty:activity_qr_fragment", args=[activity.pk])
    response = staff.get(fragment)
    html = response.content.decode()
    assert response.status_code == 200
    url = re.search(r'data-checkin-url="([^"]+)"', html).group(1)
    code = url.split("?code=", 1)[1]
    assert url.startswith("http://testserver/activities/check-in/?code=")
    assert checkin.verify(activity, checkin.parse(code)) is None
    assert 'data-testid="checked-in-count"' in html
    page = staff.get(reverse("duty:activity_qr", args=[activity.pk])).content.decode()
    assert f'hx-get="{fragment}"' in page and 'hx-trigger="every 5s"' in page
    for user in (org.users["member"], third.user, org.users["member2"]):
        assert client_for(user).get(fragment).status_code == 403
        assert client_for(user).get(reverse("duty:activity_qr", args=[activity.pk])).status_code == 403
    assert client_for(None).get(fragment).status_code == 302


def test_qr_fragment_counts_check_ins_and_closes_with_the_activity(org, third, client_for):
    activity = running_activity(org)
    code, _expires = checkin.make_code(activity)
    activity_act(activity_id=activity.pk, action="check_in", actor=third.user, payload={"code": code})
    staff = client_for(org.users["staff"])
    fragment = reverse("duty:activity_qr_fragment", args=[activity.pk])
    assert re.search(r"已签到 <strong>1</strong> / 2 人", staff.get(fragment).content.decode())
    activity_act(activity_id=activity.pk, action="close", actor=org.users["staff"])
    html = staff.get(fragment).content.decode()
    assert 'data-testid="qr-closed"' in html and "data-checkin-url" not in html


def test_qr_is_withheld_before_check_in_opens(org, client_for):
    activity = published_activity(org)  # three days ahead
    html = client_for(org.users["staff"]).get(reverse("duty:activity_qr_fragment", args=[activity.pk])).content.decode()
    assert 'data-testid="qr-not-open"' in html and "data-checkin-url" not in html


def test_one_tap_check_in_on_the_phone_page(org, third, client_for):
    activity = running_activity(org)
    code, _expires = checkin.make_code(activity)
    url = f"{reverse('duty:check_in')}?code={code}"
    phone = client_for(third.user)
    html = phone.get(url).content.decode()
    assert 'data-testid="checkin-button"' in html and "经济界别调研活动" in html
    response = phone.post(reverse("duty:check_in"), {"code": code})
    assert response.status_code == 302 and response["Location"] == url
    invitation = Invitation.objects.get(activity=activity, member=third)
    assert invitation.checked_in_at is not None and not invitation.checked_in_by_staff
    after = phone.get(url).content.decode()
    assert 'data-testid="checked-in"' in after and 'data-testid="checkin-button"' not in after
    # a replay is refused with the service's message and records nothing more
    before = _snapshot()
    replay = phone.post(reverse("duty:check_in"), {"code": code})
    assert replay.status_code == 409 and "您已签到" in replay.content.decode()
    assert _snapshot() == before


def test_bad_codes_show_the_message_and_record_nothing(org, third, client_for):
    activity = running_activity(org)
    other = running_activity(org, sector=org.other_sector)
    now = timezone.now()
    window = checkin.parse(checkin.make_code(activity)[0]).window
    expired, _e = checkin.make_code(activity, at=(now - datetime.timedelta(minutes=2)).timestamp())
    cases = [
        (third.user, f"{activity.pk}.{window}.{'0' * 20}", 422, "签到码无效"),
        (third.user, expired, 422, "签到码已过期"),
        (third.user, "not-a-code", 422, "签到码无效"),
        (third.user, checkin.make_code(other)[0], 404, "活动不存在或您无权查看"),  # someone else's activity
        (org.users["member2"], checkin.make_code(activity)[0], 404, "活动不存在或您无权查看"),
        (org.users["staff"], checkin.make_code(activity)[0], 403, "您无权执行"),  # organisers are not invitees
    ]
    for user, code, status, message in cases:
        before = _snapshot()
        response = client_for(user).post(reverse("duty:check_in"), {"code": code})
        assert response.status_code == status, (code, response.status_code)
        shown = re.search(r'data-testid="checkin-message">([^<]*)<', response.content.decode())
        assert shown and message in shown.group(1), (code, shown)
        assert _snapshot() == before


def test_check_in_page_explains_why_there_is_no_button(org, third, client_for):
    activity = published_activity(org)  # check-in not open yet
    code, _expires = checkin.make_code(activity)
    html = client_for(third.user).get(f"{reverse('duty:check_in')}?code={code}").content.decode()
    assert 'data-testid="checkin-button"' not in html
    assert re.search(r'data-testid="checkin-info">签到时间为 ', html)


# Materials -----------------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_materials_are_checked_by_content_and_only_for_invitees(org, client_for, media):
    activity = published_activity(org)
    staff = client_for(org.users["staff"])
    upload = reverse("duty:material_upload", args=[activity.pk])
    response = staff.post(upload, {"file": _file("议程.pdf", PDF)})
    assert response.status_code == 302
    material = ActivityMaterial.objects.get()
    assert (material.name, material.content_type, material.size) == ("议程.pdf", "application/pdf", len(PDF))
    download = reverse("duty:material_download", args=[activity.pk, material.pk])
    got = client_for(org.users["member"]).get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert client_for(org.users["member2"]).get(download).status_code == 404
    assert client_for(org.users["unit"]).get(download).status_code == 403
    # a text file named .pdf is refused; members may not upload
    before = _snapshot()
    refused = staff.post(upload, {"file": _file("假的.pdf", b"just text")})
    assert refused.status_code == 422 and "只能上传 PDF、Word、Excel 或图片文件" in refused.content.decode()
    assert client_for(org.users["member"]).post(upload, {"file": _file("a.pdf", PDF)}).status_code == 403
    assert _snapshot() == before


def test_materials_of_a_draft_are_not_shown_to_members(org, client_for, media):
    activity = draft_activity(org)
    client_for(org.users["staff"]).post(
        reverse("duty:material_upload", args=[activity.pk]), {"file": _file("a.pdf", PDF)}
    )
    material = ActivityMaterial.objects.get()
    download = reverse("duty:material_download", args=[activity.pk, material.pk])
    assert client_for(org.users["member"]).get(download).status_code == 404
    assert client_for(org.users["staff"]).get(download).status_code == 200


def _file(name, data):
    f = io.BytesIO(data)
    f.name = name
    return f


# The attendance sheet ------------------------------------------------------------------------------------------


def test_attendance_sheet_lists_every_invitee_with_the_final_status(org, third, client_for):
    activity = published_activity(org, start=timezone.now() + datetime.timedelta(minutes=30))
    activity_act(activity_id=activity.pk, action="request_leave", actor=org.users["member"], payload={"reason": "出差"})
    activity_act(
        activity_id=activity.pk,
        action="decide_leave",
        actor=org.users["staff"],
        payload={"member_id": org.member.pk, "approve": True, "comment": "同意"},
    )
    code, _expires = checkin.make_code(activity)
    activity_act(activity_id=activity.pk, action="check_in", actor=third.user, payload={"code": code})
    Activity.objects.filter(pk=activity.pk).update(start=timezone.now() - datetime.timedelta(minutes=1))
    activity_act(activity_id=activity.pk, action="close", actor=org.users["staff"])
    response = client_for(org.users["staff"]).get(reverse("duty:attendance_xlsx", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "经济界别调研活动 考勤表"
    header = rows.index(
        ["序号", "姓名", "界别", "报名时间", "签到时间", "签到方式", "请假", "请假理由", "审批意见", "考勤"]
    )
    body = [r for r in rows[header + 1 :] if r[0] is not None and isinstance(r[0], int)]
    checked_in = timezone.localtime(Invitation.objects.get(member=third).checked_in_at).strftime("%Y-%m-%d %H:%M")
    assert body == [
        [1, "张委员", "经济", None, None, None, "已批准", "出差", "同意", "请假"],
        [2, "王委员", "经济", None, checked_in, "扫码签到", None, None, None, "出席"],
    ]
    totals = [r[1] for r in rows if r[0] is None and r[1] and r[1][:2] in ("出席", "迟到", "请假", "缺席")]
    assert totals == ["出席 1", "迟到 0", "请假 1", "缺席 0"]
    assert client_for(org.users["member"]).get(reverse("duty:attendance_xlsx", args=[activity.pk])).status_code == 403


# Reminders -----------------------------------------------------------------------------------------------------


def test_day_before_reminder_goes_once_to_those_expected(org, third):
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    now = datetime.datetime(2026, 6, 9, 9, 0, tzinfo=shanghai)
    tomorrow = published_activity(org, start=datetime.datetime(2026, 6, 10, 9, 0, tzinfo=shanghai))
    published_activity(org, start=datetime.datetime(2026, 6, 11, 9, 0, tzinfo=shanghai))  # the day after: not yet
    activity_act(
        activity_id=tomorrow.pk, action="request_leave", actor=org.users["member"], payload={"reason": "出差"}, now=now
    )
    activity_act(
        activity_id=tomorrow.pk,
        action="decide_leave",
        actor=org.users["staff"],
        payload={"member_id": org.member.pk, "approve": True},
        now=now,
    )
    assert remind_day_before(now=now) == 1
    reminder = Notification.objects.get(kind="activity.reminder")
    assert (reminder.recipient, reminder.url) == (third.user, f"/activities/{tomorrow.pk}/")
    assert reminder.title == "明天的活动：经济界别调研活动"
    # the job runs hourly: no second reminder
    assert remind_day_before(now=now + datetime.timedelta(hours=3)) == 0
    assert Notification.objects.filter(kind="activity.reminder").count() == 1


def test_the_hourly_job_reminds_in_daytime_only(org, third, monkeypatch):
    from zhengxie.duty import tasks

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    published_activity(
        org, start=datetime.datetime.combine(tomorrow, datetime.time(9), tzinfo=timezone.get_current_timezone())
    )
    monkeypatch.setattr(tasks, "_local_hour", lambda: 3)
    assert tasks.activity_day_before_reminders.call_local() == 0
    assert Notification.objects.filter(kind="activity.reminder").count() == 0
    monkeypatch.setattr(tasks, "_local_hour", lambda: 9)
    assert tasks.activity_day_before_reminders.call_local() == 2
    assert set(Notification.objects.filter(kind="activity.reminder").values_list("recipient__username", flat=True)) == {
        "demo-member",
        "m-third",
    }


# Queries -------------------------------------------------------------------------------------------------------


def _list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("duty:activity_list"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["member", "staff"])
@pytest.mark.parametrize("view", ["list", "month"])
def test_calendar_queries_do_not_grow_with_the_activities(org, third, client_for, role, view):
    client = client_for(org.users[role])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time(8, 0), tzinfo=timezone.get_current_timezone())
    month = tomorrow.strftime("%Y-%m")
    published_activity(org, start=start)
    _list_queries(client, view=view, month=month)  # warms the per-process caches (the committee's name)
    few = _list_queries(client, view=view, month=month)
    for n in range(6):
        activity = published_activity(org, start=start + datetime.timedelta(hours=n + 1))
        activity_act(
            activity_id=activity.pk, action="request_leave", actor=org.users["member"], payload={"reason": "事"}
        )
    assert _list_queries(client, view=view, month=month) == few


def test_the_organisers_activity_page_queries_do_not_grow_with_the_invitees(org, client_for):
    from zhengxie.accounts.services import account_create

    def queries(activity) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client_for(org.users["staff"]).get(reverse("duty:activity_detail", args=[activity.pk]))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def with_leave_requests(activity):
        for inv in activity.invitations.select_related("member__user"):
            if inv.member.user_id:
                payload = {"reason": "出差"}
                activity_act(activity_id=activity.pk, action="request_leave", actor=inv.member.user, payload=payload)
        return activity

    first = with_leave_requests(running_activity(org))
    queries(first)  # warms the per-process caches (the committee's name)
    few = queries(first)
    for n in range(6):
        user = account_create(username=f"m-extra{n}", password="zhengxie-demo")
        make_member(name=f"委员{n}", sector=org.sector, party=org.party, seq=10 + n, user=user)
    many = with_leave_requests(running_activity(org))
    assert many.invitations.count() == 7
    assert queries(many) == few
