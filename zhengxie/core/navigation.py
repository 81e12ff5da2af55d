"""The main navigation: one list; each entry is shown only to those whose roles grant its permission."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import has_perm


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    perm: str
    icon: str


NAV: list[NavItem] = [
    NavItem("home", _("工作台"), "core:home", "core.home", "house"),
    NavItem("members", _("委员"), "people:member_list", "people.view_member_list", "people"),
    NavItem("units", _("承办单位"), "people:unit_list", "people.view_unit_list", "building"),
    NavItem("organisation", _("组织机构"), "people:organisation", "people.view_organisation", "diagram-3"),
    NavItem("workdays", _("工作日历"), "workdays:calendar", "workdays.view", "calendar3"),
    NavItem("audit", _("审计日志"), "audit:list", "audit.view", "shield-check"),
]


def nav_for(user) -> list[dict]:
    return [
        {"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        for item in NAV
        if has_perm(user, item.perm)
    ]
