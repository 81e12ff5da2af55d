"""The search page in Chromium: a member opens 搜索 from the top navigation, searches a two-character word in
traditional characters, finds the registered proposal that holds it inside a longer word with the word marked,
narrows by type, and follows the result to the proposal. The page passes the accessibility check."""

import pytest
from playwright.sync_api import expect

from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.models import Category
from zhengxie.proposals.services import proposal_create_draft

from .axe import axe_violations


@pytest.fixture
def category(live_org):
    return Category.objects.create(name="经济建设", sort_order=1)


def test_member_searches_from_the_navigation(live_org, category, page, live_server, sign_in):
    u = live_org.users
    data = {"title": "关于新建区停车场建设的建议", "analysis": "老城区停车场不足。", "suggestions": "新建立体停车场。"}
    data["category_id"] = category.pk
    p = proposal_create_draft(author=u["member2"], data=data)
    proposal_act(proposal_id=p.pk, action="submit", actor=u["member2"])
    proposal_act(proposal_id=p.pk, action="register", actor=u["office"])
    sign_in("demo-member")

    page.get_by_role("link", name="搜索").first.click()
    expect(page.get_by_test_id("search-empty")).to_be_visible()
    page.get_by_label("搜索词").fill("停車")
    page.get_by_role("button", name="搜索").click()

    result = page.get_by_test_id("search-result")
    expect(result).to_have_count(1)
    expect(result.locator("a mark")).to_have_text("停车")
    expect(result.get_by_test_id("search-snippet").locator("mark").first).to_have_text("停车")
    assert axe_violations(page, live_server) == []

    page.get_by_label("类型").select_option(label="答复")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("search-none")).to_contain_text("没有找到含“停車”的内容")

    page.get_by_label("类型").select_option(label="提案")
    page.get_by_role("button", name="搜索").click()
    page.get_by_test_id("search-result").get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/proposals/{p.pk}/")
