"""The proposal office's batch work in Chromium: in the review queue "select all on this page" chooses every
proposal and 批量立案 asks its question before registering them all; in the queue of registered proposals the chosen
ones are assigned with one 交办 form (units chosen with the type-ahead); each result page lists every proposal's
outcome. Both queues pass axe."""

import re

import pytest
from playwright.sync_api import expect

from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.choices import ProposalState
from zhengxie.proposals.models import Category, Proposal
from zhengxie.proposals.services import proposal_create_draft

from .axe import axe_violations
from .layout import layout_problems

PHONE = 390


def _fits_a_phone(page) -> list[str]:
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE, "height": 800})
    problems = layout_problems(page)
    page.set_viewport_size(size)
    return problems


@pytest.fixture
def category(live_org):
    return Category.objects.create(name="经济建设", sort_order=1)


def _submitted(org, category, title: str) -> Proposal:
    data = {"title": title, "analysis": "现状", "suggestions": "建议", "category_id": category.pk}
    p = proposal_create_draft(author=org.users["member"], data=data)
    proposal_act(proposal_id=p.pk, action="submit", actor=org.users["member"])
    return p


def test_office_registers_and_assigns_many_proposals_at_once(live_org, category, page, live_server, sign_in):
    # given three proposals waiting for review
    titles = ["关于增设公交线路的建议", "关于改造老旧小区的建议", "关于建设口袋公园的建议"]
    proposals = [_submitted(live_org, category, t) for t in titles]
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    sign_in("demo-office")
    # when the office chooses all of them on the review page and registers them, answering its question
    assert page.goto(f"{live_server.url}/proposals/review/").status == 200
    assert axe_violations(page, live_server) == []
    assert _fits_a_phone(page) == []
    page.get_by_label("全选本页").check()
    expect(page.locator("[data-batch-count=register]")).to_have_text("已选 3 件")
    with page.expect_navigation():
        page.locator("[data-submit=batch-register]").click()
    # then each is registered, and the result page lists them with their numbers
    assert asked == ["所选提案将逐件立案，每件占用本年度的下一个案号。确定立案？"]
    expect(page.get_by_test_id("batch-summary")).to_have_text("完成 3 件，未完成 0 件。")
    numbers = [Proposal.objects.get(pk=p.pk).number for p in proposals]
    expect(page.get_by_test_id("batch-outcome")).to_have_count(3)
    assert axe_violations(page, live_server) == []
    assert _fits_a_phone(page) == []
    for number in numbers:
        expect(page.get_by_test_id("batch-results")).to_contain_text(f"已立案，案号 {number}")
    # when the office opens the queue to assign, chooses two, and assigns them to one unit
    page.get_by_role("link", name="返回").click()
    page.get_by_role("link", name="待交办").click()
    expect(page.get_by_test_id("assign-row")).to_have_count(3)
    assert axe_violations(page, live_server) == []
    assert _fits_a_phone(page) == []
    page.locator(f"#pick-{proposals[0].pk}").check()
    page.locator(f"#pick-{proposals[2].pk}").check()
    expect(page.locator("[data-batch-count=assign]")).to_have_text("已选 2 件")
    form = page.get_by_test_id("batch-assign")
    form.get_by_role("radio", name="单办").check()
    box = form.get_by_label(re.compile(r"^主办（单办）单位( \*)?$"))
    box.fill("住建")
    page.locator(f"#{box.get_attribute('id')}-listbox").get_by_role("option", name=live_org.unit.name).click()
    with page.expect_navigation():
        page.locator("[data-submit=batch-assign]").click()
    # then those two are assigned, the third still waits
    expect(page.get_by_test_id("batch-summary")).to_have_text("完成 2 件，未完成 0 件。")
    states = [Proposal.objects.get(pk=p.pk).state for p in proposals]
    assert states == [ProposalState.ASSIGNED, ProposalState.REGISTERED, ProposalState.ASSIGNED]
