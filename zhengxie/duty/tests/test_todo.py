"""Activity items on the to-do lists: a member's invitations (sign up, attend, check in), the organisers' drafts,
leave requests, check-in and closing, and the admin's rule table — one item per activity, gone once done."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.builders.activities import draft_activity, published_activity, running_activity
from tests.builders.org import member_with_account
from zhengxie.core.todo import todo_for
from zhengxie.duty.activities import activity_act
from zhengxie.duty.models import MemberYearScore, RuleSet
from zhengxie.duty.points import ensure_year
from zhengxie.duty.rules import ruleset_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(org):
    return member_with_account(org, username="m-third", name="王委员", seq=3, term=False, display_name="")


def _activity_items(user) -> list[tuple[str, datetime.date | None]]:
    return [(i.title, i.due) for i in todo_for(user) if i.kind == "活动"]


def _day(moment) -> datetime.date:
    return timezone.localdate(moment)


def _no_duplicates(user) -> None:
    urls = [i.url for i in todo_for(user)]
    assert len(urls) == len(set(urls)), urls


def test_a_member_is_asked_to_attend_each_required_activity_they_are_invited_to(org, third):
    member = org.users["member"]
    a = published_activity(org)
    when = timezone.localtime(a.start).strftime("%m-%d %H:%M")
    assert _activity_items(member) == [(f"参加活动（{when}）：经济界别调研活动", _day(a.start))]
    assert [i.url for i in todo_for(member) if i.kind == "活动"] == [f"/activities/{a.pk}/"]
    # Not invited (another sector), not listed; a draft is not shown to members.
    assert _activity_items(org.users["member2"]) == []
    draft_activity(org, title="尚未发布的活动")
    assert len(_activity_items(member)) == 1
    # Once leave is asked for, the organiser decides: nothing waits for the member.
    activity_act(activity_id=a.pk, action="request_leave", actor=member, payload={"reason": "出差"})
    assert _activity_items(member) == []


def test_a_member_is_asked_to_sign_up_while_sign_up_is_open_then_to_attend(org, third):
    member = org.users["member"]
    start = timezone.now() + datetime.timedelta(days=5)
    closes = start - datetime.timedelta(days=2)
    a = published_activity(org, start=start, attendance="sign_up", sign_up_closes=closes.isoformat(), capacity=1)
    assert _activity_items(member) == [("报名：经济界别调研活动", _day(closes))]
    activity_act(activity_id=a.pk, action="sign_up", actor=third.user)
    # Full: member can no longer sign up, so nothing waits for them; third is now expected.
    assert _activity_items(member) == []
    when = timezone.localtime(a.start).strftime("%m-%d %H:%M")
    assert _activity_items(third.user) == [(f"参加活动（{when}）：经济界别调研活动", _day(a.start))]


def test_sign_up_that_has_closed_is_not_offered(org, third):
    start = timezone.now() + datetime.timedelta(days=5)
    published_activity(
        org, start=start, attendance="sign_up", sign_up_closes=(start - datetime.timedelta(days=1)).isoformat()
    )
    with time_machine.travel(start - datetime.timedelta(hours=12)):
        assert _activity_items(org.users["member"]) == []
    assert _activity_items(org.users["member"])[0][0] == "报名：经济界别调研活动"  # before, it was offered


def test_a_member_is_asked_to_check_in_while_check_in_is_open(org, third):
    member = org.users["member"]
    a = running_activity(org)
    assert _activity_items(member) == [("签到：经济界别调研活动", _day(a.end))]
    activity_act(
        activity_id=a.pk,
        action="mark_attendance",
        actor=org.users["staff"],
        payload={"entries": [{"member_id": org.member.pk, "status": "present"}]},
    )
    assert _activity_items(member) == []


def test_organisers_see_drafts_leave_check_in_and_closing_one_item_per_activity(org, third):
    staff = org.users["staff"]
    now = timezone.now()
    draft = draft_activity(org, title="待发布的活动")
    assert _activity_items(staff) == [("待发布：待发布的活动", _day(draft.start))]
    activity_act(activity_id=draft.pk, action="publish", actor=staff)
    assert _activity_items(staff) == []
    running = running_activity(org, title="进行中的活动")
    for user in (org.users["member"], third.user):
        activity_act(activity_id=running.pk, action="request_leave", actor=user, payload={"reason": "出差"})
    # Two leave requests and check-in on one activity: one item naming both.
    assert _activity_items(staff) == [("审批请假（2 人）、组织签到：进行中的活动", _day(running.end))]
    for m in (org.member, third):
        activity_act(
            activity_id=running.pk, action="decide_leave", actor=staff, payload={"member_id": m.pk, "approve": True}
        )
    assert _activity_items(staff) == [("组织签到：进行中的活动", _day(running.end))]
    past = draft_activity(org, title="已结束的活动", start=now - datetime.timedelta(hours=3), hours=2)
    activity_act(activity_id=past.pk, action="publish", actor=staff, now=now - datetime.timedelta(days=1))
    assert ("结束并确认考勤：已结束的活动", _day(past.end)) in _activity_items(staff)
    activity_act(activity_id=past.pk, action="close", actor=staff)
    assert _activity_items(staff) == [("组织签到：进行中的活动", _day(running.end))]
    _no_duplicates(staff)


def test_an_organiser_who_is_also_invited_sees_the_activity_once(org, third):
    from zhengxie.accounts.services import role_grant
    from zhengxie.core.roles import Role

    role_grant(user=third.user, role=Role.SECRETARIAT, actor=None)
    running = running_activity(org)
    assert _activity_items(third.user) == [("签到、组织签到：经济界别调研活动", _day(running.end))]


def test_a_member_short_of_a_minimum_duty_is_told_from_the_warning_day(org, monkeypatch):
    from zhengxie.duty import services

    monkeypatch.setattr(services, "_ARCHIVE_TODOS", [])  # nothing else short in the archive (the study hours)
    member = org.users["member"]
    year = timezone.localdate().year
    ensure_year(year, force=True)  # every serving member's archive row, with the minimums not met (none, here)
    missing = MemberYearScore.objects.get(member=org.member, year=year).missing
    assert missing
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(year, 9, 30, 10, tzinfo=tz)):
        assert [i for i in todo_for(member) if i.kind == "履职"] == []
    with time_machine.travel(datetime.datetime(year, 10, 2, 10, tzinfo=tz)):
        items = [(i.title, i.url, i.due) for i in todo_for(member) if i.kind == "履职"]
    labels = "、".join(m["label"] for m in missing)
    assert items == [
        (f"本年度尚未达到的基本履职要求：{labels}", f"/activities/archive/?year={year}", datetime.date(year, 12, 31))
    ]


def test_the_admin_is_asked_for_the_years_rule_table_until_it_is_saved(org):
    admin = org.users["admin"]
    year = timezone.localdate().year
    title = f"确认 {year} 年度履职积分规则"
    assert [(i.title, i.url) for i in todo_for(admin) if i.kind == "履职"] == [
        (title, f"/activities/rules/?year={year}")
    ]
    assert all(i.kind != "履职" for i in todo_for(org.users["staff"]))
    ruleset_save(actor=admin, year=year, data={})
    assert RuleSet.objects.filter(year=year).exists()
    assert [i for i in todo_for(admin) if i.kind == "履职"] == []


def test_the_home_page_links_each_item_to_where_the_person_acts(org, third, client_for):
    draft = draft_activity(org, title="待发布的活动")
    published = published_activity(org, title="受邀的活动")
    staff_home = client_for(org.users["staff"]).get("/").content.decode()
    assert f'<a href="/activities/{draft.pk}/" class="flex-grow-1">待发布：待发布的活动</a>' in staff_home
    member_home = client_for(org.users["member"]).get("/").content.decode()
    when = timezone.localtime(published.start).strftime("%m-%d %H:%M")
    assert (
        f'<a href="/activities/{published.pk}/" class="flex-grow-1">参加活动（{when}）：受邀的活动</a>' in member_home
    )
    assert f"截止 {_day(published.start)}" in member_home


def test_what_other_apps_find_short_in_the_archive_joins_the_minimums_in_one_item(org, monkeypatch):
    from zhengxie.core.todo import TodoItem
    from zhengxie.duty import services

    year = timezone.localdate().year
    url = f"/activities/archive/?year={year}"
    other = TodoItem("学习学时不足", url, "学习培训", datetime.date(year, 11, 30))
    monkeypatch.setattr(services, "_ARCHIVE_TODOS", [lambda user, today: [other]])
    ensure_year(year, force=True)
    labels = "、".join(m["label"] for m in MemberYearScore.objects.get(member=org.member, year=year).missing)
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(year, 9, 30, 10, tzinfo=tz)):  # before the warning day: alone
        assert [(i.title, i.kind) for i in todo_for(org.users["member"]) if i.url == url] == [
            ("学习学时不足", "学习培训")
        ]
    with time_machine.travel(datetime.datetime(year, 10, 2, 10, tzinfo=tz)):
        items = [(i.title, i.kind, i.due) for i in todo_for(org.users["member"]) if i.url == url]
    assert items == [(f"本年度尚未达到的基本履职要求：{labels}；学习学时不足", "履职", datetime.date(year, 11, 30))]
