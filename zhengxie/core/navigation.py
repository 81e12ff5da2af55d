"""The main navigation: one list; each entry is shown only to those whose roles grant its permission."""

from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .access import has_perm, roles_of


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    perm: str
    icon: str


NAV: list[NavItem] = [
    NavItem("home", _("工作台"), "core:home", "core.home", "house"),
    NavItem("proposals", _("提案"), "proposals:list", "proposals.view", "file-text"),
    NavItem("proposal_review", _("提案审查"), "proposals:review", "proposals.review", "inbox"),
    NavItem("members", _("委员"), "people:member_list", "people.view_member_list", "people"),
    NavItem("units", _("承办单位"), "people:unit_list", "people.view_unit_list", "building"),
    NavItem("unit_board", _("本单位办理"), "proposals:unit_board", "proposals.unit_board", "briefcase"),
    NavItem("followup_department", _("建议办理"), "followup:department", "followup.department", "list-check"),
    NavItem("followup_overview", _("成果转化"), "followup:leaders", "followup.overview", "graph-up-arrow"),
    NavItem("proposal_boards", _("督办看板"), "proposals:boards", "proposals.boards", "speedometer2"),
    NavItem("key_proposals", _("重点提案"), "proposals:key_board", "proposals.key_board", "star"),
    NavItem("proposal_statistics", _("提案统计"), "proposals:statistics", "proposals.statistics", "bar-chart"),
    NavItem("excellent", _("优秀提案"), "proposals:excellent", "proposals.excellent", "award"),
    NavItem("opinions", _("社情民意"), "opinions:list", "opinions.view", "megaphone"),
    NavItem("opinion_statistics", _("社情民意统计"), "opinions:statistics", "opinions.statistics", "bar-chart-line"),
    NavItem("supervision", _("民主监督"), "supervision:plan_list", "supervision.view", "clipboard-check"),
    NavItem("activities", _("活动"), "duty:activity_list", "duty.activities", "calendar-event"),
    NavItem("consultations", _("协商"), "consultations:plan_list", "consultations.view_plans", "chat-left-quote"),
    NavItem("deliberations", _("网络议政"), "deliberations:list", "deliberations.view", "chat-square-text"),
    NavItem("my_archive", _("我的履职"), "duty:my_archive", "duty.own_archive", "person-vcard"),
    NavItem("duty_table", _("履职统计"), "duty:committee_table", "duty.committee_table", "table"),
    NavItem("duty_rules", _("积分规则"), "duty:rules", "duty.manage_rules", "sliders"),
    NavItem("training", _("学习培训"), "training:plan_list", "training.plans", "mortarboard"),
    NavItem("organisation", _("组织机构"), "people:organisation", "people.view_organisation", "diagram-3"),
    NavItem("workdays", _("工作日历"), "workdays:calendar", "workdays.view", "calendar3"),
    NavItem("audit", _("审计日志"), "audit:list", "audit.view", "shield-check"),
    NavItem("search", _("搜索"), "search:search", "search.use", "search"),
]


_BY_ROLES: dict[tuple, list[dict]] = {}


def nav_for(user) -> list[dict]:
    """The entries ``user``'s roles open, made once per set of roles (and URL prefix) in a process: every page
    shows them, and their addresses do not change while it runs. The labels stay lazy (translated when shown)."""
    key = (roles_of(user), get_script_prefix())
    items = _BY_ROLES.get(key)
    if items is None:
        items = [
            {"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon}
            for item in NAV
            if has_perm(user, item.perm)
        ]
        _BY_ROLES[key] = items
    return items


_KEYS = frozenset(item.key for item in NAV)
_HTML: dict[tuple, SafeString] = {}


def _item_html(item: dict, active: bool) -> SafeString:
    # The markup base.html's loop over the entries wrote, whitespace included.
    return format_html(
        '\n        <li class="nav-item"><a class="nav-link{}" data-nav="{}"\n            href="{}"{}>'
        '<i class="bi bi-{}" aria-hidden="true"></i> {}</a></li>\n        ',
        " active" if active else "",
        item["key"],
        item["url"],
        mark_safe(' aria-current="page"') if active else "",
        item["icon"],
        item["label"],
    )


def nav_html(user, active) -> SafeString:
    """The entries of ``nav_for(user)`` as the page frame shows them, ``active`` (the page's ``active_nav``) marked
    current. Made once per set of roles, URL prefix, language and active entry in a process, as ``nav_for`` makes its
    list: every page shows it, and rendering the list through the template was a third of the frame's cost."""
    if active not in _KEYS:
        active = None  # no entry is marked, whatever the page passed: one key for all of them
    key = (roles_of(user), get_script_prefix(), get_language(), active)
    html = _HTML.get(key)
    if html is None:
        html = SafeString("".join(_item_html(item, item["key"] == active) for item in nav_for(user)))
        _HTML[key] = html
    return html
