"""A report's adoption flags (adopted_city, adopted_province, adopted_national) copy its levels' adoptions: the
workflow sets the level's flag when it records an adoption, the migration filled them for earlier adoptions, and the
list filtered by adoption (page and API) reads them."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from tests.builders import opinions as make
from zhengxie.opinions.models import OpinionReport

pytestmark = pytest.mark.django_db


def _today() -> str:
    return timezone.localdate().isoformat()


def _flags(report) -> tuple[bool, bool, bool]:
    report.refresh_from_db()
    return report.adopted_city, report.adopted_province, report.adopted_national


def _listed(client, **params) -> set[int]:
    body = client.get("/api/v1/opinions", params).json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def test_recording_an_adoption_sets_that_levels_flag_and_the_list_filters_by_it(org, client_for):
    # given a report reported to the city and the province, adopted by neither yet
    r = make.reported(org, levels=("city", "province"))
    other = make.reported(org, joint=False, title="关于另一个问题的建议", levels=("city",))
    assert _flags(r) == (False, False, False)
    client = client_for(org.users["staff"])
    assert _listed(client, adopted="any") == set()
    # when the province adopts it
    make.act(r, "record_adoption", org.users["staff"], level="province", date=_today(), publication="江西政协信息")
    # then only the province's flag is set, and the list by adoption finds it there and only there
    assert _flags(r) == (False, True, False)
    assert _flags(other) == (False, False, False)
    assert _listed(client, adopted="province") == {r.pk}
    assert _listed(client, adopted="any") == {r.pk}
    assert _listed(client, adopted="city") == set()
    # and when the city adopts the other report, the page lists each under its level
    make.act(other, "record_adoption", org.users["staff"], level="city", date=_today(), publication="社情民意专报")
    assert _flags(other) == (True, False, False)
    assert _listed(client, adopted="city") == {other.pk}
    assert _listed(client, adopted="any") == {r.pk, other.pk}
    page = client.get("/opinions/", {"adopted": "city"}).content.decode()
    assert f'data-report="{other.pk}"' in page and f'data-report="{r.pk}"' not in page


def test_the_migration_copies_earlier_adoptions(org):
    adopted = make.adopted(org, level="national", levels=("city", "national"))
    plain = make.reported(org, joint=False, title="关于未采用问题的建议", levels=("city",))
    OpinionReport.objects.update(adopted_city=False, adopted_province=False, adopted_national=False)
    migration = importlib.import_module("zhengxie.opinions.migrations.0005_adoption_flags")
    migration.copy_adoptions(apps, None)
    assert _flags(adopted) == (False, False, True)
    assert _flags(plain) == (False, False, False)
