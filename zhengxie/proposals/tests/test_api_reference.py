"""The reference lists a client builds its forms from: categories, sectors, parties, special committees, collective
proposers and the leaders of key-proposal supervision — paginated, active ones by default, names in words, and no
personal data of leaders beyond their name and post."""

import pytest
from django.test import Client

from tests.builders.org import PASSWORD, make_member
from zhengxie.accounts.services import account_create, role_grant
from zhengxie.api import api
from zhengxie.core.roles import Role
from zhengxie.people.models import CollectiveProposer, Party, Sector, SpecialCommittee
from zhengxie.proposals.models import Category

pytestmark = pytest.mark.django_db

LISTS = ["categories", "sectors", "parties", "special-committees", "collective-proposers", "leaders"]


def _get(user, path, **params):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/api/v1/{path}", params)


@pytest.mark.parametrize("path", LISTS)
def test_each_list_needs_a_signed_in_caller(org, path):
    assert _get(None, path).status_code == 401
    response = _get(org.users["member2"], path)
    assert response.status_code == 200
    assert set(response.json()) == {"count", "items"}


def test_categories_list_only_active_ones_unless_asked(org):
    # given an active and a retired category
    active = Category.objects.create(name="经济建设", sort_order=1)
    Category.objects.create(name="旧类别", sort_order=2, is_active=False)
    # when a member lists them
    body = _get(org.users["member"], "categories").json()
    everything = _get(org.users["member"], "categories", include_inactive="true").json()
    # then only the active one, unless the retired are asked for too
    assert body == {"count": 1, "items": [{"id": active.pk, "name": "经济建设", "is_active": True}]}
    assert [c["name"] for c in everything["items"]] == ["经济建设", "旧类别"]
    assert everything["count"] == 2


def test_organisation_lists_give_ids_and_names_in_their_order(org):
    user = org.users["unit"]
    sectors = _get(user, "sectors").json()
    assert sectors["count"] == Sector.objects.count()
    assert sectors["items"] == [{"id": s.pk, "name": s.name} for s in Sector.objects.order_by("sort_order", "id")]
    parties = _get(user, "parties").json()
    assert parties["items"] == [
        {"id": p.pk, "name": p.name, "short_name": p.short_name} for p in Party.objects.order_by("sort_order", "id")
    ]
    committees = _get(user, "special-committees").json()
    assert [c["name"] for c in committees["items"]] == list(
        SpecialCommittee.objects.order_by("sort_order", "id").values_list("name", flat=True)
    )


def test_lists_are_paginated_with_bounded_limits(org):
    for n in range(3):
        Sector.objects.create(name=f"测试界别{n}", sort_order=100 + n)
    total = Sector.objects.count()
    page = _get(org.users["member"], "sectors", limit=2, offset=1).json()
    assert page["count"] == total
    assert len(page["items"]) == 2
    assert len(_get(org.users["member"], "sectors", limit=0).json()["items"]) == 1
    # a limit beyond the maximum is clamped, not refused; one no column holds is a 422 naming the field
    assert _get(org.users["member"], "sectors", limit=10**6).status_code == 200
    refused = _get(org.users["member"], "sectors", limit=10**20)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "limit"


def test_collective_proposers_say_who_may_file_for_them(org):
    # given two collectives, member2 the contact of one
    mine = CollectiveProposer.objects.create(name="民革新建区支部", kind="party", party=org.party)
    other = CollectiveProposer.objects.create(name="区妇联", kind="organisation")
    mine.contacts.add(org.users["member2"])
    # when member2 lists them, all of them and then only theirs
    every = _get(org.users["member2"], "collective-proposers").json()
    only_mine = _get(org.users["member2"], "collective-proposers", mine="true").json()
    office = _get(org.users["office"], "collective-proposers", mine="true").json()
    # then each says its kind in words and whether member2 may file for it; the office may file for any
    assert {c["name"]: (c["kind"], c["kind_label"], c["may_file"]) for c in every["items"]} == {
        mine.name: ("party", "党派", True),
        other.name: ("organisation", "人民团体", False),
    }
    assert [c["id"] for c in only_mine["items"]] == [mine.pk]
    assert only_mine["count"] == 1
    assert {c["id"] for c in office["items"]} == {mine.pk, other.pk}
    assert all(c["may_file"] for c in office["items"])


def test_leaders_are_active_leaders_with_name_and_post_only(org):
    # given the org's leader, a leader who is also a member (with a post), a former leader, and a non-leader
    serving = account_create(username="leader-member", password=PASSWORD, display_name="王主席")
    role_grant(actor=org.users["admin"], user=serving, role=Role.LEADER)
    make_member(name="王主席", sector=org.sector, party=org.party, seq=77, user=serving)
    gone = account_create(username="leader-gone", password=PASSWORD, display_name="前任领导")
    role_grant(actor=org.users["admin"], user=gone, role=Role.LEADER)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    # when a member lists the leaders
    body = _get(org.users["member"], "leaders").json()
    # then only the active leaders, each with exactly an id, a name and a post
    by_id = {item["id"]: item for item in body["items"]}
    assert set(by_id) == {org.users["leader"].pk, serving.pk}
    assert by_id[serving.pk] == {"id": serving.pk, "name": "王主席", "post": "主任"}
    assert by_id[org.users["leader"].pk] == {"id": org.users["leader"].pk, "name": str(org.users["leader"]), "post": ""}
    assert body["count"] == 2


def test_reference_lists_are_documented():
    paths = api.get_openapi_schema()["paths"]
    for name in LISTS:
        op = paths[f"/api/v1/{name}"]["get"]
        assert op["security"], name
        schema = op["responses"][200]["content"]["application/json"]["schema"]
        assert schema["$ref"].startswith("#/components/schemas/"), name
