"""Similar proposals in Chromium: a member writing a proposal sees, beside the editor and as they type, the
registered proposal theirs lightly copies (at laptop and phone width, accessible); the office reviewing a submitted
copy sees it listed with its score and merges through the 并案 shortcut, the lead proposal already chosen."""

import re

import pytest
from playwright.sync_api import expect

from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.models import Category, Proposal
from zhengxie.proposals.services import proposal_create_draft

from .axe import axe_violations
from .layout import horizontal_overflow, resize

TITLE = "关于加快老旧小区公共充电桩建设的建议"
ANALYSIS = (
    "近年来我区新能源汽车保有量快速增长，但公共充电桩布点不足、分布不均，老旧小区由于电力容量有限、"
    "停车位紧张、物业管理缺位，居民安装私人充电桩十分困难，夜间在楼道内飞线充电的现象屡禁不止。"
)
SUGGESTIONS = "一是编制全区充电设施专项规划；二是由供电部门牵头对老旧小区进行电力增容；三是鼓励社会资本参与建设运营。"


@pytest.fixture
def category(live_org):
    return Category.objects.create(name="经济建设", sort_order=1)


def proposal(live_org, category, who, *, analysis=ANALYSIS, register=True) -> Proposal:
    u = live_org.users
    data = {"title": TITLE, "analysis": analysis, "suggestions": SUGGESTIONS, "category_id": category.pk}
    p = proposal_create_draft(author=u[who], data=data)
    p = proposal_act(proposal_id=p.pk, action="submit", actor=u[who])
    if register:
        p = proposal_act(proposal_id=p.pk, action="register", actor=u["office"])
    return p


def test_member_sees_similar_proposals_beside_the_draft_as_they_type(live_org, category, page, live_server, sign_in):
    earlier = proposal(live_org, category, "member2")
    sign_in("demo-member")
    page.goto(f"{live_server.url}/proposals/new/")
    panel = page.get_by_test_id("similar-panel")
    expect(panel.get_by_test_id("similar-status")).to_have_text("填写案由和内容后，这里会列出与之相似的已有提案。")

    page.get_by_label("案由").fill("关于加快老旧小区充电桩建设的建议")
    page.get_by_label("情况分析").fill(ANALYSIS.replace("快速增长", "增长迅速"))

    item = panel.get_by_test_id("similar-item")
    expect(item).to_have_count(1)
    expect(item.get_by_role("link")).to_have_text(TITLE)
    expect(item).to_contain_text(earlier.number)
    expect(item).to_contain_text(re.compile(r"相似度 \d+%"))
    expect(panel.get_by_test_id("similar-status")).to_have_text("发现 1 件相似的提案，请查看是否重复。")
    assert axe_violations(page, live_server) == []

    resize(page, 390)
    expect(item).to_be_visible()
    assert horizontal_overflow(page) == []

    page.get_by_label("情况分析").fill("城区道路积水严重，排水管网老化。")
    page.get_by_label("案由").fill("关于治理城区内涝的建议")
    expect(panel.get_by_test_id("similar-status")).to_have_text("暂未发现相似的提案。")
    expect(item).to_have_count(0)


def test_office_merges_a_submitted_copy_through_the_similar_list(
    live_org, category, page, live_server, sign_in, confirms
):
    lead = proposal(live_org, category, "member2")
    copy = proposal(live_org, category, "member", analysis=ANALYSIS.replace("十分困难", "非常困难"), register=False)
    sign_in("demo-office")
    page.goto(f"{live_server.url}/proposals/{copy.pk}/")

    section = page.get_by_test_id("similar-review")
    item = section.get_by_test_id("similar-item")
    expect(item).to_have_count(1)
    expect(item.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    expect(item.get_by_test_id("similar-score")).to_have_text(re.compile(r"相似度 \d+%"))
    assert axe_violations(page, live_server) == []

    item.get_by_test_id("similar-merge").click()
    form = page.locator("form[data-action-form=merge]")
    expect(form.get_by_label("并入的提案")).to_have_value(lead.number)
    form.get_by_role("button", name="确认并案").click()

    expect(page.get_by_test_id("proposal-state")).to_have_attribute("data-state", "merged")
    copy.refresh_from_db()
    assert copy.merged_into_id == lead.pk
