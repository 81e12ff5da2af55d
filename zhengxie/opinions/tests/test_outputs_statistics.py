"""The statistics of opinion reports against reports made by hand through the real services: each figure, each
figure's list filters (the list shows exactly the reports counted), a bounded number of queries, page and API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.builders.opinion_outputs import make_report, scenario
from tests.builders.org import member_with_account
from zhengxie.opinions.selectors import report_list, visible_reports
from zhengxie.opinions.statistics import FIGURES, Options, opinion_statistics

pytestmark = pytest.mark.django_db


def _values(row: dict) -> dict:
    return {name: row[name]["value"] for name in FIGURES}


def _stats(user, year=None, **options):
    year = year or timezone.localdate().year
    return opinion_statistics(visible=visible_reports(user), year=year, options=Options(**options))


def test_the_totals_count_each_stage_once_per_report(org):
    # given four received reports at different stages and a draft (scenario's docstring)
    s = scenario(org)
    # when the secretariat reads the year's statistics
    stats = _stats(org.users["staff"])
    # then
    assert _values(stats["totals"]) == {
        "received": 4,
        "signed_off": 2,
        "reported": 2,
        "adopted_city": 1,
        "adopted_province": 0,
        "adopted_national": 0,
        "adopted": 1,
        "instructed": 1,
    }
    assert stats["year"] == s.year


def test_by_member_counts_first_authors_and_confirmed_coauthors(org):
    s = scenario(org)
    stats = _stats(org.users["leader"])
    rows = {r["name"]: _values(r) for r in stats["by_member"]}
    assert rows == {
        org.member.name: {
            "received": 2,
            "signed_off": 1,
            "reported": 1,
            "adopted_city": 1,
            "adopted_province": 0,
            "adopted_national": 0,
            "adopted": 1,
            "instructed": 1,
        },
        org.member2.name: {
            "received": 2,
            "signed_off": 2,
            "reported": 2,
            "adopted_city": 1,
            "adopted_province": 0,
            "adopted_national": 0,
            "adopted": 1,
            "instructed": 1,
        },
    }
    assert stats["members_total"] == 2
    assert [r["name"] for r in stats["by_member"]][0] in (org.member.name, org.member2.name)
    assert s.joint.number


def test_by_sector_category_kind_level_and_year(org):
    s = scenario(org)
    stats = _stats(org.users["staff"])
    sectors = {r["name"]: (r["received"]["value"], r["adopted"]["value"]) for r in stats["by_sector"]}
    # the first author's sector when submitted: member (经济) led the joint and the archived report, member2 (教育)
    # the one reported and not adopted; the staff report has no sector
    assert sectors == {org.sector.name: (2, 1), org.other_sector.name: (1, 0)}
    categories = {r["name"]: r["received"]["value"] for r in stats["by_category"]}
    assert categories == {s.economy.name: 2, s.livelihood.name: 2}
    kinds = {r["key"]: r["received"]["value"] for r in stats["by_proposer_kind"]}
    assert kinds == {"member": 3, "collective": 0, "staff": 1}
    levels = {r["level"]: (r["reported"]["value"], r["adopted"]["value"]) for r in stats["by_level"]}
    assert levels == {"city": (2, 1), "province": (1, 0), "national": (0, 0)}
    assert [(r["year"], r["received"]["value"]) for r in stats["by_year"]] == [(s.year, 4)]


def test_every_figure_lists_exactly_the_reports_it_counts(org):
    # given the scenario, when every figure's filters are given to the reports list as the same reader
    scenario(org)
    staff = org.users["staff"]
    stats = _stats(staff)
    figures = [stats["totals"][n] for n in FIGURES]
    for table in ("by_member", "by_sector", "by_category", "by_proposer_kind", "by_year"):
        for row in stats[table]:
            figures += [row[n] for n in FIGURES]
    for row in stats["by_level"]:
        figures += [row["reported"], row["adopted"]]
    # then each list holds as many reports as the figure says
    assert len(figures) > 60
    for figure in figures:
        assert report_list(user=staff, filters=figure["filters"]).count() == figure["value"], figure


def test_a_member_sees_only_the_reports_they_may_see(org):
    # the statistics are computed over the reader's visible reports (the page is for staff and leaders; the
    # computation itself never counts what a reader may not see)
    scenario(org)
    stats = _stats(org.member2.user)
    assert stats["totals"]["received"]["value"] == 2


def test_the_statistics_read_a_fixed_number_of_queries_however_many_reports_and_members(org):
    scenario(org)
    staff = type(org.users["staff"]).objects.get(pk=org.users["staff"].pk)
    with CaptureQueriesContext(connection) as few:
        _stats(staff)
    for i in range(3):
        m = member_with_account(org, username=f"stats-m{i}", name=f"统计委员{i}", seq=200 + i)
        make_report(m.user, title=f"关于第{i}个问题的建议")
    staff = type(staff).objects.get(pk=staff.pk)
    with CaptureQueriesContext(connection) as more:
        stats = _stats(staff)
    assert stats["totals"]["received"]["value"] == 7
    assert len(more.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 12


def test_the_page_links_every_figure_to_its_list(org, client_for):
    s = scenario(org)
    response = client_for(org.users["staff"]).get(reverse("opinions:statistics"), {"year": s.year})
    assert response.status_code == 200
    html = response.content.decode()
    list_url = reverse("opinions:list")
    assert f'href="{list_url}?year={s.year}&amp;adopted=city"' in html
    assert f'href="{list_url}?year={s.year}&amp;member={org.member2.pk}&amp;instructed=1"' in html
    assert f'href="{list_url}?year={s.year}&amp;received=1"' in html


def test_the_api_answers_the_same_figures(org, client_for):
    s = scenario(org)
    response = client_for(org.users["leader"]).get("/api/v1/opinions/statistics", {"year": s.year})
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["adopted_city"] == {"value": 1, "filters": {"year": str(s.year), "adopted": "city"}}
    assert body == _json_like(_stats(org.users["leader"], year=s.year, member_limit=100))
    one = client_for(org.users["leader"]).get("/api/v1/opinions/statistics", {"year": s.year, "members": 1}).json()
    assert len(one["by_member"]) == 1 and one["members_total"] == 2


def _json_like(value):
    import json

    return json.loads(json.dumps(value))


def test_the_api_refuses_members_and_out_of_range_years(org, client_for):
    assert client_for(org.users["member"]).get("/api/v1/opinions/statistics").status_code == 403
    assert client_for(None).get("/api/v1/opinions/statistics").status_code == 401
    response = client_for(org.users["staff"]).get("/api/v1/opinions/statistics", {"year": 10000})
    assert response.status_code == 422
