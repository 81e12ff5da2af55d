"""Online deliberation in the browser: an invited member posts an opinion and a reply on a phone (390 px); the
secretariat selects the opinion on a laptop (1366 px) and closes the deliberation, which makes it read-only; the
member's duty archive then shows the points of the selected opinion, linked to it."""

from playwright.sync_api import expect

from tests.builders.deliberations import open_deliberation

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_member_posts_staff_selects_and_closes_the_points_reach_the_archive(live_org, sign_in, page, live_server):
    d = open_deliberation(live_org)

    # An invited member, on a phone, from the to-do list: the post box is at the top; an opinion, then a reply in
    # its thread.
    page.set_viewport_size(PHONE)
    sign_in("demo-member")
    # The home page's to-do list leads to it.
    page.get_by_role("link", name="参与网络议政：数字燃气安全").click()
    expect(page.get_by_test_id("post-box")).to_be_visible()
    page.get_by_test_id("post-text").fill("建议为独居老人免费加装燃气泄漏报警器。")
    page.get_by_test_id("submit-post").click()
    expect(page.get_by_text("已发表")).to_be_visible()
    thread = page.get_by_test_id("thread").first
    expect(thread).to_contain_text("建议为独居老人免费加装燃气泄漏报警器。")
    thread.get_by_text("回复", exact=True).first.click()
    thread.get_by_test_id("reply-text").fill("并与社区网格员联动处置。")
    thread.get_by_test_id("submit-reply").click()
    expect(page.get_by_test_id("replies")).to_contain_text("并与社区网格员联动处置。")
    assert _no_sideways_scroll(page)

    # The secretariat, on a laptop: select the opinion, then close the deliberation (confirmed).
    page.context.clear_cookies()
    page.set_viewport_size(LAPTOP)
    sign_in("demo-staff")
    page.goto(f"{live_server.url}/deliberations/{d.pk}/")
    expect(page.get_by_test_id("post-box")).to_have_count(0)
    opinion = page.get_by_test_id("post").first
    opinion.locator("[data-post-action=select] button").click()
    expect(page.get_by_text("已选用，作者的履职积分已记入")).to_be_visible()
    expect(page.get_by_test_id("post").first.get_by_test_id("selected-badge")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-action=close] button").click()
    expect(page.get_by_test_id("deliberation-state")).to_have_text("已结束")
    expect(page.get_by_test_id("read-only")).to_be_visible()

    # The member again: read-only now, and the archive shows the selected opinion's points, linked to it.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in("demo-member")
    page.goto(f"{live_server.url}/deliberations/{d.pk}/")
    expect(page.get_by_test_id("read-only")).to_have_text("议政已结束，以下发言只读。")
    expect(page.get_by_test_id("post-box")).to_have_count(0)
    expect(page.get_by_test_id("submit-reply")).to_have_count(0)
    page.goto(f"{live_server.url}/activities/archive/")
    record = page.locator("[data-testid=record][data-kind=deliberation_opinion_selected]")
    expect(record).to_have_count(1)
    expect(record).to_contain_text("网络议政意见被采纳")
    expect(record).to_contain_text("+3")
    record.get_by_test_id("source-link").click()
    expect(page.get_by_test_id("deliberation-title")).to_have_text("数字燃气安全")
    assert _no_sideways_scroll(page)
