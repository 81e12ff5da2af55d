"""The admin's path through the rule table and the audit trail, in words: a rule added by choosing its kind from
the list (no code typed), then the audit trail filtered by the action chosen from the list, showing the saved table
in words (the rule table's row once made the page fail)."""

import re

from playwright.sync_api import expect

from .axe import axe_violations


def test_admin_adds_a_rule_from_the_list_and_finds_it_in_the_audit_trail(live_org, sign_in, page, live_server):
    sign_in("demo-admin")
    page.goto(f"{live_server.url}/activities/rules/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("积分规则")
    assert "attended." not in page.inner_text("#main") and "类别代码" not in page.inner_text("#main")
    assert axe_violations(page, live_server) == []
    # the first blank row of the items: its kind chosen by name, the points typed
    kind = page.locator('[data-testid="items-table"] select[name$="-kind"]').filter(
        has=page.locator('option:checked[value=""]')
    )
    name = kind.first.get_attribute("name")  # items-N-kind: the row is fixed before its kind is chosen
    page.locator(f'select[name="{name}"]').select_option(label="发言（调研）")
    page.locator(f'input[name="{name.replace("-kind", "-points")}"]').fill("4")
    page.get_by_test_id("save-rules").click()
    expect(page.locator("#main")).to_contain_text("已保存")

    page.goto(f"{live_server.url}/audit/")
    page.get_by_label("操作", exact=True).select_option(label="保存积分规则")
    page.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("保存积分规则")
    expect(table).to_contain_text("发言（调研）：4 分")
    text = table.inner_text()
    assert not re.search(r"\b[a-z_]+\.[a-z_*]+", text), text
    assert axe_violations(page, live_server) == []
