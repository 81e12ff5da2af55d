"""The type-ahead unit filter of the proposal list in Chromium: typing part of a unit's name offers the matching
units, the keyboard chooses one (ARIA combobox), the list is filtered by the unit's id and the unit is shown by name
when the page is loaded again; a name typed but not chosen is looked up when the form is sent. The detail page's
action forms are fetched when their button is pressed, and the assignment form's units are chosen the same way."""

import re

import pytest
from playwright.sync_api import expect

from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.models import Category
from zhengxie.proposals.services import proposal_create_draft

from .axe import axe_violations


@pytest.fixture
def category(live_org):
    return Category.objects.create(name="经济建设", sort_order=1)


def _assigned(org, category, title: str, unit):
    u = org.users
    data = {"title": title, "analysis": "现状", "suggestions": "建议", "category_id": category.pk}
    p = proposal_create_draft(author=u["member"], data=data)
    proposal_act(proposal_id=p.pk, action="submit", actor=u["member"])
    proposal_act(proposal_id=p.pk, action="register", actor=u["office"])
    if unit is not None:
        units = [{"unit_id": unit.pk, "role": "single"}]
        proposal_act(proposal_id=p.pk, action="assign", actor=u["office"], payload={"mode": "single", "units": units})
    return p


def _titles(page) -> list[str]:
    return page.locator("[data-testid=proposal-table] tbody tr[data-proposal] td:nth-child(2) a").all_inner_texts()


def test_list_unit_filter_is_a_keyboard_type_ahead(live_org, category, page, live_server, sign_in):
    org = live_org
    _assigned(org, category, "住建局办理的提案", org.unit)
    _assigned(org, category, "教体局办理的提案", org.other_unit)
    sign_in("demo-office")
    page.goto(f"{live_server.url}/proposals/")
    box = page.get_by_role("combobox", name="承办单位")
    expect(box).to_have_attribute("aria-expanded", "false")

    # typing part of the name offers the matching unit
    box.press_sequentially("住建")
    listbox = page.get_by_role("listbox", name="承办单位的候选项")
    option = listbox.get_by_role("option", name="新建区住房和城乡建设局", exact=True)
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(page.locator(".zx-lookup-status")).to_contain_text("找到 1 项")

    # the arrow key makes it the active option; Enter chooses it (and does not send the form)
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    assert axe_violations(page, live_server) == []
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("新建区住房和城乡建设局")
    expect(page.locator("input[name=unit]")).to_have_value(str(org.unit.pk))
    assert "unit=" not in page.url

    # Enter again sends the filter: by the unit's id only
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]unit={org.unit.pk}(&|$)"))
    assert "unit_name" not in page.url
    assert _titles(page) == ["住建局办理的提案"]
    # loaded again, the unit is shown by name
    page.reload()
    expect(page.get_by_role("combobox", name="承办单位")).to_have_value("新建区住房和城乡建设局")

    # Escape closes the list; a name typed and not chosen is looked up when the form is sent
    box = page.get_by_role("combobox", name="承办单位")
    box.fill("")
    box.press_sequentially("教育体育")
    expect(page.get_by_role("option", name="新建区教育体育局")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox", name="承办单位的候选项")).to_be_hidden()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"unit_name="))
    assert _titles(page) == ["教体局办理的提案"]
    expect(page.get_by_role("combobox", name="承办单位")).to_have_value("新建区教育体育局")

    # clearing the box removes the filter
    page.get_by_role("combobox", name="承办单位").fill("")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("[data-testid=proposal-table] tbody tr[data-proposal]")).to_have_count(2)


def test_assign_form_is_fetched_and_units_are_typed_ahead(live_org, category, page, live_server, sign_in):
    org = live_org
    p = _assigned(org, category, "待交办的提案", None)
    sign_in("demo-office")
    page.goto(f"{live_server.url}/proposals/{p.pk}/")
    # no form is on the page until its button is pressed
    expect(page.locator('form[data-action-form="assign"]')).to_have_count(0)
    button = page.locator('[data-action="assign"]')
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    form = page.locator('form[data-action-form="assign"]')
    expect(form).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    # the first field has the focus; choosing "lead" shows the co-handlers' field
    form.get_by_label("主办与会办").check()
    lead = form.get_by_role("combobox", name="主办（单办）单位")
    lead.press_sequentially("住建")
    lead.press("ArrowDown")
    lead.press("Enter")
    expect(lead).to_have_value("新建区住房和城乡建设局")
    co = form.get_by_role("combobox", name="会办（分办）单位")
    co.press_sequentially("教体")
    form.get_by_role("option", name="新建区教育体育局").click()
    chip = form.get_by_role("button", name="移除 新建区教育体育局")
    expect(chip).to_be_visible()
    expect(co).to_have_value("")
    # cancel closes the form and gives the focus back to the button; pressing it again shows the same form
    form.get_by_role("button", name="取消").click()
    expect(form).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    expect(chip).to_be_visible()
    with page.expect_navigation():
        form.locator('[data-submit="assign"]').click()
    expect(page.get_by_test_id("proposal-state")).to_have_text("办理中")
    assert sorted(p.assignments.values_list("unit_id", "role")) == sorted(
        [(org.unit.pk, "lead"), (org.other_unit.pk, "co")]
    )
