"""The annual report's figures, computed from a year of proposals made through the real services, with exact
expected values for every breakdown; each figure's filters list exactly the proposals behind it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import proposals as make
from tests.builders.statistics import REPORT_DAY, REVIEW_DAY, SH, at, build_scenario
from zhengxie.accounts.services import api_token_issue
from zhengxie.people.models import HandlingUnit, Session
from zhengxie.proposals.actions import assignment_act
from zhengxie.proposals.models import Category, Reply, StatisticsSnapshot
from zhengxie.proposals.selectors import current_replies, proposal_list, visible_proposals
from zhengxie.proposals.statistics import (
    ScopeError,
    current_replies_q,
    proposal_statistics,
    resolve_scope,
)
from zhengxie.proposals.statistics.counting import _Reads
from zhengxie.proposals.tests.checks import assert_stored_figures_follow_the_replies

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(org, category):
    return build_scenario(org, category)


def _values(rows, *keys, name="name"):
    return [(r[name], *(r[k]["value"] for k in keys)) for r in rows]


def _stats(user, **scope):
    with at(datetime.datetime.combine(REPORT_DAY, datetime.time(9), tzinfo=SH)):
        return proposal_statistics(user=user, visible=visible_proposals(user), scope=resolve_scope(**scope))


def test_the_scenario_ends_in_the_intended_states(scenario):
    states = {k: p.state for k, p in scenario.p.items()}
    assert states == {
        "P1": "closed",
        "P2": "closed",
        "P3": "assigned",
        "P4": "registered",
        "P5": "merged",
        "P6": "rejected",
        "P7": "converted",
        "P8": "withdrawn",
        "P9": "withdrawn",
        "P10": "cosigning",
        "P11": "submitted",
        "P12": "draft",
        "P13": "rehandling",
        "P14": "submitted",
    }
    assert [scenario.p[k].is_session_proposal for k in ("P1", "P2", "P5", "P6", "P3")] == [True] * 4 + [False]
    assert scenario.p["P14"].year == 2027


def test_year_figures_are_exact(scenario):
    org = scenario.org
    # when the office reads the 2026 figures on 1 June
    s = _stats(org.users["office"], year="2026")
    # then every figure is as the scenario made it
    assert s["scope"] == {
        "kind": "year",
        "label": "2026年度",
        "filters": {"year": "2026"},
        "year": 2026,
        "session_id": None,
        "term_id": None,
    }
    assert s["as_of"] == "2026-06-01"
    assert {k: v["value"] for k, v in s["totals"].items()} == {
        "received": 10,
        "pending": 1,
        "registered": 5,
        "merged": 1,
        "converted": 1,
        "rejected": 1,
        "withdrawn": 1,
        "session_proposals": 4,
        "ordinary_proposals": 6,
        "members": 3,
        "key": 1,
        "excellent": 1,
    }
    assert [(r["state"], r["count"]["value"]) for r in s["by_state"]] == [
        ("registered", 1),
        ("assigned", 1),
        ("rehandling", 1),
        ("replied", 0),
        ("evaluating", 0),
        ("closed", 2),
    ]
    assert _values(s["by_proposer_type"], "received", "registered", name="key") == [
        ("individual", 8, 3),
        ("joint", 1, 1),
        ("collective", 1, 1),
    ]
    assert _values(s["by_collective"], "received", "registered") == [("民革新建区基层委员会", 1, 1)]
    assert _values(s["by_category"], "received", "registered") == [
        ("经济建设", 5, 3),
        ("社会建设", 5, 2),
        ("文化建设", 0, 0),
    ]
    assert _values(s["by_sector"], "received", "registered") == [("经济", 5, 2), ("教育", 4, 2), ("集体提案", 1, 1)]
    assert _values(s["by_party"], "received", "registered") == [
        ("中国国民党革命委员会", 5, 2),
        ("中国民主同盟", 4, 2),
        ("集体提案", 1, 1),
    ]
    assert _values(s["by_unit"], "assigned", "owes_reply", "replied", "replied_on_time", "overdue") == [
        ("新建区住房和城乡建设局", 3, 3, 3, 2, 0),
        ("新建区教育体育局", 3, 2, 0, 0, 2),
    ]
    # grades of current replies: P3's reply was drafted A and corrected to C; P13's round-1 reply is still current
    assert [(r["grade"], r["count"]["value"]) for r in s["by_grade"]] == [("A", 1), ("B", 2), ("C", 1)]
    # P2's window passed unrated: recorded as not rated, never as satisfied
    assert [(r["key"], r["count"]["value"]) for r in s["satisfaction"]] == [
        ("satisfied", 1),
        ("basically_satisfied", 1),
        ("dissatisfied", 1),
        ("not_rated", 1),
    ]
    assert [(r["number"], r["title"], r["proposer"], r["supervising_leader"]) for r in s["key_proposals"]] == [
        (scenario.p["P1"].number, "关于加快新能源汽车充电桩建设的建议", "张委员", str(org.users["leader"]))
    ]
    assert [(r["number"], r["proposer"], r["state"]) for r in s["excellent_proposals"]] == [
        (scenario.p["P2"].number, "张委员", "closed")
    ]


def _figures(stats):
    """Every figure of the statistics with a readable path."""
    for name, fig in stats["totals"].items():
        yield f"totals.{name}", fig
    for section in (
        "by_state",
        "by_proposer_type",
        "by_collective",
        "by_category",
        "by_sector",
        "by_party",
        "by_unit",
        "by_grade",
        "satisfaction",
    ):
        for i, row in enumerate(stats[section]):
            for key, value in row.items():
                if isinstance(value, dict) and "filters" in value:
                    yield f"{section}[{i}].{key}", value


def test_every_figure_lists_exactly_the_proposals_behind_it(scenario):
    office = scenario.org.users["office"]
    s = _stats(office, year="2026")
    with at(datetime.datetime.combine(REPORT_DAY, datetime.time(9), tzinfo=SH)):
        listed = {path: proposal_list(user=office, filters=fig["filters"]).count() for path, fig in _figures(s)}
    expected = {path: fig["value"] for path, fig in _figures(s)}
    # the members figure counts people; its link lists the proposals they led (the co-signed one among them)
    expected["totals.members"] = 9
    assert listed == expected
    assert len(listed) == 12 + 6 + 6 + 2 + 6 + 6 + 6 + 10 + 3 + 4


def test_figure_filters_pick_the_right_proposals(scenario):
    office, p = scenario.org.users["office"], scenario.p

    def numbers(**filters):
        with at(datetime.datetime.combine(REPORT_DAY, datetime.time(9), tzinfo=SH)):
            return sorted(k for k, v in p.items() for x in proposal_list(user=office, filters=filters) if x.pk == v.pk)

    assert numbers(year="2026", received="1") == sorted(["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P11", "P13"])
    assert numbers(year="2026", state="withdrawn", received="1") == ["P8"]
    # P9 was withdrawn before it was ever submitted: like a draft, only its author sees it
    assert numbers(year="2026", state="withdrawn") == ["P8"]
    assert numbers(received="1", proposer_type="joint") == ["P1"]
    assert numbers(unit=str(scenario.org.other_unit.pk), handling="overdue") == ["P13", "P3"]
    assert numbers(unit=str(scenario.org.unit.pk), handling="on_time") == ["P1", "P3"]
    assert numbers(unit=str(scenario.org.unit.pk)) == ["P1", "P2", "P3"]  # P13's reassigned assignment is not counted
    assert numbers(grade="C") == ["P3"]
    assert numbers(satisfaction="not_rated") == ["P2"]
    assert numbers(term=str(scenario.org.term.pk), received="1") == numbers(year="2026", received="1")
    assert numbers(year="2027") == ["P14"]
    # invalid values match nothing rather than everything
    assert numbers(grade="Z") == []
    assert numbers(handling="late") == []
    assert numbers(proposer_type="x") == []
    assert numbers(session="x") == []
    assert numbers(term="999999") == []


def test_session_and_term_scopes(scenario):
    office, org = scenario.org.users["office"], scenario.org
    session = Session.objects.get(term=org.term, number=5)
    s = _stats(office, session=str(session.pk))
    assert s["scope"]["label"] == "第十七届第五次会议"
    assert s["scope"]["filters"] == {"session": str(session.pk)}
    assert {
        k: s["totals"][k]["value"]
        for k in (
            "received",
            "pending",
            "registered",
            "merged",
            "converted",
            "rejected",
            "withdrawn",
            "session_proposals",
            "members",
        )
    } == {
        "received": 4,
        "pending": 0,
        "registered": 2,
        "merged": 1,
        "converted": 0,
        "rejected": 1,
        "withdrawn": 0,
        "session_proposals": 4,
        "members": 3,
    }
    assert _values(s["by_unit"], "assigned", "replied", "replied_on_time", "overdue") == [
        ("新建区住房和城乡建设局", 2, 2, 1, 0),
        ("新建区教育体育局", 1, 0, 0, 0),
    ]
    # the term runs to 2026-12-31 (Asia/Shanghai): P14, submitted 30 minutes into 2027, is not counted
    t = _stats(office, term=str(org.term.pk))
    assert t["scope"]["label"] == "第十七届"
    assert t["totals"]["received"]["value"] == 10
    y = _stats(office, year="2027")
    assert {k: y["totals"][k]["value"] for k in ("received", "pending", "registered")} == {
        "received": 1,
        "pending": 1,
        "registered": 0,
    }


def test_a_session_proposal_drafted_before_new_year_counts_with_its_session(scenario):
    """The filing window opens on 2025-12-01 for a session of 2026: a joint proposal drafted and submitted in
    December is of the year 2025, and its session's figures count it, its co-signer and its assignment."""
    org, office = scenario.org, scenario.org.users["office"]
    session = Session.objects.get(term=org.term, number=5)
    before = _stats(office, session=str(session.pk))
    with at(datetime.datetime(2025, 12, 15, 10, 0, tzinfo=SH)):
        early = make.draft(
            org, scenario.categories["econ"], title="关于冬季供暖保障的建议", cosigner_ids=[org.member2.pk]
        )
        make.act(early, "submit", org.users["member"])
        make.act(early, "cosign", org.users["member2"])
    with at(REVIEW_DAY):
        make.act(early, "register", office)
        make.act(early, "assign", office, mode="single", units=[{"unit_id": org.other_unit.pk, "role": "single"}])
    early.refresh_from_db()
    assert (early.year, early.session_id, early.is_session_proposal) == (2025, session.pk, True)

    after = _stats(office, session=str(session.pk))
    assert after["totals"]["received"]["value"] == before["totals"]["received"]["value"] + 1
    joint = [dict(_values(r["by_proposer_type"], "received", name="key"))["joint"] for r in (before, after)]
    assert joint[1] == joint[0] + 1
    units_before = dict(_values(before["by_unit"], "assigned"))
    assert dict(_values(after["by_unit"], "assigned")) == {
        **units_before,
        "新建区教育体育局": units_before["新建区教育体育局"] + 1,
    }


def test_current_replies_in_sql_are_the_selectors_current_replies(scenario):
    # the statistics find current replies by round (no reply-to-reply comparison); the selector by "latest approved"
    in_sql = set(Reply.objects.filter(current_replies_q()).values_list("pk", flat=True))
    by_selector = {r.pk for p in scenario.p.values() for r in current_replies(p)}
    assert in_sql == by_selector
    # P13 is being re-handled: its round-1 reply is still the current one; P1's co-handler owes none
    assert len(by_selector) == 4
    assert_stored_figures_follow_the_replies()
    # a re-handling draft and a reply returned by the office change nothing
    u, org = scenario.org.users, scenario.org
    with at(datetime.datetime(2026, 3, 2, 10, tzinfo=SH)):
        rehandled = make.assignment_of(scenario.p["P13"], org.other_unit)
        assignment_act(
            assignment_id=rehandled.pk,
            action="draft_reply",
            actor=u["unit2"],
            payload={"text": "再次答复", "grade": "A"},
        )
        separate = make.assignment_of(scenario.p["P3"], org.other_unit)
        assignment_act(
            assignment_id=separate.pk, action="draft_reply", actor=u["unit2"], payload={"text": "答复", "grade": "B"}
        )
        assignment_act(assignment_id=separate.pk, action="sign_reply", actor=u["unit2-leader"])
        assignment_act(
            assignment_id=separate.pk, action="return_reply", actor=u["office"], payload={"comment": "请补充"}
        )
    assert set(Reply.objects.filter(current_replies_q()).values_list("pk", flat=True)) == by_selector
    assert {r.pk for p in scenario.p.values() for r in current_replies(p)} == by_selector
    assert_stored_figures_follow_the_replies()


def test_scope_is_one_of_year_session_term():
    with pytest.raises(ScopeError):
        resolve_scope(year="2026", term="1")
    with pytest.raises(ScopeError):
        resolve_scope(session="999999")
    with pytest.raises(ScopeError):
        resolve_scope(year="twenty")
    with at(datetime.datetime(2026, 5, 5, 12, tzinfo=SH)):
        assert resolve_scope().filters == {"year": "2026"}


def test_leaders_and_overseers_see_the_same_figures(scenario):
    users = scenario.org.users
    office = _stats(users["office"], year="2026")
    assert _stats(users["leader"], year="2026") == office
    assert _stats(users["overseer"], year="2026") == office


# Query count -----------------------------------------------------------------------------------------------------


def _assigned_proposals(org, category, units):
    with at(REVIEW_DAY):
        for i, unit in enumerate(units):
            make.assigned(org, category, title=f"关于第{i}项工作的建议", units=[(unit, "single")])


def _queries_for_statistics(user) -> tuple[int, dict]:
    user = type(user).objects.get(pk=user.pk)  # roles not cached yet
    with CaptureQueriesContext(connection) as ctx:
        s = proposal_statistics(user=user, visible=visible_proposals(user), scope=resolve_scope(year="2026"))
    return len(ctx.captured_queries), s


def test_query_count_is_bounded_and_independent_of_the_number_of_units(org, category):
    _assigned_proposals(org, category, [org.unit])
    few, s1 = _queries_for_statistics(org.users["office"])
    assert len(s1["by_unit"]) == 1
    more_units = [HandlingUnit.objects.create(name=f"新建区测试局{i}", short_name=f"测试局{i}") for i in range(4)]
    Category.objects.create(name="生态文明建设", sort_order=5)
    _assigned_proposals(org, category, [org.other_unit, *more_units])
    many, s2 = _queries_for_statistics(org.users["office"])
    assert len(s2["by_unit"]) == 6
    assert s2["totals"]["registered"]["value"] == 6
    assert few == many
    assert many <= 18


# Page and API ----------------------------------------------------------------------------------------------------


def test_statistics_page_shows_figures_with_links(scenario, client_for):
    office = scenario.org.users["office"]
    with at(datetime.datetime.combine(REPORT_DAY, datetime.time(9), tzinfo=SH)):
        response = client_for(office).get(reverse("proposals:statistics"), {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    list_url = reverse("proposals:list")
    assert f'href="{list_url}?year=2026&amp;received=1"' in html
    assert f'href="{list_url}?year=2026&amp;unit={scenario.org.other_unit.pk}&amp;handling=overdue"' in html
    assert 'id="statistics-data"' in html and "statistics.js" in html and "echarts.min.js" in html
    assert "<script>" not in html  # no inline script: the chart data is a JSON element


def test_statistics_page_refuses_members_and_units(scenario, client_for):
    users = scenario.org.users
    for key in ("member", "unit", "unit-leader", "staff", "admin"):
        assert client_for(users[key]).get(reverse("proposals:statistics")).status_code == 403, key
    for key in ("office", "leader", "overseer"):
        assert client_for(users[key]).get(reverse("proposals:statistics")).status_code == 200, key
    assert client_for(users["office"]).post(reverse("proposals:statistics")).status_code == 405


def test_statistics_api_returns_the_same_figures(scenario, client):
    office = scenario.org.users["office"]
    token = api_token_issue(user=office)[0]
    with at(datetime.datetime.combine(REPORT_DAY, datetime.time(9), tzinfo=SH)):
        response = client.get("/api/v1/proposals/statistics", {"year": "2026"}, HTTP_AUTHORIZATION=f"Bearer {token}")
        expected = proposal_statistics(user=office, visible=visible_proposals(office), scope=resolve_scope(year="2026"))
    assert response.status_code == 200
    body = response.json()
    assert body == expected
    assert body["totals"]["received"] == {"value": 10, "filters": {"year": "2026", "received": "1"}}


def test_statistics_api_refusals(scenario, client):
    users = scenario.org.users
    member_token = api_token_issue(user=users["member"])[0]
    office_token = api_token_issue(user=users["office"])[0]
    response = client.get("/api/v1/proposals/statistics", HTTP_AUTHORIZATION=f"Bearer {member_token}")
    assert response.status_code == 403
    assert "message" in response.json()
    both = client.get(
        "/api/v1/proposals/statistics", {"year": "2026", "term": "1"}, HTTP_AUTHORIZATION=f"Bearer {office_token}"
    )
    assert both.status_code == 422
    missing = client.get(
        "/api/v1/proposals/statistics", {"session": "999999"}, HTTP_AUTHORIZATION=f"Bearer {office_token}"
    )
    assert missing.status_code == 404
    assert client.get("/api/v1/proposals/statistics").status_code == 401


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the second connection is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_half_the_reads_run_on_a_second_connection_with_the_same_figures(
    transactional_db, org, category, settings
):
    """Outside a transaction (as a page reads them) the figures' reads are shared with a second connection; the
    figures are exactly those of the reads made in turn, for the shared snapshot and for a live computation."""
    scenario = build_scenario(org, category)
    office, member = scenario.org.users["office"], scenario.org.users["member"]
    seen = {}
    try:
        for parallel in (True, False):
            settings.STATISTICS_PARALLEL_READS = parallel
            for user in (office, member):
                StatisticsSnapshot.objects.all().delete()
                with CaptureQueriesContext(connection) as queries:
                    figures = _stats(user, year="2026")
                seen[parallel, user.username] = (figures, len(queries))
    finally:
        _Reads.close()  # the test database is dropped at the end of the run
    for user in (office, member):
        (parallel_figures, parallel_queries), (serial_figures, serial_queries) = (
            seen[True, user.username],
            seen[False, user.username],
        )
        assert parallel_figures == serial_figures
        assert serial_queries - parallel_queries == 4  # joint, by unit, by grade, merged ratings: the other connection
