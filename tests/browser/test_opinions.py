"""Opinion reports in the browser: a member submits a report with a co-author on a phone (390 px), the co-author
confirms; on a laptop (1366 px) the editor edits it (the difference is shown), the leader signs it off, the
secretariat reports it to the city and records its adoption and a leader's instruction; the member then sees each
level's fate, and their duty archive shows the submission, the adoption and the instruction."""

from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.layout import layout_problems, resize
from tests.builders.opinions import editor, ensure_categories

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _as(page, sign_in, username, size):
    page.context.clear_cookies()
    page.set_viewport_size(size)
    sign_in(username)


def test_a_report_from_submission_to_adoption_reaches_the_duty_archive(live_org, sign_in, page, live_server):
    editor(live_org)
    ensure_categories()
    page.on("dialog", lambda dialog: dialog.accept())

    # The member, on a phone: writes the report with a co-author and submits it.
    _as(page, sign_in, "demo-member", PHONE)
    page.goto(f"{live_server.url}/opinions/new/")
    page.get_by_label("标题").fill("关于老旧小区加装电梯的建议")
    page.get_by_label("内容", exact=True).fill("群众反映老旧小区上下楼困难。")
    page.get_by_label("建议", exact=True).fill("简化审批。")
    page.get_by_label("类别").select_option(label="城乡建设")
    page.get_by_label("联名作者").select_option(label="李委员")
    page.get_by_test_id("submit-opinion").click()
    expect(page.get_by_text("已提交，编号")).to_be_visible()
    expect(page.get_by_test_id("opinion-state")).to_have_text("已提交")
    url = page.url
    assert _no_sideways_scroll(page)

    # The co-author confirms.
    _as(page, sign_in, "demo-member2", PHONE)
    page.goto(url)
    page.locator("button[data-action=confirm_coauthor]").click()
    expect(page.get_by_text("已确认联名")).to_be_visible()

    # The editor, on a laptop: edits the text; the difference between the versions is shown.
    _as(page, sign_in, "demo-editor", LAPTOP)
    page.goto(url)
    page.locator("[data-action-form=edit] summary").click()
    page.locator("#id_edit_content").fill("群众反映老旧小区居民上下楼十分困难。")
    page.locator("[data-action-form=edit] button[data-action=edit]").click()
    expect(page.get_by_text("已保存修改")).to_be_visible()
    diff = page.get_by_test_id("version-diff")
    expect(diff.locator("ins")).to_contain_text(["居民"])
    expect(diff.locator("ins")).to_have_count(2)

    # The leader signs it off.
    _as(page, sign_in, "demo-leader", LAPTOP)
    page.goto(url)
    page.locator("button[data-action=sign_off]").click()
    expect(page.get_by_test_id("opinion-state")).to_have_text("已签发")

    # The secretariat reports it to the city, records the adoption and an instruction.
    _as(page, sign_in, "demo-staff", LAPTOP)
    page.goto(url)
    form = page.locator("[data-action-form=report]")
    form.locator("summary").click()
    form.get_by_label("市政协").check()
    form.locator("button[data-action=report]").click()
    expect(page.get_by_test_id("opinion-state")).to_have_text("已报送")
    form = page.locator("[data-action-form=record_adoption]")
    form.locator("summary").click()
    form.get_by_label("市政协").check()
    form.get_by_label("采用日期").fill(page.evaluate("new Date().toLocaleDateString('sv-SE')"))
    form.get_by_label("采用刊物").fill("南昌政协社情民意专报第5期")
    form.locator("button[data-action=record_adoption]").click()
    expect(page.get_by_text("已记录采用")).to_be_visible()
    form = page.locator("[data-action-form=record_instruction]")
    form.locator("summary").click()
    form.get_by_label("市级领导").check()
    form.get_by_label("批示领导").fill("市委副书记")
    form.get_by_label("批示日期").fill(page.evaluate("new Date().toLocaleDateString('sv-SE')"))
    form.get_by_label("批示内容").fill("请市住建局研究落实。")
    form.locator("button[data-action=record_instruction]").click()
    expect(page.get_by_text("已记录领导批示")).to_be_visible()
    assert _no_sideways_scroll(page)

    # The member sees each level's fate, and the duty archive shows the three points.
    _as(page, sign_in, "demo-member", PHONE)
    page.goto(url)
    expect(page.locator("[data-level=city]")).to_contain_text("已采用")
    expect(page.locator("[data-level=province]")).to_contain_text("未报送")
    expect(page.get_by_test_id("instructions")).to_contain_text("市委副书记")
    assert _no_sideways_scroll(page)
    # The detail (its diff, the fates, the instruction) and the member's list pass axe and fit phone and laptop.
    for where in (url, f"{live_server.url}/opinions/?mine=1"):
        page.goto(where)
        for width in (390, 1366):
            resize(page, width)
            assert layout_problems(page) == [], (where, width)
        assert axe_violations(page, live_server) == [], where
    page.goto(f"{live_server.url}/activities/archive/")
    body = page.locator("main")
    expect(body).to_contain_text("提交社情民意信息")
    expect(body).to_contain_text("社情民意被市级采用")
    expect(body).to_contain_text("领导批示")
