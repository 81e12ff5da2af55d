"""Out-of-range numbers never reach the database or Python's dates: integers beyond 64 bits in paths, filters and
bodies, years and instants out of range, and NaN / Infinity / 1e30 in numeric fields are 404 (paths) or 422 naming
the field (API filters and bodies), and the pages answer without a server error."""

import json

import pytest

BIG = "99999999999999999999"  # beyond 64 bits

pytestmark = pytest.mark.django_db


def _fields(response) -> set:
    return {e["field"] for e in response.json().get("errors", [])}


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/proposals/{BIG}",
        f"/api/v1/members/{BIG}",
        f"/api/v1/units/{BIG}",
        f"/api/v1/activities/{BIG}",
        f"/api/v1/attachments/{BIG}",
    ],
)
def test_an_id_beyond_64_bits_in_a_path_is_not_found(org, client_for, url):
    response = client_for(org.users["office"]).get(url)

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/v1/proposals?sector={BIG}", "sector"),
        (f"/api/v1/proposals?party={BIG}", "party"),
        (f"/api/v1/proposals?collective={BIG}", "collective"),
        (f"/api/v1/proposals?category={BIG}", "category"),
        (f"/api/v1/proposals?offset={BIG}", "offset"),
        (f"/api/v1/proposals?limit={BIG}", "limit"),
        ("/api/v1/proposals?year=10000", "year"),
        ("/api/v1/proposals?year=-5", "year"),
        (f"/api/v1/members?sector={BIG}", "sector"),
        (f"/api/v1/members?party={BIG}", "party"),
        (f"/api/v1/members?special_committee={BIG}", "special_committee"),
        (f"/api/v1/members?offset={BIG}", "offset"),
        (f"/api/v1/units?offset={BIG}", "offset"),
        (f"/api/v1/activities?offset={BIG}", "offset"),
        ("/api/v1/activities?year=10000", "year"),
        ("/api/v1/activities?year=-5", "year"),
        (f"/api/v1/activities?year={BIG}", "year"),
        ("/api/v1/activities?year=1", "year"),  # its first instant in UTC is in year 0
        ("/api/v1/activities?year=9999", "year"),
    ],
)
def test_an_out_of_range_filter_is_422_naming_it(org, client_for, url, field):
    response = client_for(org.users["office"]).get(url)

    assert response.status_code == 422
    assert field in _fields(response)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cosigner_ids": [int(BIG)]}, "cosigner_ids.0"),
        ({"suggested_unit_ids": [int(BIG)]}, "suggested_unit_ids.0"),
        ({"category": int(BIG)}, "category"),
        ({"collective_id": int(BIG)}, "collective_id"),
    ],
)
def test_a_proposal_body_with_an_id_beyond_64_bits_is_422_and_stores_nothing(org, client_for, body, field):
    from zhengxie.proposals.models import Proposal

    response = client_for(org.users["member"]).post(
        "/api/v1/proposals",
        json.dumps({"title": "关于加强社区养老服务的建议", **body}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert field in _fields(response)
    assert not Proposal.objects.exists()


def _activity(**changes) -> dict:
    body = {
        "title": "专题视察",
        "kind": "inspection",
        "start": "2026-05-10T09:00:00+08:00",
        "end": "2026-05-10T12:00:00+08:00",
        "place": "区政府",
        "invitees": {"all": True},
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": "0001-01-01T00:00:00+14:00"}, "start"),
        ({"end": "9999-12-31T23:00:00-14:00"}, "end"),
        ({"sign_up_closes": "0001-01-01T00:00:00+14:00"}, "sign_up_closes"),
        ({"capacity": int(BIG)}, "capacity"),
        ({"organiser_id": int(BIG)}, "organiser_id"),
        ({"half_days": int(BIG)}, "half_days"),
        ({"training_hours": 1e30}, "training_hours"),
        ({"training_hours": "NaN"}, "training_hours"),
        ({"training_hours": "Infinity"}, "training_hours"),
        ({"invitees": {"member_ids": [int(BIG)]}}, "invitees.member_ids.0"),
        ({"invitees": {"sector_ids": [int(BIG)]}}, "invitees.sector_ids.0"),
    ],
)
def test_an_activity_body_out_of_range_is_422_naming_the_field_and_stores_nothing(org, client_for, changes, field):
    from zhengxie.duty.models import Activity

    response = client_for(org.users["staff"]).post(
        "/api/v1/activities", json.dumps(_activity(**changes)), content_type="application/json"
    )

    assert response.status_code == 422
    assert field in _fields(response)
    assert not Activity.objects.exists()


def test_nan_and_infinity_literals_in_the_json_are_422(org, client_for):
    from zhengxie.duty.models import Activity

    raw = json.dumps(_activity())[:-1] + ', "training_hours": NaN}'

    response = client_for(org.users["staff"]).post("/api/v1/activities", raw, content_type="application/json")

    assert response.status_code == 422
    assert "training_hours" in _fields(response)
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        f"/proposals/?sector={BIG}",
        f"/proposals/?party={BIG}",
        f"/proposals/?collective={BIG}",
        f"/proposals/?session={BIG}",
        f"/proposals/?term={BIG}",
        f"/people/members/?sector={BIG}",
        f"/people/members/?party={BIG}",
        f"/people/members/?special_committee={BIG}",
        f"/proposals/{BIG}/",
        f"/activities/{BIG}/",
        f"/people/members/{BIG}/",
    ],
)
def test_the_pages_answer_out_of_range_ids_without_a_server_error(org, client_for, url):
    response = client_for(org.users["office"]).get(url)

    assert response.status_code in (200, 403, 404)


@pytest.mark.parametrize("url", ["/proposals/new/", "/proposals/autosave/"])
@pytest.mark.parametrize("field", ["cosigner_ids", "suggested_unit_ids"])
def test_the_draft_forms_refuse_an_id_beyond_64_bits_as_an_unknown_choice(org, client_for, category, url, field):
    from zhengxie.proposals.models import Proposal

    response = client_for(org.users["member"]).post(url, {"title": "关于加强社区养老服务的建议", field: BIG})

    assert response.status_code == 422
    assert BIG in response.content.decode()  # "… 不在可用的选项中", next to the field
    assert not Proposal.objects.exists()


def test_the_activity_form_refuses_ids_beyond_64_bits(org, client_for):
    from zhengxie.duty.models import Activity

    response = client_for(org.users["staff"]).post(
        "/activities/new/",
        {
            "title": "专题视察",
            "place": "区政府",
            "start": "2026-05-10T09:00",
            "end": "2026-05-10T12:00",
            "members": BIG,
            "sectors": BIG,
            "special_committees": BIG,
        },
    )

    assert response.status_code in (200, 422)
    assert not Activity.objects.exists()
