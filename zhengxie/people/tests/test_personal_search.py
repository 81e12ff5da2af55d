"""Searching members by ID number or mobile: the roles that see them masked find nobody by them (API and page),
so the hidden digits cannot be guessed one search at a time; the roles that see them find the member, each such
search audited (the searcher named, the value only as a keyed digest) and limited per user and minute."""

import re
import types

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.builders.org import make_member
from zhengxie.audit.models import AuditEntry
from zhengxie.people import personal_search

pytestmark = pytest.mark.django_db

MASKED_ROLES = ["office", "leader", "member"]  # "member" convenes org.sector: sees its members, masked
SEEING_ROLES = ["staff", "admin"]


@pytest.fixture(autouse=True)
def _fresh_window(monkeypatch):
    # One fixed minute, and counts that do not leak between tests.
    monkeypatch.setattr(personal_search, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def target(org):
    return make_member(name="王委员", sector=org.sector, party=org.party, seq=3)


def _spellings(member) -> list[str]:
    m = member.mobile
    return [m, f"+86 {m[:3]}-{m[3:7]}-{m[7:]}", member.id_number, member.id_number.lower()]


def _api_ids(client, q: str) -> tuple[int, list[int]]:
    response = client.get("/api/v1/members", {"q": q})
    return response.status_code, [m["id"] for m in response.json().get("items", [])]


def _ids_in(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/people/members/(\d+)/"', html)]


def _page_ids(client, q: str) -> tuple[int, list[int]]:
    response = client.get(reverse("people:member_list"), {"q": q})
    return response.status_code, _ids_in(response.content.decode())


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_a_role_that_sees_masked_numbers_finds_nobody_by_them(org, client_for, target, role):
    client = client_for(org.users[role])
    # the member is on the list for this role, with the mobile masked
    listed = client.get("/api/v1/members", {"q": target.name}).json()["items"]
    assert [(m["id"], m["mobile"]) for m in listed] == [(target.pk, target.mobile[:3] + "****" + target.mobile[-4:])]
    audit_rows = AuditEntry.objects.count()
    for q in _spellings(target):
        assert _api_ids(client, q) == (200, [])
        assert _page_ids(client, q) == (200, [])
    # nothing audited and nothing counted: no personal field was searched
    assert AuditEntry.objects.count() == audit_rows
    page = client.get(reverse("people:member_list")).content.decode()
    assert "身份证号或手机号" not in page


@pytest.mark.parametrize("role", SEEING_ROLES)
def test_a_role_that_sees_the_numbers_finds_the_member_and_each_search_is_audited(org, client_for, target, role):
    client = client_for(org.users[role])
    before = AuditEntry.objects.count()
    assert _api_ids(client, target.mobile) == (200, [target.pk])
    assert _page_ids(client, target.id_number)[1] == [target.pk]
    export = client.get(reverse("people:member_export"), {"q": target.mobile})
    assert export.status_code == 200
    rows = list(AuditEntry.objects.order_by("id")[before:])
    assert [(r.actor_id, r.action, r.changes["field"]) for r in rows] == [
        (org.users[role].pk, "people.search_personal_data", "mobile"),
        (org.users[role].pk, "people.search_personal_data", "id_number"),
        (org.users[role].pk, "people.search_personal_data", "mobile"),
    ]
    for row in rows:
        stored = f"{row.object_repr} {row.changes}"
        assert target.mobile not in stored and target.id_number not in stored
    assert rows[0].changes["value_digest"] == target.mobile_digest
    assert rows[1].changes["value_digest"] == target.id_number_digest


def test_searches_by_personal_fields_are_limited_per_user_and_minute(org, client_for, target, settings):
    settings.PEOPLE_PERSONAL_SEARCHES_PER_MINUTE = 3
    staff, admin = client_for(org.users["staff"]), client_for(org.users["admin"])
    for _ in range(3):
        assert _api_ids(staff, target.mobile) == (200, [target.pk])
    audit_rows = AuditEntry.objects.count()
    refused = staff.get("/api/v1/members", {"q": target.mobile})
    assert refused.status_code == 429
    assert refused.json() == {
        "message": "按身份证号或手机号查找过于频繁，请一分钟后再试。",
        "errors": [{"field": "q", "message": "每分钟最多查找3次"}],
    }
    page = staff.get(reverse("people:member_list"), {"q": target.id_number})
    assert page.status_code == 429
    html = page.content.decode()
    assert "按身份证号或手机号查找过于频繁，请一分钟后再试。" in html
    assert _ids_in(html) == []
    # the export by a number is the same search: refused too, with nothing exported
    export = staff.get(reverse("people:member_export"), {"q": target.mobile})
    assert (export.status_code, export["Location"]) == (302, reverse("people:member_list"))
    # a refused search is not made, so not audited; names and units are not counted; other users have their own
    assert AuditEntry.objects.count() == audit_rows
    for _ in range(5):
        assert _api_ids(staff, target.name) == (200, [target.pk])
    assert _api_ids(admin, target.mobile) == (200, [target.pk])
