"""智能交办 in Chromium: the office's assignment form shows the units the model learned from past assignments, with
their reasons, and choosing one fills the lead (or single) unit that is then assigned."""

import re

import pytest
from playwright.sync_api import expect

from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.models import Category
from zhengxie.proposals.services import proposal_create_draft
from zhengxie.suggest.services import train_model

from .axe import axe_violations


@pytest.fixture
def category(live_org):
    return Category.objects.create(name="社会建设", sort_order=1)


def _registered(org, category, title: str, unit=None):
    u = org.users
    data = {"title": title, "analysis": title, "suggestions": "建议", "category_id": category.pk}
    p = proposal_create_draft(author=u["member"], data=data)
    proposal_act(proposal_id=p.pk, action="submit", actor=u["member"])
    proposal_act(proposal_id=p.pk, action="register", actor=u["office"])
    if unit is not None:
        units = [{"unit_id": unit.pk, "role": "single"}]
        proposal_act(proposal_id=p.pk, action="assign", actor=u["office"], payload={"mode": "single", "units": units})
    p.refresh_from_db()
    return p


def test_the_office_chooses_a_suggested_unit(live_org, category, page, live_server, sign_in):
    org = live_org
    for title in ("关于加快老旧小区加装电梯的建议", "关于加强住宅小区物业管理的建议"):
        _registered(org, category, title, org.unit)
    schools = [
        _registered(org, category, title, org.other_unit)
        for title in ("关于加强中小学课后服务的建议", "关于改善农村学校办学条件的建议")
    ]
    train_model()
    p = _registered(org, category, "关于减轻中小学课后服务负担的建议")

    sign_in("demo-office")
    page.goto(f"{live_server.url}/proposals/{p.pk}/")
    page.locator('[data-action="assign"]').click()
    form = page.locator('form[data-action-form="assign"]')
    suggestions = form.locator("[data-unit-suggestions]")
    expect(suggestions.get_by_role("heading", name="推荐承办单位")).to_be_visible()
    first = suggestions.locator("li.border").first
    expect(first.locator("strong")).to_have_text("新建区教育体育局")
    numbers = "|".join(s.number for s in schools)
    expect(first).to_contain_text(re.compile(rf"类似提案 ({numbers})"))
    expect(first).to_contain_text("由区教体局单办")
    assert axe_violations(page, live_server) == []

    first.get_by_role("button", name="选为主办（单办）单位").click()
    expect(form.get_by_role("combobox", name="主办（单办）单位")).to_have_value("新建区教育体育局")
    with page.expect_navigation():
        form.locator('[data-submit="assign"]').click()
    expect(page.get_by_test_id("proposal-state")).to_have_text("办理中")
    assert list(p.assignments.values_list("unit_id", "role")) == [(org.other_unit.pk, "single")]


def test_the_assignment_queue_offers_each_rows_units(live_org, category, page, live_server, sign_in):
    org = live_org
    past = _registered(org, category, "关于加快老旧小区加装电梯的建议", org.unit)
    _registered(org, category, "关于加强中小学课后服务的建议", org.other_unit)
    train_model()
    p = _registered(org, category, "关于老旧小区电梯维护的建议")

    sign_in("demo-office")
    page.goto(f"{live_server.url}/proposals/review/assign/")
    row = page.locator(f"tr[data-proposal='{p.pk}']")
    expect(row).to_contain_text(f"类似提案 {past.number} 由区住建局单办")
    assert axe_violations(page, live_server) == []
    row.get_by_role("button", name="选 新建区住房和城乡建设局 为主办（单办）单位").click()
    form = page.get_by_test_id("batch-assign")
    expect(form.get_by_label(re.compile(r"^主办（单办）单位( \*)?$"))).to_have_value("新建区住房和城乡建设局")
    page.locator(f"#pick-{p.pk}").check()
    form.get_by_role("radio", name="单办").check()
    with page.expect_navigation():
        page.locator("[data-submit=batch-assign]").click()
    expect(page.get_by_test_id("batch-summary")).to_have_text("完成 1 件，未完成 0 件。")
    assert list(p.assignments.values_list("unit_id", "role")) == [(org.unit.pk, "single")]
