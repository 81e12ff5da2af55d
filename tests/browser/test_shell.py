"""Signing in, the role-specific navigation, the language switch, no foreign requests, accessibility."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from zhengxie.core.access import has_perm
from zhengxie.core.navigation import NAV

from .axe import axe_violations

AXE = Path(__file__).resolve().parents[2] / "zhengxie" / "static" / "vendor" / "axe-core" / "axe.min.js"


def expected_nav(user) -> list[str]:
    return [item.key for item in NAV if has_perm(user, item.perm)]


@pytest.mark.parametrize(
    "role", ["admin", "office", "staff", "leader", "overseer", "unit", "unit-leader", "unit2", "member", "member2"]
)
def test_each_demo_role_signs_in_and_sees_its_navigation(live_org, sign_in, page, role):
    # given a demo account of this role
    user = live_org.users[role]
    # when it signs in through the form
    sign_in(f"demo-{role}")
    # then it lands on its home page with exactly the navigation its role grants
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    shown = page.locator("[data-testid=main-nav] [data-nav]").evaluate_all("els => els.map(e => e.dataset.nav)")
    assert shown == expected_nav(user)
    assert "home" in shown


def test_role_navigation_differs_between_roles(live_org):
    # The matrix above is only meaningful if roles really see different menus.
    admin, unit, member = (expected_nav(live_org.users[k]) for k in ("admin", "unit", "member2"))
    assert "audit" in admin and "audit" not in unit and "members" not in member


def test_failed_sign_in_shows_a_clear_message(live_org, sign_in, page):
    sign_in("demo-member", "wrong-password")
    expect(page.get_by_test_id("login-error")).to_have_text("用户名或密码错误，请重新输入。")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_sign_in_by_mobile_number(live_org, sign_in, page):
    sign_in("13900000001")  # demo-member's mobile
    expect(page.get_by_test_id("role-badges")).to_contain_text("委员")


def test_unit_staff_opening_member_list_is_refused(live_org, sign_in, page, live_server):
    sign_in("demo-unit")
    response = page.goto(f"{live_server.url}/people/members/")
    assert response.status == 403
    expect(page.get_by_test_id("forbidden")).to_be_visible()


def test_main_pages_make_no_request_to_another_host(live_org, sign_in, page, live_server, foreign_requests):
    sign_in("demo-admin")
    for path in [
        "/",
        "/people/members/",
        "/people/units/",
        "/people/organisation/",
        "/notifications/",
        "/workdays/",
        "/audit/",
        "/accounts/profile/",
        f"/people/members/{live_org.member.pk}/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert foreign_requests == []


def test_switching_to_english(live_org, sign_in, page):
    sign_in("demo-staff")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.get_by_role("heading", name="My to-do")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_phone_sized_screen_collapses_navigation(live_org, sign_in, page):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in("demo-member")
    nav = page.locator("#main-nav")
    expect(nav).to_be_hidden()
    page.get_by_label("打开导航").click()
    expect(nav).to_be_visible()


def test_sign_in_page_has_no_serious_accessibility_violations(live_org, page, live_server):
    assert AXE.exists()
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page, live_server, "document") == []


@pytest.mark.parametrize("role", ["admin", "member", "unit"])
def test_home_page_has_no_serious_accessibility_violations(live_org, sign_in, page, live_server, role):
    sign_in(f"demo-{role}")
    assert axe_violations(page, live_server, "document") == []
