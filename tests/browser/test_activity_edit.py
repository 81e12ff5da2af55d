"""The secretariat edits a saved draft activity in the browser: 修改 on the draft's page opens its form filled in, a
bad time is refused with the field marked, the corrected form saves and the page says so; once published there is no
修改 button."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.builders.activities import draft_activity

from .axe import axe_violations


def _local_input(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_organiser_edits_a_draft_then_publishes_it(live_org, sign_in, page, live_server):
    start = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    draft = draft_activity(live_org, start=start)
    sign_in("demo-staff")
    page.goto(f"{live_server.url}/activities/{draft.pk}/")
    page.get_by_test_id("edit-activity").click()
    expect(page.get_by_role("heading", name="修改活动")).to_be_visible()
    assert axe_violations(page, live_server, "main") == []
    expect(page.get_by_label("活动名称")).to_have_value("经济界别调研活动")
    expect(page.get_by_label("开始时间")).to_have_value(_local_input(start))
    expect(page.get_by_role("group", name="界别", exact=True).get_by_label("经济")).to_be_checked()

    page.get_by_label("结束时间").fill(_local_input(start - datetime.timedelta(hours=1)))
    page.get_by_test_id("save-activity").click()
    expect(page.get_by_text("应晚于开始时间")).to_be_visible()
    expect(page.get_by_label("活动名称")).to_have_value("经济界别调研活动")

    page.get_by_label("活动名称").fill("经济界别专题调研（修改）")
    page.get_by_label("结束时间").fill(_local_input(start + datetime.timedelta(hours=3)))
    page.get_by_label("地点").fill("区政协二楼会议室")
    page.get_by_test_id("save-activity").click()
    expect(page.get_by_test_id("activity-title")).to_have_text("经济界别专题调研（修改）")
    expect(page.get_by_text("已保存修改")).to_be_visible()
    expect(page.get_by_text("区政协二楼会议室")).to_be_visible()

    page.locator("[data-action=publish] button").click()
    expect(page.get_by_test_id("edit-activity")).to_have_count(0)
