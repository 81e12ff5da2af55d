"""The issue's path for activities: demo-staff publishes a sector activity → demo-member asks for leave and demo-staff
approves it → a third member checks in on a phone through the QR page → demo-staff closes the activity → both
members' duty archives show the right records and points."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.builders.org import PASSWORD, make_member

from .axe import axe_violations

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def third(live_org):
    from zhengxie.accounts.services import account_create

    user = account_create(username="demo-member3", password=PASSWORD, display_name="王委员")
    return make_member(name="王委员", sector=live_org.sector, party=live_org.party, seq=3, user=user)


def _local_input(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _sign_in_form(page, username: str):
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _new_context(browser, **extra):
    return browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **extra)


def test_sector_activity_leave_qr_check_in_close_and_archives(live_org, third, sign_in, page, browser, live_server):
    base = live_server.url
    now = timezone.now()

    # demo-staff creates the activity for the sector (started five minutes ago, so closing is allowed) and publishes
    sign_in("demo-staff")
    page.locator("[data-nav=activities]").click()
    expect(page.get_by_role("heading", name="活动", exact=True)).to_be_visible()
    assert axe_violations(page, live_server, "main") == []
    page.get_by_test_id("new-activity").click()
    assert axe_violations(page, live_server, "main") == []
    page.get_by_label("活动名称").fill("经济界别专题调研")
    page.get_by_label("活动类别").select_option(label="界别活动")
    page.get_by_label("开始时间").fill(_local_input(now - datetime.timedelta(minutes=5)))
    page.get_by_label("结束时间").fill(_local_input(now + datetime.timedelta(hours=2)))
    page.get_by_label("地点").fill("区政协三楼会议室")
    page.get_by_role("group", name="界别", exact=True).get_by_label("经济").check()
    page.get_by_test_id("save-activity").click()
    expect(page.get_by_test_id("activity-title")).to_have_text("经济界别专题调研")
    detail_url = page.url
    assert re.search(r"/activities/\d+/$", detail_url)
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_test_id("state")).to_have_text("已发布")
    expect(page.get_by_test_id("invitee-row")).to_have_count(2)
    assert axe_violations(page, live_server, "main") == []

    # demo-member asks for leave
    member_context = _new_context(browser)
    member_page = member_context.new_page()
    member_page.goto(f"{base}/accounts/login/")
    _sign_in_form(member_page, "demo-member")
    member_page.goto(detail_url)
    member_page.get_by_text("请假", exact=True).click()  # opens the leave form
    member_page.get_by_label("请假理由").fill("赴省里参加培训")
    member_page.get_by_role("button", name="提交请假申请").click()
    expect(member_page.get_by_test_id("my-leave")).to_contain_text("待审批")

    # demo-staff approves it
    page.reload()
    pending = page.get_by_test_id("pending-leave")
    expect(pending).to_contain_text("张委员")
    pending.get_by_role("button", name="批准", exact=True).click()
    expect(page.get_by_test_id("decided-leaves")).to_contain_text("张委员：已批准")
    member_page.reload()
    expect(member_page.get_by_test_id("my-leave")).to_contain_text("已批准")
    assert axe_violations(member_page, live_server, "main") == []

    # the organiser shows the QR code; the third member opens its URL on a phone, signs in and taps 签到
    page.get_by_test_id("qr-link").click()
    qr = page.get_by_test_id("qr")
    expect(qr).to_be_visible()
    expect(page.get_by_test_id("qr-image")).to_be_visible()
    checkin_url = qr.get_attribute("data-checkin-url")
    assert checkin_url.startswith(f"{base}/activities/check-in/?code=")
    expect(page.get_by_test_id("checked-in-count")).to_contain_text("已签到 0 / 2 人")
    assert axe_violations(page, live_server, "main") == []

    phone_context = _new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(checkin_url)
    expect(phone).to_have_url(re.compile(r"/accounts/login/\?next="))
    _sign_in_form(phone, "demo-member3")
    expect(phone.get_by_test_id("checkin-activity")).to_have_text("经济界别专题调研")
    button = phone.get_by_test_id("checkin-button")
    box = button.bounding_box()
    assert box["width"] > 300 and box["height"] >= 60  # one big button on the phone
    assert axe_violations(phone, live_server, "main") == []
    button.tap()
    expect(phone.get_by_test_id("checked-in")).to_contain_text("签到")
    # the QR screen's count follows (it polls every few seconds)
    expect(page.get_by_test_id("checked-in-count")).to_contain_text("已签到 1 / 2 人", timeout=15_000)

    # demo-staff closes the activity
    page.goto(detail_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束并确认考勤").click()
    expect(page.get_by_test_id("state")).to_have_text("已结束")
    expect(page.get_by_test_id("attendance-counts")).to_contain_text("出席 1，迟到 0，请假 1，缺席 0")
    assert axe_violations(page, live_server, "main") == []

    # both members' duty archives (the API, as demo-staff in this session)
    year = timezone.localdate().year
    archives = {}
    for member in (live_org.member, third):
        response = page.request.get(f"{base}/api/v1/members/{member.pk}/duty?year={year}")
        assert response.status == 200
        archives[member.name] = response.json()
    leave, attended = archives["张委员"], archives["王委员"]
    assert [(r["kind"], r["source"]["label"], r["reversal"]) for r in leave["records"]] == [
        ("on_leave.sector_activity", "经济界别专题调研", False)
    ]
    assert leave["points_by_kind"]["on_leave.*"]["points"] == "0.00"
    assert leave["total"] == "0.00"
    assert [(r["kind"], r["source"]["label"], r["reversal"]) for r in attended["records"]] == [
        ("attended.sector_activity", "经济界别专题调研", False)
    ]
    assert attended["points_by_kind"]["attended.*"]["points"] == "3.00"
    assert attended["total"] == "3.00"

    member_context.close()
    phone_context.close()
