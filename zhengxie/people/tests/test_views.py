import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders.org import make_id_number, make_mobile
from tests.builders.people import birth_of, member_data
from zhengxie.audit.models import AuditEntry
from zhengxie.people import services
from zhengxie.people.models import HandlingUnit, Member, UnitStaff

User = get_user_model()


def _snapshot() -> tuple:
    """Everything the management pages can change."""
    return (
        list(Member.objects.order_by("pk").values_list("pk", "name", "status", "mobile_digest", "updated_at")),
        list(HandlingUnit.objects.order_by("pk").values_list("pk", "name", "updated_at")),
        list(UnitStaff.objects.order_by("pk").values_list("pk", "user_id")),
        User.objects.count(),
        AuditEntry.objects.count(),
    )


def _member_form(org, seq: int, **changes) -> dict:
    return {
        "name": f"委员{seq}",
        "gender": "male",
        "ethnicity": "汉族",
        "id_number": make_id_number(birth=birth_of(seq), seq=seq),
        "birth_date": "",
        "mobile": make_mobile(seq),
        "work_unit": "新建区科技局",
        "title": "局长",
        "sector": org.sector.pk,
        "party": org.party.pk,
        "special_committees": [org.special_committee.pk],
        "terms": [org.term.pk],
    } | changes


# Members -------------------------------------------------------------------------------------------------------


def test_the_secretariat_adds_a_member_with_an_account_through_the_form(org, client_for):
    client = client_for(org.users["staff"])
    form_page = client.get(reverse("people:member_create")).content.decode()
    assert '<label class="form-label" for="id_id_number">身份证号' in form_page
    response = client.post(reverse("people:member_create"), _member_form(org, 70, is_standing_committee="on",
                                                                             create_account="on"))  # fmt: skip
    member = Member.objects.get(name="委员70")
    assert response["Location"] == reverse("people:member_detail", args=[member.pk])
    assert (member.birth_date, member.is_standing_committee, member.user.username) == (
        birth_of(70),
        True,
        f"m{member.pk:06d}",
    )
    assert list(member.terms.all()) == [org.term]


def test_a_bad_id_number_is_shown_on_its_field_and_nothing_is_written(org, client_for):
    client = client_for(org.users["staff"])
    before = _snapshot()
    bad = make_id_number(birth=birth_of(71), seq=71)[:17] + "0"
    response = client.post(reverse("people:member_create"), _member_form(org, 71, id_number=bad))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div class="invalid-feedback d-block" id="id_id_number_errors" role="alert">身份证号校验位错误。</div>' in html
    )
    assert 'aria-invalid="true" aria-describedby="id_id_number_errors"' in html
    assert _snapshot() == before


def test_a_duplicate_id_number_is_shown_on_its_field(org, client_for):
    response = client_for(org.users["staff"]).post(
        reverse("people:member_create"), _member_form(org, 72, id_number=org.member2.id_number)
    )
    assert 'id="id_id_number_errors" role="alert">该身份证号已登记为其他委员。</div>' in response.content.decode()
    assert Member.objects.count() == 2


def test_the_edit_form_shows_the_member_and_saves_changes(org, client_for):
    client = client_for(org.users["admin"])
    url = reverse("people:member_edit", args=[org.member2.pk])
    html = client.get(url).content.decode()
    assert f'value="{org.member2.id_number}"' in html
    assert 'name="create_account"' not in html  # member2 already has an account
    data = _member_form(org, 2, name="李委员", id_number=org.member2.id_number, mobile=org.member2.mobile)
    response = client.post(url, data | {"title": "副主席", "sector": org.other_sector.pk})
    assert response["Location"] == reverse("people:member_detail", args=[org.member2.pk])
    member = Member.objects.get(pk=org.member2.pk)
    assert (member.title, member.work_unit, member.gender) == ("副主席", "新建区科技局", "male")
    assert AuditEntry.objects.get(action="member.update").changes["title"] == ["主任", "副主席"]


def test_the_status_page_changes_the_status(org, client_for):
    url = reverse("people:member_status", args=[org.member2.pk])
    response = client_for(org.users["staff"]).post(url, {"status": "removed"})
    assert response["Location"] == reverse("people:member_detail", args=[org.member2.pk])
    assert Member.objects.get(pk=org.member2.pk).status == "removed"


def test_the_member_pages_show_the_management_links_only_to_managers(org, client_for):
    staff_list = client_for(org.users["staff"]).get(reverse("people:member_list")).content.decode()
    leader_list = client_for(org.users["leader"]).get(reverse("people:member_list")).content.decode()
    assert reverse("people:member_create") in staff_list and reverse("people:member_import") in staff_list
    assert reverse("people:member_create") not in leader_list and reverse("people:member_import") not in leader_list
    assert reverse("people:member_export") in leader_list
    detail = client_for(org.users["staff"]).get(reverse("people:member_detail", args=[org.member.pk])).content.decode()
    assert reverse("people:member_edit", args=[org.member.pk]) in detail
    assert reverse("people:member_status", args=[org.member.pk]) in detail


def test_the_export_link_carries_the_list_filters(org, client_for):
    html = client_for(org.users["leader"]).get(reverse("people:member_list"), {"sector": org.sector.pk, "q": "张"})
    assert f'href="{reverse("people:member_export")}?sector={org.sector.pk}&amp;' in html.content.decode()


def test_the_member_list_query_count_does_not_grow_with_the_members(org, client_for, django_assert_max_num_queries):
    client = client_for(org.users["staff"])
    url = reverse("people:member_list")
    client.get(url)  # warm the per-process caches (committee name)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for seq in range(80, 100):
        services.member_create(actor=None, data=member_data(org, seq))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert 'data-testid="member-count">共 22 人</small>' in response.content.decode()


# Units ---------------------------------------------------------------------------------------------------------


def test_the_proposal_office_adds_and_edits_a_unit(org, client_for):
    client = client_for(org.users["office"])
    response = client.post(
        reverse("people:unit_create"),
        {"name": "新建区发展和改革委员会", "short_name": "区发改委", "kind": "government", "is_active": "on"},
    )
    unit = HandlingUnit.objects.get(name="新建区发展和改革委员会")
    assert response["Location"] == reverse("people:unit_detail", args=[unit.pk])
    response = client.post(
        reverse("people:unit_edit", args=[unit.pk]),
        {"name": unit.name, "short_name": "发改委", "kind": "government", "contact_phone": "0791-2"},
    )
    unit.refresh_from_db()
    assert (unit.short_name, unit.contact_phone, unit.is_active) == ("发改委", "0791-2", False)


def test_a_unit_name_in_use_is_shown_on_its_field(org, client_for):
    response = client_for(org.users["office"]).post(
        reverse("people:unit_create"), {"name": org.other_unit.name, "kind": "government"}
    )
    assert 'id="id_name_errors" role="alert">已有同名的承办单位。</div>' in response.content.decode()
    assert HandlingUnit.objects.count() == 2


def test_unit_staff_are_added_and_removed_through_the_staff_page(org, client_for):
    client = client_for(org.users["office"])
    url = reverse("people:unit_staff_add", args=[org.other_unit.pk])
    response = client.post(url, {"username": "jiaoti-wang", "display_name": "王干事", "mobile": "13900000090"})
    assert response["Location"] == url
    post = UnitStaff.objects.get(user__username="jiaoti-wang")
    assert (post.unit, post.is_leader) == (org.other_unit, False)
    html = client.get(url).content.decode()
    remove_url = reverse("people:unit_staff_remove", args=[org.other_unit.pk, post.pk])
    assert f'action="{remove_url}"' in html
    assert client.get(remove_url).status_code == 405
    assert client.post(remove_url)["Location"] == url
    assert not UnitStaff.objects.filter(pk=post.pk).exists()


def test_a_staff_post_of_another_unit_cannot_be_removed_through_this_unit(org, client_for):
    post = UnitStaff.objects.get(user=org.users["unit2"])  # works at other_unit
    response = client_for(org.users["office"]).post(reverse("people:unit_staff_remove", args=[org.unit.pk, post.pk]))
    assert response.status_code == 404
    assert UnitStaff.objects.filter(pk=post.pk).exists()


def test_the_unit_pages_show_the_management_links_only_to_managers(org, client_for):
    office = client_for(org.users["office"]).get(reverse("people:unit_detail", args=[org.unit.pk])).content.decode()
    leader = client_for(org.users["leader"]).get(reverse("people:unit_detail", args=[org.unit.pk])).content.decode()
    for name in ("people:unit_staff_add", "people:unit_edit"):
        assert reverse(name, args=[org.unit.pk]) in office
        assert reverse(name, args=[org.unit.pk]) not in leader


# Refusals ------------------------------------------------------------------------------------------------------

MEMBER_PAGES = ["people:member_create", "people:member_edit", "people:member_status", "people:member_import"]
UNIT_PAGES = ["people:unit_create", "people:unit_edit", "people:unit_staff_add", "people:unit_staff_remove",
              "people:unit_import"]  # fmt: skip


def _url(org, name: str) -> str:
    if name in ("people:member_edit", "people:member_status"):
        return reverse(name, args=[org.member2.pk])
    if name == "people:unit_staff_remove":
        return reverse(name, args=[org.unit.pk, UnitStaff.objects.get(user=org.users["unit"]).pk])
    if name in ("people:unit_edit", "people:unit_staff_add"):
        return reverse(name, args=[org.unit.pk])
    return reverse(name)


@pytest.mark.parametrize(
    ("url_name", "role_key"),
    [(name, role) for name in MEMBER_PAGES for role in ("office", "leader", "overseer", "unit-leader", "member")]
    + [(name, role) for name in UNIT_PAGES for role in ("leader", "overseer", "unit-leader", "member")],
)
def test_roles_without_the_permission_are_refused_and_nothing_changes(org, client_for, url_name, role_key):
    client = client_for(org.users[role_key])
    url = _url(org, url_name)
    before = _snapshot()
    payload = _member_form(org, 73) | {"status": "removed", "username": "x-73", "display_name": "某", "kind": "other"}
    assert client.get(url).status_code == 403
    assert client.post(url, payload).status_code == 403
    assert _snapshot() == before
