import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp

from tests.builders.org import ROLE_KEYS
from zhengxie.accounts.services import account_create, totp_device_confirm, totp_device_pending
from zhengxie.core import todo
from zhengxie.core.access import all_rules, roles_of
from zhengxie.core.navigation import NAV
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoItem
from zhengxie.workdays.todo import years_without_holidays

pytestmark = pytest.mark.django_db

# What build_org gives each account.
ROLES_OF_KEY = {
    "admin": {Role.ADMIN},
    "office": {Role.PROPOSAL_OFFICE},
    "staff": {Role.SECRETARIAT},
    "leader": {Role.LEADER},
    "overseer": {Role.OVERSEER},
    "unit": {Role.UNIT_STAFF},
    "unit-leader": {Role.UNIT_STAFF, Role.UNIT_LEADER},
    "unit2": {Role.UNIT_STAFF},
    "member": {Role.MEMBER, Role.SECTOR_CONVENER},
    "member2": {Role.MEMBER},
}

# The foundation's own navigation entries, spelled out (modules added later are checked by the computed test).
FOUNDATION_NAV = {
    "admin": ["home", "members", "units", "organisation", "workdays", "audit"],
    "office": ["home", "members", "units", "organisation", "workdays"],
    "staff": ["home", "members", "units", "organisation", "workdays"],
    "leader": ["home", "members", "units", "organisation"],
    "overseer": ["home", "units", "organisation"],
    "unit": ["home", "organisation"],
    "unit-leader": ["home", "organisation"],
    "unit2": ["home", "organisation"],
    "member": ["home", "members", "organisation"],
    "member2": ["home", "organisation"],
}
FOUNDATION_KEYS = {"home", "members", "units", "organisation", "workdays", "audit"}

TWO_FACTOR_TODO = "启用两步验证，保护您的账号"
STAFF_KEYS = {"admin", "office", "staff", "leader", "overseer", "unit", "unit-leader", "unit2"}
SIGNED_IN_KEYS = [k for k in ROLE_KEYS if k != "anonymous"]


def _nav(html: str) -> list[str]:
    return re.findall(r'data-nav="([^"]+)"', html)


def _panels(html: str) -> set[str]:
    return set(re.findall(r'id="(me|convener|unit|org)-heading"', html))


def _todo_titles(html: str) -> list[str]:
    if 'data-testid="todo-list"' not in html:
        return []
    block = html[html.index('data-testid="todo-list"') : html.index("</ul>", html.index('data-testid="todo-list"'))]
    return re.findall(r'<a href="[^"]*" class="flex-grow-1">([^<]+)</a>', block)


def _home(client_for, user) -> str:
    response = client_for(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_fixture_account_holds_the_roles_the_tests_assume(org):
    assert {k: set(roles_of(org.users[k])) for k in SIGNED_IN_KEYS} == ROLES_OF_KEY


@pytest.mark.parametrize("role_key", SIGNED_IN_KEYS)
def test_home_shows_exactly_the_navigation_the_roles_grant(org, client_for, role_key):
    # given the permission table, the entries this role's permissions open
    rules = all_rules()
    expected = [item.key for item in NAV if ROLES_OF_KEY[role_key] & rules[item.perm]]
    # when the role opens the home page
    nav = _nav(_home(client_for, org.users[role_key]))
    # then the header shows those entries, in order, and the foundation's entries are as spelled out
    assert nav == expected
    assert [k for k in nav if k in FOUNDATION_KEYS] == FOUNDATION_NAV[role_key]


@pytest.mark.parametrize("role_key", SIGNED_IN_KEYS)
def test_home_shows_the_role_badges(org, client_for, role_key):
    html = _home(client_for, org.users[role_key])
    badges = html[html.index('data-testid="role-badges"') :]
    badges = badges[: badges.index("</div>")]
    assert set(re.findall(r'data-role="([^"]+)"', badges)) == {r.value for r in ROLES_OF_KEY[role_key]}


@pytest.mark.parametrize("role_key", SIGNED_IN_KEYS)
def test_home_shows_the_role_specific_panels(org, client_for, role_key):
    expected = {
        "admin": {"org"},
        "office": {"org"},
        "staff": {"org"},
        "leader": {"org"},
        "overseer": {"org"},
        "unit": {"unit"},
        "unit-leader": {"unit"},
        "unit2": {"unit"},
        "member": {"me", "convener"},
        "member2": {"me"},
    }[role_key]
    assert _panels(_home(client_for, org.users[role_key])) == expected


def test_the_convener_panel_links_to_their_sector(org, client_for):
    html = _home(client_for, org.users["member"])
    panel = html[html.index('id="convener-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', panel) == [(f"/people/members/?sector={org.sector.pk}", "经济")]


def test_the_member_panel_shows_their_own_record(org, client_for):
    html = _home(client_for, org.users["member2"])
    panel = html[html.index('id="me-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert '<dd class="col-8">教育</dd>' in panel
    assert '<dd class="col-8">中国国民党革命委员会</dd>' in panel
    assert "经济" not in panel


def test_the_unit_panel_marks_the_leader(org, client_for):
    leader_html = _home(client_for, org.users["unit-leader"])
    staff_html = _home(client_for, org.users["unit2"])
    leader_panel = leader_html[leader_html.index('id="unit-heading"') :][:600]
    staff_panel = staff_html[staff_html.index('id="unit-heading"') :][:600]
    assert "新建区住房和城乡建设局" in leader_panel
    assert "单位领导" in leader_panel
    assert "新建区教育体育局" in staff_panel
    assert "单位领导" not in staff_panel


def test_the_organisation_figures_count_serving_members(org, client_for):
    html = _home(client_for, org.users["leader"])
    assert re.search(r'data-testid="fig-members">(\d+)<', html).group(1) == "2"


def _study_hours_todo() -> list[str]:
    """A serving member with no study hours, from the reminder day (1 September) to the year's end."""
    today = timezone.localdate()
    return ["学习培训学时未达要求（已完成 0 / 应完成 12）"] if today >= datetime.date(today.year, 9, 1) else []


@pytest.mark.parametrize("role_key", SIGNED_IN_KEYS)
def test_the_todo_section_asks_staff_to_enable_two_factor(org, client_for, role_key):
    html = _home(client_for, org.users[role_key])
    if role_key == "admin":  # and, with nothing else set up yet, the year's rule table and maybe the calendar
        year = timezone.localdate().year
        calendar = [f"录入 {y} 年法定节假日和调休安排" for y in years_without_holidays()]
        assert sorted(_todo_titles(html)) == sorted([TWO_FACTOR_TODO, f"确认 {year} 年度履职积分规则", *calendar])
    elif role_key in STAFF_KEYS:
        assert _todo_titles(html) == [TWO_FACTOR_TODO]
        assert 'data-testid="todo-empty"' not in html
    elif role_key in ("member", "member2"):  # no two-factor item; only, in the autumn, the study hours still short
        assert _todo_titles(html) == _study_hours_todo()
    else:
        assert _todo_titles(html) == []
        assert 'data-testid="todo-empty"' in html


def test_the_two_factor_todo_goes_away_once_enabled(org, client_for):
    user = org.users["staff"]
    device = totp_device_pending(user=user)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert totp_device_confirm(user=user, device=device, token=code)
    html = _home(client_for, user)
    assert _todo_titles(html) == []
    assert 'data-testid="todo-empty"' in html


def test_todo_items_from_all_providers_are_listed_most_urgent_first(org, client_for, monkeypatch):
    member = org.users["member"]

    def proposals(user):
        if user != member:
            return []
        return [
            TodoItem(title="答复测评", url="/p/2/", kind="提案", due=datetime.date(2026, 12, 20)),
            TodoItem(title="没有期限的事项", url="/p/3/", kind="提案"),
        ]

    def activities(user):
        return [TodoItem(title="活动请假审批", url="/a/1/", kind="活动", due=datetime.date(2026, 12, 1))]

    monkeypatch.setattr(todo, "_PROVIDERS", [*todo._PROVIDERS, proposals, activities])
    study = _study_hours_todo()  # the training provider's own item, due 31 December
    assert _todo_titles(_home(client_for, member)) == ["活动请假审批", "答复测评", *study, "没有期限的事项"]
    assert _todo_titles(_home(client_for, org.users["member2"])) == ["活动请假审批", *study]


def test_an_account_without_a_role_is_told_so(org, client_for):
    nobody = account_create(username="no-role", password="Ganjiang-river-2026", display_name="无角色")
    html = _home(client_for, nobody)
    assert "您的账号尚未分配任何角色，请联系系统管理员。" in html
    assert _nav(html) == []
    assert _panels(html) == set()
    assert 'data-testid="todo-empty"' in html


@pytest.mark.parametrize("role_key", SIGNED_IN_KEYS)
def test_accounts_with_roles_get_no_warning(org, client_for, role_key):
    assert "尚未分配任何角色" not in _home(client_for, org.users[role_key])


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_a_todo_item_past_its_date_is_marked_overdue(org, client_for, monkeypatch):
    member = org.users["member"]
    today = timezone.localdate()

    def provider(user):
        return [
            TodoItem(title="已过期限", url="/p/1/", kind="提案", due=today - datetime.timedelta(days=1)),
            TodoItem(title="今天到期", url="/p/2/", kind="提案", due=today),
        ]

    monkeypatch.setattr(todo, "_PROVIDERS", [*todo._PROVIDERS, provider])
    html = _home(client_for, member)
    assert re.findall(r'data-overdue="1">已逾期 ([0-9-]+)<', html) == [str(today - datetime.timedelta(days=1))]
    assert f"截止 {today}" in html
