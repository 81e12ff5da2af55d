"""The issue's path for consultations: demo-staff builds a plan with two items and publishes it through its four
recorded steps → a consultation of the first item runs through its stages with a meeting (a duty activity), at which
demo-member checks in by the QR code on a phone → an outcome with three recommendations is sent → the housing bureau
(demo-unit) marks one adopted and updates its progress with an evidence file → the leader's follow-up page shows the
document at the computed progress → an amendment of the plan shows as version 2 with its difference. Pages are
checked at 390 and 1366 px."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.builders.org import PASSWORD

from .axe import axe_violations
from .layout import layout_problems, resize

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _local_input(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _sign_in_form(page, username: str):
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _new_context(browser, **extra):
    return browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **extra)


def _at_both_widths(page, live_server, shots, name):
    for width in (390, 1366):
        resize(page, width)
        assert layout_problems(page) == [], (name, width)
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert axe_violations(page, live_server, "main") == []


def _open(page, action):
    page.get_by_test_id(f"open-{action}").click()
    expect(page.locator(f"#form-{action}")).to_be_visible()


def _step(page, action, body, number=""):
    _open(page, action)
    form = page.locator(f"#form-{action}")
    form.locator(f"#f-{action}-body").fill(body)
    form.locator(f"#f-{action}-document_number").fill(number)
    if action == "publish":
        page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id(f"submit-{action}").click()


def test_plan_consultation_outcome_follow_up_and_amendment(live_org, sign_in, page, browser, live_server, tmp_path):
    base = live_server.url
    year = timezone.localdate().year

    # demo-staff drafts the year's plan with two items and publishes it through its recorded steps
    sign_in("demo-staff")
    page.locator("[data-nav=consultations]").click()
    expect(page.get_by_role("heading", name="协商", exact=True)).to_be_visible()
    page.locator("#pc-year").fill(str(year))
    page.get_by_test_id("plan-create-submit").click()
    expect(page.get_by_test_id("plan-title")).to_have_text(f"{year}年度协商计划")
    plan_url = page.url
    for topic, form, month, counterpart in (
        ("南矶湿地观鸟经济发展", "专题协商会", "5月", "区文广新旅局"),
        ("数字燃气安全", "协商座谈会", "6月", "区住建局"),
    ):
        _open(page, "add_item")
        page.locator("#f-add_item-form").select_option(label=form)
        page.locator("#f-add_item-topic").fill(topic)
        page.locator("#f-add_item-planned_month").select_option(label=month)
        page.locator("#f-add_item-counterpart").fill(counterpart)
        page.get_by_test_id("submit-add_item").click()
        expect(page.get_by_text(f"已添加项目：{topic}")).to_be_visible()
    expect(page.get_by_test_id("plan-item")).to_have_count(2)
    _step(page, "revise", "区委办公室、区政府办公室")
    expect(page.get_by_test_id("plan-state")).to_have_text("已征求党政意见")
    _step(page, "review", "区政协主席会议")
    _step(page, "decide", "区委常委会", "新办字〔2026〕12号")
    _step(page, "publish", "区政协办公室", "新政协字〔2026〕3号")
    expect(page.get_by_test_id("plan-state")).to_have_text("已发布")
    expect(page.get_by_test_id("plan-step")).to_have_count(4)
    expect(page.get_by_test_id("plan-steps")).to_contain_text("新办字〔2026〕12号")
    _at_both_widths(page, live_server, tmp_path, "plan")

    # a consultation of the first item runs through its stages
    page.get_by_test_id("start-consultation").first.click()
    expect(page.get_by_test_id("consultation-title")).to_have_text("南矶湿地观鸟经济发展")
    consultation_url = page.url
    _open(page, "confirm_topic")
    page.locator("#f-confirm_topic-background").fill("南矶湿地候鸟资源丰富，观鸟旅游潜力大。")
    page.get_by_test_id("submit-confirm_topic").click()
    expect(page.get_by_test_id("consultation-state")).to_have_text("知情明政")
    page.get_by_test_id("act-start_research").click()
    expect(page.get_by_test_id("consultation-state")).to_have_text("调研")
    _open(page, "add_group_member")
    page.locator("#f-add_group_member-member_id").select_option(label="张委员")
    page.locator("#f-add_group_member-is_head").check()
    page.get_by_test_id("submit-add_group_member").click()
    expect(page.get_by_test_id("group")).to_contain_text("张委员（组长）")
    now = timezone.now()
    _open(page, "schedule_meeting")
    page.locator("#f-schedule_meeting-title").fill("南矶湿地观鸟经济专题协商会")
    page.locator("#f-schedule_meeting-start").fill(_local_input(now - datetime.timedelta(minutes=5)))
    page.locator("#f-schedule_meeting-end").fill(_local_input(now + datetime.timedelta(hours=2)))
    page.locator("#f-schedule_meeting-place").fill("区政协三楼会议室")
    page.locator("#f-schedule_meeting-invitees").select_option(label="调研组成员")
    page.get_by_test_id("submit-schedule_meeting").click()
    expect(page.get_by_test_id("consultation-state")).to_have_text("协商会")
    # the meeting was noticed today, for today: the page warns in working days
    expect(page.get_by_test_id("warning-notice")).to_contain_text("会前15个工作日")
    _at_both_widths(page, live_server, tmp_path, "consultation-meeting")

    # the meeting is an activity: its QR code, scanned by demo-member on a phone, checks them in
    page.get_by_test_id("meeting-link").click()
    page.get_by_test_id("qr-link").click()
    checkin_url = page.get_by_test_id("qr").get_attribute("data-checkin-url")
    phone_context = _new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.goto(checkin_url)
    _sign_in_form(phone, "demo-member")
    expect(phone.get_by_test_id("checkin-activity")).to_have_text("南矶湿地观鸟经济专题协商会")
    phone.get_by_test_id("checkin-button").tap()
    expect(phone.get_by_test_id("checked-in")).to_contain_text("签到")
    expect(page.get_by_test_id("checked-in-count")).to_contain_text("已签到 1 / 1 人", timeout=15_000)
    phone_context.close()

    # the meeting's record, then the outcome with three recommendations to the housing bureau
    page.goto(consultation_url)
    _open(page, "record_meeting")
    page.locator("#f-record_meeting-briefing").fill("区文广新旅局通报观鸟旅游发展规划。")
    page.locator("#f-record_meeting-speeches").fill("五位委员作了协商发言。")
    page.get_by_test_id("submit-record_meeting").click()
    page.get_by_test_id("act-finish_meeting").click()
    expect(page.get_by_test_id("consultation-state")).to_have_text("成果报送")
    _open(page, "create_outcome")
    page.locator("#f-create_outcome-kind").select_option(label="专报")
    page.locator("#f-create_outcome-title").fill("关于发展南矶湿地观鸟经济的建议")
    for n, text in enumerate(("建设观鸟驿站和观测步道", "完善生态补偿机制", "配套建设游客服务中心"), start=1):
        page.locator(f"#rec-text-{n}").fill(text)
        page.locator(f"#rec-unit-{n}").select_option(label="新建区住房和城乡建设局")
    page.get_by_test_id("submit-create_outcome").click()
    expect(page.get_by_test_id("document-row")).to_contain_text("3")
    _at_both_widths(page, live_server, tmp_path, "consultation-outcome")

    # the outcome document is sent (the follow-up's page)
    page.get_by_test_id("document-link").click()
    page.locator("[data-action=send]").first.click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-submit=send]").click()
    expect(page.get_by_test_id("state")).to_have_text("已报送")
    document_url = page.url
    document_id = re.search(r"/documents/(\d+)/", document_url).group(1)

    # the housing bureau marks the first adopted and reports 60 % with an evidence file
    unit_context = _new_context(browser)
    unit = unit_context.new_page()
    unit.goto(f"{base}/accounts/login/")
    _sign_in_form(unit, "demo-unit")
    unit.goto(f"{base}/followup/department/")
    unit.get_by_test_id("recommendation-row").filter(has_text="建设观鸟驿站").get_by_role("link").first.click()
    unit.locator("[data-action=answer]").first.click()
    unit.get_by_label("已采纳").check()
    unit.get_by_label("答复意见").fill("纳入年度建设计划")
    unit.locator("[data-submit=answer]").click()
    expect(unit.get_by_test_id("state")).to_have_text("已采纳")
    unit.locator("[data-action=update_progress]").first.click()
    unit.get_by_label("落实进度（%）").fill("60")
    unit.get_by_label("进展说明").fill("观鸟驿站主体完工")
    unit.locator("[data-submit=update_progress]").click()
    expect(unit.get_by_test_id("state")).to_have_text("落实中")
    evidence = tmp_path / "驿站照片说明.pdf"
    evidence.write_bytes(PDF)
    unit.locator("input[type=file][name=file]").set_input_files(str(evidence))
    unit.locator("[data-submit=evidence]").click()
    expect(unit.get_by_test_id("evidence")).to_contain_text("驿站照片说明.pdf")
    unit_context.close()

    # the leader's follow-up page shows the document at (60 + 0 + 0) / 3 = 20 %
    leader_context = _new_context(browser)
    leader = leader_context.new_page()
    leader.goto(f"{base}/accounts/login/")
    _sign_in_form(leader, "demo-leader")
    leader.goto(f"{base}/followup/?year={year}")
    expect(leader.locator(f"[data-document-progress='{document_id}']").first).to_contain_text("20.0%")
    leader.goto(consultation_url)
    expect(leader.get_by_test_id("consultation-progress")).to_contain_text("20.0%")
    leader_context.close()

    # an amendment of the plan is version 2, with its difference from version 1
    page.goto(plan_url)
    _open(page, "amend")
    page.locator("#f-amend-reason").fill("根据区委要求调整协商时间")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit-amend").click()
    expect(page.get_by_test_id("plan-version")).to_have_text("第2版")
    page.get_by_test_id("edit-item").nth(1).click()
    page.locator("#f-update_item-planned_month").select_option(label="9月")
    page.get_by_test_id("submit-update_item").click()
    expect(page.get_by_test_id("plan-diff")).to_contain_text("与第1版相比（第2版）")
    expect(page.get_by_test_id("diff-changed")).to_contain_text("数字燃气安全：计划月份 6月 → 9月")
    _at_both_widths(page, live_server, tmp_path, "plan-v2")


def test_the_lists_and_forms_are_accessible_and_fit_phone_and_laptop(live_org, sign_in, page, live_server, tmp_path):
    from tests.builders import consultations as make
    from zhengxie.consultations.services import suggestion_submit

    plan = make.published_plan(live_org)
    make.key_research(live_org)
    suggestion_submit(actor=live_org.users["member"], year=2026, title="青少年爱国主义教育", reason="理由")
    pages = {
        "demo-staff": [
            "/consultations/plans/",
            "/consultations/",
            "/consultations/new/",
            "/consultations/suggestions/",
            "/consultations/suggestions/new/",
        ],
        "demo-member": [
            f"/consultations/plans/{plan.pk}/",
            "/consultations/suggestions/",
            "/consultations/suggestions/new/",
        ],
    }
    for username, urls in pages.items():
        page.context.clear_cookies()
        sign_in(username)
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            name = url.strip("/").replace("/", "-") or "home"
            _at_both_widths(page, live_server, tmp_path, f"{username}-{name}")
