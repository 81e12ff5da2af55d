"""The leaders' follow-up overview (/followup/ and GET /api/v1/followup/overview): every recommendation of the year
with where it stands, the figures by state, source and department, filters, staleness, and a fixed number of
statements however many recommendations there are."""

import datetime
import re
from decimal import Decimal

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.followup import services
from zhengxie.followup.choices import Source
from zhengxie.followup.leaders import Filters, filters_from, leaders_overview
from zhengxie.followup.models import Recommendation

YEAR = timezone.localdate().year


def _act(org, rec_id, action, payload, who="unit"):
    return services.recommendation_act(recommendation_id=rec_id, action=action, actor=org.users[who], payload=payload)


def _year(org, **kwargs):
    return leaders_overview(user=org.users["leader"], filters=Filters(year=YEAR, **kwargs))


def _two_sources(org):
    """A consultation's document (two recommendations: the unit's weight 2, the other unit's weight 1) and a
    supervision's (one to the unit, weight 1); the consultation's first adopted and at 60 %, the other unit's not
    adopted, the supervision's untouched."""
    consultation = make_document(org)
    supervision = make_document(
        org,
        source=Source.SUPERVISION,
        source_id=7,
        title="关于西部物流园区建设的监督意见",
        recommendations=[{"text": "完善园区道路", "unit_id": org.unit.pk}],
    )
    a, b = recommendation_ids(consultation)
    _act(org, a, "answer", {"status": "adopted", "note": "采纳"})
    _act(org, a, "update_progress", {"percent": 60, "note": "步道已开工"})
    _act(org, b, "answer", {"status": "not_adopted", "note": "不具备条件"}, who="unit2")
    return consultation, supervision


def test_the_overview_counts_by_state_source_and_department_with_weighted_progress(org):
    # given three recommendations of the year from two sources
    consultation, supervision = _two_sources(org)

    # when a leader reads the overview
    o = _year(org)

    # then every recommendation is counted once, by state, source and department
    assert o.count == 3
    assert {t.key: t.count for t in o.by_state if t.count} == {"in_progress": 1, "not_adopted": 1, "not_answered": 1}
    assert {t.key: t.count for t in o.by_source if t.count} == {"consultation": 2, "supervision": 1}
    assert [(t.label, t.count) for t in o.by_unit] == [("区住建局", 2), ("区教体局", 1)]
    # and progress is weighted, the not-adopted left out: (2×60 + 1×0) / (2 + 1) = 40 %
    assert o.progress == Decimal("40.0")
    assert [t.progress for t in o.by_source if t.count] == [Decimal("60.0"), Decimal("0.0")]
    assert (o.total.answered, o.total.adopted, o.total.not_adopted, o.total.done) == (2, 1, 1, 0)
    # and the rows name the source, the topic, the document with its progress and the department
    first = next(r for r in o.rows if r.document_id == consultation and r.position == 1)
    assert (first.source_label, first.topic, first.topic_url) == (
        "协商",
        "南矶湿地观鸟经济专题协商",
        "/consultations/1/",
    )
    assert (first.document_progress, first.unit_name, first.state_label, first.percent) == (
        Decimal("60.0"),
        "区住建局",
        "落实中",
        60,
    )
    assert first.document_url == f"/followup/documents/{consultation}/"
    assert [r.document_id for r in o.rows] == [supervision, consultation, consultation]


def test_filters_narrow_the_rows_and_the_figures_alike(org):
    consultation, supervision = _two_sources(org)

    by_source = _year(org, source=Source.SUPERVISION)
    by_unit = _year(org, unit_id=org.other_unit.pk)
    by_topic = _year(org, topic="物流")
    by_state = _year(org, state="in_progress")
    other_year = leaders_overview(user=org.users["leader"], filters=Filters(year=YEAR - 1))

    assert [(r.document_id, by_source.count) for r in by_source.rows] == [(supervision, 1)]
    assert [r.unit_name for r in by_unit.rows] == ["区教体局"] and by_unit.count == 1
    assert [r.text for r in by_topic.rows] == ["完善园区道路"]
    assert [r.text for r in by_state.rows] == ["建设观鸟步道和观测点"]
    assert other_year.count == 0 and other_year.rows == []
    # the filter's choices of department are the year's
    assert {name for _pk, name in by_source.units} == {"区住建局", "区教体局"}


def test_recommendations_not_updated_for_the_set_working_days_are_stale(org, settings):
    # given a document made 40 days ago, one recommendation updated today
    settings.ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = 20
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        doc = make_document(org)
    a, b = recommendation_ids(doc)
    _act(org, a, "answer", {"status": "adopted", "note": "采纳"})

    o = _year(org)
    only_stale = _year(org, stale=True)

    # then the untouched one is stale, and the filter lists it alone
    assert {r.id: r.stale for r in o.rows} == {a: False, b: True}
    assert o.stale == 1 and [t.stale for t in o.by_unit] == [0, 1]
    assert [r.id for r in only_stale.rows] == [b]


def test_an_overseer_sees_key_proposals_supervision_only(org):
    _two_sources(org)
    make_document(
        org,
        source=Source.KEY_PROPOSAL,
        source_id=3,
        actor=org.users["office"],
        title="关于电动汽车充电桩建设重点提案的督办意见",
        recommendations=[{"text": "加快充电桩布点", "unit_id": org.unit.pk}],
    )

    overseer = leaders_overview(user=org.users["overseer"], filters=Filters(year=YEAR))
    leader = _year(org)

    assert [r.text for r in overseer.rows] == ["加快充电桩布点"]
    assert leader.count == 4


def _grouped(queries) -> int:
    return sum(1 for q in queries.captured_queries if "GROUP BY" in q["sql"])


def test_readers_who_see_everything_share_the_year_s_figures_until_the_data_change(org):
    # given a leader has read the overview: the figures computed once (two grouped passes)
    consultation, _supervision = _two_sources(org)
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        first = _year(org)

    # when the secretariat reads it
    with CaptureQueriesContext(connection) as shared:
        staff = leaders_overview(user=org.users["staff"], filters=Filters(year=YEAR))

    # then the figures are the leader's, not computed again
    assert (_grouped(computed), _grouped(shared)) == (2, 0)
    assert (
        (staff.count, staff.progress, staff.total.done) == (first.count, first.progress, 0) == (3, Decimal("40.0"), 0)
    )
    assert [(t.label, t.count) for t in staff.by_unit] == [("区住建局", 2), ("区教体局", 1)]

    # when the department reports the consultation's first recommendation done, through the service
    a, _b = recommendation_ids(consultation)
    _act(org, a, "update_progress", {"percent": 100, "note": "步道建成"})
    after = _year(org)

    # then the figures are new at once: (2×100 + 1×0) / (2 + 1) = 66.7 %
    assert (after.total.done, after.progress) == (1, Decimal("66.7"))
    assert {t.key: t.count for t in after.by_state if t.count} == {"done": 1, "not_adopted": 1, "not_answered": 1}
    assert [(t.label, t.done) for t in after.by_unit] == [("区住建局", 1), ("区教体局", 0)]


def test_the_page_shows_an_answer_at_once_though_its_figures_are_kept(org, client_for):
    # given a leader and the secretariat have seen the page (its figures kept for the next reader)
    _consultation, supervision = _two_sources(org)
    cache.clear()
    leader, staff = client_for(org.users["leader"]), client_for(org.users["staff"])
    before = leader.get("/followup/").content.decode()
    kept = staff.get("/followup/").content.decode()

    # when the department answers the supervision's recommendation through the service
    (supervision_rec,) = recommendation_ids(supervision)
    _act(org, supervision_rec, "answer", {"status": "adopted", "note": "采纳"})
    after = leader.get("/followup/").content.decode()

    # then the next page counts it, in the totals and in the table by state
    def answered(html):
        return re.search(r'data-figure="answered">(\d+)<', html).group(1)

    def adopted(html):
        return re.search(r'<tr data-key="adopted">.*?data-label="建议">(\d+)<', html).group(1)

    assert (answered(before), answered(kept), answered(after)) == ("2", "2", "3")
    assert (adopted(before), adopted(kept), adopted(after)) == ("0", "0", "1")


def test_a_new_recommendation_and_a_changed_stale_rule_give_new_figures(org, settings):
    settings.ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = 20
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        doc = make_document(org)
    cache.clear()
    before = _year(org)

    services.recommendation_add(actor=org.users["staff"], document_id=doc, text="开发观鸟研学线路", unit_id=org.unit.pk)
    added = _year(org)
    settings.ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = 60
    longer = _year(org)

    assert (before.count, before.stale) == (2, 2)
    assert (added.count, added.stale) == (3, 2)
    assert (longer.count, longer.stale) == (3, 0)


def test_an_overseer_does_not_read_the_figures_shared_by_the_leaders(org, client_for):
    _two_sources(org)
    make_document(
        org,
        source=Source.KEY_PROPOSAL,
        source_id=3,
        actor=org.users["office"],
        title="关于电动汽车充电桩建设重点提案的督办意见",
        recommendations=[{"text": "加快充电桩布点", "unit_id": org.unit.pk}],
    )
    cache.clear()

    leader = _year(org)
    leader_page = client_for(org.users["leader"]).get("/followup/").content.decode()
    overseer = leaders_overview(user=org.users["overseer"], filters=Filters(year=YEAR))
    overseer_page = client_for(org.users["overseer"]).get("/followup/").content.decode()

    assert leader.count == 4 and 'data-figure="count">4<' in leader_page
    assert (overseer.count, [(t.label, t.count) for t in overseer.by_unit]) == (1, [("区住建局", 1)])
    assert 'data-figure="count">1<' in overseer_page


def test_the_page_shows_rows_charts_and_links_and_refuses_others(org, client_for):
    consultation, _supervision = _two_sources(org)

    page = client_for(org.users["leader"]).get("/followup/", {"source": "consultation"})
    refused = client_for(org.users["member"]).get("/followup/")
    unit = client_for(org.users["unit"]).get("/followup/")

    html = page.content.decode()
    assert page.status_code == 200 and refused.status_code == 403 and unit.status_code == 403
    assert html.count("data-recommendation=") == 2
    assert 'data-chart="state"' in html and 'id="followup-data"' in html
    assert f'data-document-progress="{consultation}"' in html and "文件进度 60.0%" in html
    assert "/followup/overview/report.docx?year=" in html and "source=consultation" in html
    assert "/followup/overview/recommendations.xlsx?" in html
    assert "完善园区道路" not in html


def test_bad_filters_on_the_page_are_left_out():
    f = filters_from(
        {
            "year": "99999999999999999999999",
            "source": "x",
            "unit": "-3",
            "state": "bogus",
            "stale": "1",
            "topic": " 湿地 ",
        },
        today=datetime.date(2026, 5, 1),
    )
    assert f == Filters(year=2026, source="", unit_id=None, topic="湿地", state="", stale=True)


def test_the_page_reads_a_fixed_number_of_statements(org, client_for, django_assert_num_queries):
    _two_sources(org)
    c = client_for(org.users["leader"])
    c.get("/followup/")  # sessions, roles and the navigation read once per process
    cache.clear()  # the year's figures computed each time (the API's read then finds them shared)
    with CaptureQueriesContext(connection) as few:
        c.get("/followup/")
        c.get("/api/v1/followup/overview")
    for i in range(12):
        make_document(org, source_id=100 + i, title=f"第{i}份纪要", source=Source.RESEARCH_REPORT)

    cache.clear()
    with django_assert_num_queries(len(few)):
        assert c.get("/followup/").content.decode().count("data-recommendation=") == 27
        assert len(c.get("/api/v1/followup/overview").json()["items"]) == 27


def test_pages_of_fifty(org, client_for):
    make_document(
        org, recommendations=[{"text": f"建议{i}", "unit_id": org.unit.pk} for i in range(1, 53)], title="长文件"
    )
    c = client_for(org.users["staff"])

    second = c.get("/followup/", {"page": 2}).content.decode()
    beyond = c.get("/followup/", {"page": 99}).content.decode()
    api = c.get("/api/v1/followup/overview", {"page": 2, "page_size": 50}).json()

    assert second.count("data-recommendation=") == 2 and "第 2 / 2 页" in second
    assert beyond.count("data-recommendation=") == 2
    assert (api["count"], api["page"], api["pages"], [i["text"] for i in api["items"]]) == (
        52,
        2,
        2,
        ["建议51", "建议52"],
    )


def test_page_and_api_show_the_same_read_model(org, client_for):
    consultation, supervision = _two_sources(org)
    c = client_for(org.users["leader"])

    api = c.get("/api/v1/followup/overview", {"year": YEAR, "unit_id": org.unit.pk}).json()
    o = _year(org, unit_id=org.unit.pk)

    assert api["count"] == o.count == 2
    assert [i["id"] for i in api["items"]] == [r.id for r in o.rows]
    assert api["total"]["progress"] == str(o.progress) == "40.0"  # (2×60 + 1×0) / 3
    assert [(t["key"], t["count"]) for t in api["by_source"]] == [(t.key, t.count) for t in o.by_source]
    assert api["filters"] == {
        "year": YEAR,
        "source": "",
        "unit_id": org.unit.pk,
        "topic": "",
        "state": "",
        "stale": False,
    }
    assert api["items"][0]["last_update_at"].endswith("+08:00")


def test_the_api_refuses_other_roles_and_bad_filters(org, client_for):
    _two_sources(org)

    member = client_for(org.users["member"]).get("/api/v1/followup/overview")
    unit = client_for(org.users["unit"]).get("/api/v1/followup/overview")
    bad_year = client_for(org.users["leader"]).get("/api/v1/followup/overview", {"year": 0})
    bad_state = client_for(org.users["leader"]).get("/api/v1/followup/overview", {"state": "lost"})

    assert (member.status_code, unit.status_code) == (403, 403)
    assert member.json()["message"] == "您无权查看成果转化总览。"
    assert (bad_year.status_code, bad_state.status_code) == (422, 422)
    assert Recommendation.objects.count() == 3


def test_the_secretariat_s_to_do_counts_the_stale_recommendations_of_each_year(org, settings):
    from zhengxie.core.todo import todo_for

    settings.ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = 20
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        doc = make_document(org)
    a, _b = recommendation_ids(doc)
    _act(org, a, "answer", {"status": "adopted", "note": "采纳"})

    staff = [i for i in todo_for(org.users["staff"]) if i.url.startswith("/followup/?")]
    leader = [i for i in todo_for(org.users["leader"]) if i.url.startswith("/followup/?")]

    assert [(i.title, i.url, i.kind) for i in staff] == [
        (f"滞后建议（{YEAR}年度）：1 条久未更新，请督促承办单位", f"/followup/?year={YEAR}&stale=1", "成果转化")
    ]
    assert leader == []


def test_the_menu_leads_leaders_secretariat_and_overseers_to_the_overview(org):
    from zhengxie.core.navigation import nav_for

    shown = {key: "followup_overview" in [i["key"] for i in nav_for(u)] for key, u in org.users.items()}

    assert {key for key, yes in shown.items() if yes} == {"staff", "leader", "overseer"}


def test_a_year_with_many_departments_offers_them_through_the_table(org, client_for, monkeypatch):
    from zhengxie.followup import views_leaders

    _two_sources(org)
    monkeypatch.setattr(views_leaders, "UNIT_OPTIONS", 1)
    c = client_for(org.users["leader"])

    plain = c.get("/followup/").content.decode()
    chosen = c.get("/followup/", {"unit": org.other_unit.pk}).content.decode()

    def unit_options(html):
        return re.findall(r'<option value="(\d+)"', html.split('id="f-unit"')[1].split("</select>")[0])

    assert 'data-testid="units-many"' in plain and unit_options(plain) == []
    assert unit_options(chosen) == [str(org.other_unit.pk)]
    assert f'<option value="{org.other_unit.pk}" selected>区教体局</option>' in chosen
    assert f'href="/followup/?year={YEAR}&amp;unit={org.unit.pk}"' in plain


def test_control_characters_in_the_topic_are_left_out_of_the_page_s_search(org, client_for):
    _two_sources(org)
    c = client_for(org.users["leader"])

    page = c.get("/followup/", {"topic": "物\x00流"})
    api = c.get("/api/v1/followup/overview", {"topic": "物\x00流"})

    assert page.status_code == 200 and page.content.decode().count("data-recommendation=") == 1
    # the API refuses what no text filter holds, naming it, as everywhere
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "topic"
