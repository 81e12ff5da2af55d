"""Stored statistics (statistics.StatisticsSnapshot): what a snapshot serves always equals a fresh computation.

Every read here goes through the snapshot (``statistics_report``) and is compared with ``live_report``, which
computes the same figures from the database without any snapshot; ``from_snapshot`` tells whether the read was
served from the stored row (nothing counted changed since) or recomputed (something did). Data is made through the
real services; names are changed directly in the database too, to show that they are never stored.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import proposals as make
from tests.builders.org import PASSWORD, make_member
from tests.builders.statistics import REPORT_DAY, SH, at, build_scenario
from zhengxie.accounts.services import account_create, api_token_issue, role_grant
from zhengxie.core.access import roles_of
from zhengxie.core.exceptions import NotAllowed
from zhengxie.core.roles import Role
from zhengxie.people.models import CollectiveProposer, HandlingUnit, Member, Party, Sector, UnitStaff
from zhengxie.people.services import unit_update
from zhengxie.proposals import reminders, statistics, tasks
from zhengxie.proposals.api_reports import StatisticsOut
from zhengxie.proposals.models import Category, Proposal, StatisticsChange, StatisticsSnapshot
from zhengxie.proposals.selectors import visible_proposals
from zhengxie.proposals.services import category_update
from zhengxie.proposals.statistics import live_report, resolve_scope, statistics_report
from zhengxie.proposals.tests.checks import assert_stored_figures_follow_the_replies

pytestmark = pytest.mark.django_db

DAY = datetime.datetime(2026, 2, 10, 10, 0, tzinfo=SH)
LATER = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=SH)  # after the evaluation window


def _moment(day: datetime.date | datetime.datetime, hour: int = 9) -> datetime.datetime:
    if isinstance(day, datetime.datetime):
        return day
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SH)


def read(user, when=REPORT_DAY, **scope):
    """The figures as the page and the API get them, checked against a fresh computation; returns the report."""
    scope = scope or {"year": "2026"}
    fresh_user = type(user).objects.get(pk=user.pk)  # roles computed afresh, as in a new request
    with at(_moment(when)):
        report = statistics_report(user=fresh_user, visible=visible_proposals(fresh_user), scope=resolve_scope(**scope))
        figures = report.figures()
        live = live_report(visible=visible_proposals(fresh_user), scope=resolve_scope(**scope)).figures()
    assert figures == live
    return report


# A snapshot is what a fresh computation gives ----------------------------------------------------------------------


@pytest.fixture
def scenario(org, category):
    return build_scenario(org, category)


def test_figures_from_a_snapshot_equal_a_fresh_computation(scenario):
    office = scenario.org.users["office"]
    first = read(office)
    assert not first.from_snapshot  # nothing stored yet: computed and stored
    again = read(office)
    assert again.from_snapshot
    assert again.figures() == first.figures()
    assert again.computed_at == first.computed_at
    assert StatisticsSnapshot.objects.count() == 1
    # the stored counts survive the JSON round trip unchanged: the snapshot serves exactly what was computed
    stored = StatisticsSnapshot.objects.get()
    assert stored.figures == json.loads(json.dumps(first.counts))
    assert stored.as_of == REPORT_DAY
    # session and term scopes have snapshots of their own
    session = scenario.p["P1"].session
    assert not read(office, session=str(session.pk)).from_snapshot
    assert read(office, session=str(session.pk)).from_snapshot
    assert not read(office, term=str(scenario.org.term.pk)).from_snapshot
    assert read(office, term=str(scenario.org.term.pk)).from_snapshot
    assert StatisticsSnapshot.objects.count() == 3


def test_the_api_answers_the_snapshot_in_its_documented_shape(scenario, client):
    office = scenario.org.users["office"]
    token = api_token_issue(user=office)[0]
    with at(_moment(REPORT_DAY)):
        first = client.get("/api/v1/proposals/statistics", {"year": "2026"}, HTTP_AUTHORIZATION=f"Bearer {token}")
        second = client.get("/api/v1/proposals/statistics", {"year": "2026"}, HTTP_AUTHORIZATION=f"Bearer {token}")
        live = live_report(visible=visible_proposals(office), scope=resolve_scope(year="2026")).figures()
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/json; charset=utf-8"
    assert first.content == second.content  # computed, then served from the snapshot: the same bytes
    body = first.json()
    assert body == live
    # the figures are rendered without validation: they must be exactly what the schema documents
    assert StatisticsOut.model_validate(body).model_dump() == body


def test_the_page_says_when_the_figures_were_computed(scenario, client_for):
    office = scenario.org.users["office"]
    read(office, when=_moment(REPORT_DAY, 8))  # stored at 08:00
    with at(_moment(REPORT_DAY, 11)):
        response = client_for(office).get(reverse("proposals:statistics"), {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "数据截至2026年6月1日 08:00" in html


def test_lists_of_key_and_excellent_proposals_can_be_cut_short(scenario):
    office = scenario.org.users["office"]
    report = read(office)
    full = report.figures()
    cut = report.figures(unit_limit=1, list_limit=0)
    assert [u["id"] for u in cut["by_unit"]] == [full["by_unit"][0]["id"]]
    assert cut["key_proposals"] == cut["excellent_proposals"] == []
    assert {k: v for k, v in cut.items() if k not in ("by_unit", "key_proposals", "excellent_proposals")} == {
        k: v for k, v in full.items() if k not in ("by_unit", "key_proposals", "excellent_proposals")
    }


# Who shares a snapshot ---------------------------------------------------------------------------------------------


def test_everyone_who_may_open_the_statistics_sees_the_shared_snapshot(scenario, category):
    """The snapshot holds the figures of the submitted proposals; each user of the office, leaders and overseers
    gets exactly those from their own visible proposals, even one who also drafts, co-signs and works in a unit."""
    org, users = scenario.org, scenario.org.users
    busy = account_create(username="demo-office-member", password=PASSWORD, display_name="兼任委员")
    role_grant(user=busy, role=Role.PROPOSAL_OFFICE, actor=None)
    busy_member = make_member(name="兼任委员", sector=org.sector, party=org.party, seq=9, user=busy, term=org.term)
    UnitStaff.objects.create(unit=org.unit, user=busy)
    with at(DAY):
        make.draft(org, category, author=busy, title="关于兼任委员自己草稿的建议")  # a draft only its author sees
        invited = make.draft(
            org, category, author=users["member"], title="关于邀请兼任委员联名的建议", cosigner_ids=[busy_member.pk]
        )
        make.act(invited, "submit", users["member"])  # co-signing: visible to the invited co-signer
        withdrawn = make.draft(org, category, author=busy, title="关于撤回草稿的建议")
        make.act(withdrawn, "withdraw", busy)  # withdrawn before it was ever submitted: its author's alone
    office = users["office"]
    shared = read(office).figures()
    for user in (busy, users["leader"], users["overseer"], office):
        assert statistics.shared_visibility(user) == statistics.SHARED_VISIBILITY
        counted = visible_proposals(user).filter(statistics.submitted_q())
        assert set(counted.values_list("pk", flat=True)) == set(
            Proposal.objects.filter(statistics.submitted_q()).values_list("pk", flat=True)
        )
        with at(_moment(REPORT_DAY)):
            assert live_report(visible=visible_proposals(user), scope=resolve_scope(year="2026")).figures() == shared
        assert read(user).from_snapshot
    assert busy.pk in set(visible_proposals(busy).values_list("author_id", flat=True))  # it does see more
    assert StatisticsSnapshot.objects.count() == 1


def test_users_who_see_fewer_proposals_never_read_or_write_a_snapshot(scenario):
    users = scenario.org.users
    office = read(users["office"]).figures()
    for key in ("member", "member2", "unit", "unit2"):
        user = type(users[key]).objects.get(pk=users[key].pk)
        assert statistics.shared_visibility(user) is None
        for _ in range(2):
            report = read(user)
            assert not report.from_snapshot
        assert report.figures() != office, key
    assert StatisticsSnapshot.objects.count() == 1
    # a unit sees its own assignments only
    unit_figures = read(users["unit"]).figures()
    assert {u["id"] for u in unit_figures["by_unit"]} <= {u["id"] for u in office["by_unit"]}
    assert unit_figures["totals"]["received"]["value"] < office["totals"]["received"]["value"]


# Freshness ---------------------------------------------------------------------------------------------------------


def test_yesterdays_snapshot_is_not_served_today(scenario):
    """P2's due date is 2026-03-10: it is overdue from the 11th, so the figures of the 10th are stale on the 11th."""
    office = scenario.org.users["office"]
    p = Proposal.objects.get(pk=scenario.p["P3"].pk)
    assignment = make.assignment_of(p, scenario.org.other_unit)
    day = assignment.due_date
    before = read(office, when=day)
    assert before.as_of == day
    after = read(office, when=day + datetime.timedelta(days=1))
    assert not after.from_snapshot
    assert after.as_of == day + datetime.timedelta(days=1)
    unit_row = {u["id"]: u for u in after.figures()["by_unit"]}[scenario.org.other_unit.pk]
    old_row = {u["id"]: u for u in before.figures()["by_unit"]}[scenario.org.other_unit.pk]
    assert unit_row["overdue"]["value"] == old_row["overdue"]["value"] + 1
    assert after.figures()["as_of"] == (day + datetime.timedelta(days=1)).isoformat()
    # and the day after is served from the new day's snapshot
    assert read(office, when=day + datetime.timedelta(days=1)).from_snapshot


def test_every_action_that_counts_makes_the_next_read_recompute(org, category):
    """A proposal's whole life, read after every step: each step that can change a figure is seen by the next read,
    the others are served from the snapshot; every read equals a fresh computation (``read``)."""
    u, office, leader = org.users, org.users["office"], org.users["leader"]
    m1, m2 = u["member"], u["member2"]
    unit, unit2 = org.unit, org.other_unit
    when = {"when": _moment(DAY)}

    def step(changed: bool):
        report = read(office, **when)
        assert report.from_snapshot is not changed
        return report.figures()

    def totals(figures):
        return {k: v["value"] for k, v in figures["totals"].items()}

    def states(figures):
        return {r["state"]: r["count"]["value"] for r in figures["by_state"]}

    step(changed=True)  # the first read stores
    step(changed=False)
    with at(DAY):
        p = make.draft(org, category, author=m1, title="关于老旧小区加装电梯的建议", cosigner_ids=[org.member2.pk])
        other = make.draft(org, category, author=m2, title="关于社区食堂的建议")
        spare = make.draft(org, category, author=m2, title="关于口袋公园的建议")
    step(changed=False)  # drafts are counted nowhere
    with at(DAY):
        make.act(p, "submit", m1)
    step(changed=True)
    with at(DAY):
        make.act(p, "cosign", m2)
    f = step(changed=True)
    assert totals(f)["received"] == 1 and f["by_proposer_type"][1]["received"]["value"] == 1  # joint
    with at(DAY):
        for q in (other, spare):
            make.act(q, "submit", m2)
        make.act(p, "register", office)
        make.act(other, "merge", office, into=p.pk)
    f = step(changed=True)
    assert (totals(f)["registered"], totals(f)["merged"], totals(f)["pending"]) == (1, 1, 1)
    with at(DAY):
        make.act(
            p,
            "assign",
            office,
            mode="lead",
            units=[{"unit_id": unit.pk, "role": "lead"}, {"unit_id": unit2.pk, "role": "co"}],
        )
    f = step(changed=True)
    assert [(r["id"], r["assigned"]["value"]) for r in f["by_unit"]] == [(unit.pk, 1), (unit2.pk, 1)]
    with at(DAY):
        make.act(make.assignment_of(p, unit), "accept_assignment", u["unit"])
        make.act(make.assignment_of(p, unit2), "accept_assignment", u["unit2"])
    step(changed=True)
    with at(DAY):
        make.act(
            make.assignment_of(p, unit), "record_contact", u["unit"], date="2026-02-10", way="phone", summary="电话沟通"
        )
        make.act(make.assignment_of(p, unit), "request_extension", u["unit"], due_date="2026-06-10", reason="需要调研")
    step(changed=False)  # contacts and extension requests are counted nowhere
    with at(DAY):
        make.act(make.assignment_of(p, unit), "decide_extension", office, approve=True)
    step(changed=True)  # the due date moved: "on time" and "overdue" read it
    with at(DAY):
        make.act(make.assignment_of(p, unit2), "submit_co_opinion", u["unit2"], text="同意")
        make.act(make.assignment_of(p, unit), "draft_reply", u["unit"], text="答复稿", grade="A")
    step(changed=True)
    with at(DAY):
        make.act(make.assignment_of(p, unit), "sign_reply", u["unit-leader"])
        make.act(make.assignment_of(p, unit), "return_reply", office, comment="请补充")
        make.act(make.assignment_of(p, unit), "draft_reply", u["unit"], text="答复稿二", grade="A")
        make.act(make.assignment_of(p, unit), "sign_reply", u["unit-leader"])
    step(changed=True)
    with at(DAY):
        # the office corrects the grade on approval
        make.act(make.assignment_of(p, unit), "approve_reply", office, grade="C", note="受条件限制")
    f = step(changed=True)
    assert [(r["grade"], r["count"]["value"]) for r in f["by_grade"]] == [("A", 0), ("B", 0), ("C", 1)]
    assert states(f)["evaluating"] == 1
    with at(DAY):
        make.act(p, "evaluate", m1, satisfaction="dissatisfied", comment="未解决")
    f = step(changed=True)
    assert [r["count"]["value"] for r in f["satisfaction"]] == [0, 0, 1, 0]
    with at(DAY):
        make.act(p, "evaluate", m2, satisfaction="satisfied")  # on behalf of the merged proposal
    f = step(changed=True)
    assert [r["count"]["value"] for r in f["satisfaction"]] == [1, 0, 1, 0]
    with at(DAY):
        make.act(p, "propose_key", office, supervising_leader_id=leader.pk)
    step(changed=True)
    with at(DAY):
        make.act(p, "approve_key", leader)
    f = step(changed=True)
    assert totals(f)["key"] == 1 and [r["id"] for r in f["key_proposals"]] == [p.pk]
    with at(DAY):
        make.act(p, "record_supervision", leader, kind="site_visit", date="2026-02-10", findings="实地查看")
    step(changed=False)
    with at(DAY):
        make.act(p, "request_rehandling", office, comment="请重新办理")
    f = step(changed=True)
    assert states(f)["rehandling"] == 1
    assert [(r["id"], r["replied"]["value"]) for r in f["by_unit"]] == [(unit.pk, 0), (unit2.pk, 0)]
    with at(DAY):
        make.act(make.assignment_of(p, unit), "draft_reply", u["unit"], text="再次答复", grade="B")
        make.act(make.assignment_of(p, unit), "sign_reply", u["unit-leader"])
        make.act(make.assignment_of(p, unit), "approve_reply", office)
        make.act(p, "evaluate", m1, satisfaction="basically_satisfied")
    f = step(changed=True)
    assert [(r["grade"], r["count"]["value"]) for r in f["by_grade"]] == [("A", 0), ("B", 1), ("C", 0)]
    with at(LATER):
        make.act(p, "close", office)  # after the evaluation window: the merged proposal's rating is "not rated"
    when = {"when": LATER}
    f = step(changed=True)
    assert [r["count"]["value"] for r in f["satisfaction"]] == [0, 1, 0, 1]
    with at(LATER):
        make.act(p, "schedule_followup", office, date="2027-04-01")
    step(changed=False)
    with at(LATER):
        make.act(p, "nominate_excellent", office)
    step(changed=True)
    with at(LATER):
        make.act(p, "approve_excellent", leader)
    f = step(changed=True)
    assert totals(f)["excellent"] == 1 and [r["id"] for r in f["excellent_proposals"]] == [p.pk]
    with at(LATER):
        make.act(spare, "return_for_revision", office, comment="请补充")
    f = step(changed=True)
    assert totals(f)["pending"] == 0
    with at(LATER):
        make.act(spare, "submit", m2)
    step(changed=True)
    with at(LATER):
        make.act(spare, "withdraw", m2)
    f = step(changed=True)
    assert totals(f)["withdrawn"] == 1 and totals(f)["received"] == 3
    # a refused action changes nothing and records nothing
    versions = StatisticsChange.objects.count()
    with at(LATER), pytest.raises(NotAllowed):
        make.act(p, "nominate_excellent", m1)
    assert StatisticsChange.objects.count() == versions
    step(changed=False)
    assert_stored_figures_follow_the_replies()


def test_reject_convert_decline_and_reassignment_are_seen(org, category):
    u, office, leader = org.users, org.users["office"], org.users["leader"]
    with at(DAY):
        a, b, c = (make.draft(org, category, author=u["member"], title=f"关于第{i}件事的建议") for i in range(3))
        for p in (a, b, c):
            make.act(p, "submit", u["member"])
    read(office, when=DAY)
    with at(DAY):
        make.act(a, "reject", office, ground="promotion", explanation="推介产品")
    assert not read(office, when=DAY).from_snapshot
    with at(DAY):
        make.act(b, "convert", office, kind="opinion_report")
    f = read(office, when=DAY)
    assert not f.from_snapshot
    assert (f.figures()["totals"]["rejected"]["value"], f.figures()["totals"]["converted"]["value"]) == (1, 1)
    with at(DAY):
        make.act(c, "register", office)
        make.act(c, "assign", office, mode="single", units=[{"unit_id": org.unit.pk, "role": "single"}])
        make.act(c, "propose_key", office, supervising_leader_id=leader.pk)
    read(office, when=DAY)
    with at(DAY):
        make.act(c, "decline_key", leader, comment="不列入")
        make.act(c, "nominate_excellent", office)
    assert not read(office, when=DAY).from_snapshot
    with at(DAY):
        make.act(c, "decline_excellent", leader)
        make.act(make.assignment_of(c, org.unit), "dispute_assignment", u["unit"], reason="不属本单位职责")
    read(office, when=DAY)
    with at(DAY):
        make.act(
            make.assignment_of(c, org.unit),
            "resolve_dispute",
            office,
            decision="reassign",
            comment="改交",
            units=[{"unit_id": org.other_unit.pk, "role": "single"}],
        )
    f = read(office, when=DAY)
    assert not f.from_snapshot
    assert [(r["id"], r["assigned"]["value"]) for r in f.figures()["by_unit"]] == [(org.other_unit.pk, 1)]


def test_system_actions_co_signing_and_kept_disputes_are_seen(org, category, settings):
    """The scheduled jobs act through the same services: a lapsed co-signature and an assignment accepted when its
    dispute window closed are seen by the next read."""
    u, office = org.users, org.users["office"]
    with at(DAY):
        lapsing = make.draft(
            org, category, author=u["member"], title="关于无人答复联名的建议", cosigner_ids=[org.member2.pk]
        )
        declined = make.draft(
            org, category, author=u["member2"], title="关于谢绝联名的建议", cosigner_ids=[org.member.pk]
        )
        dropped = make.draft(
            org, category, author=u["member"], title="关于联名中撤回的建议", cosigner_ids=[org.member2.pk]
        )
        for p, author in ((lapsing, u["member"]), (declined, u["member2"]), (dropped, u["member"])):
            make.act(p, "submit", author)
    assert read(office, when=DAY).figures()["totals"]["received"]["value"] == 0
    with at(DAY):
        make.act(declined, "decline_cosign", u["member"])
        make.act(dropped, "withdraw", u["member"])
    f = read(office, when=DAY)
    assert not f.from_snapshot and f.figures()["totals"]["received"]["value"] == 1
    later = DAY + datetime.timedelta(days=8)
    with at(later):
        assert reminders.lapse_cosign_invitations() == 1
    f = read(office, when=later)
    assert not f.from_snapshot and f.figures()["totals"]["received"]["value"] == 2
    with at(later):
        for p in (lapsing, declined):
            make.act(p, "register", office)
            make.act(p, "assign", office, mode="single", units=[{"unit_id": org.unit.pk, "role": "single"}])
        make.act(make.assignment_of(declined, org.unit), "dispute_assignment", u["unit"], reason="不属本单位职责")
    read(office, when=later)
    with at(later):
        make.act(
            make.assignment_of(declined, org.unit), "resolve_dispute", office, decision="keep", comment="请继续办理"
        )
    assert not read(office, when=later).from_snapshot
    accept_day = later + datetime.timedelta(days=14)
    read(office, when=accept_day)
    with at(accept_day):
        assert reminders.auto_accept_assignments() == 1
    assert not read(office, when=accept_day).from_snapshot
    # consenting to publication changes no figure (with publication switched on)
    settings.PROPOSALS = {"PUBLICATION_ENABLED": True}
    with at(accept_day):
        a = make.assignment_of(lapsing, org.unit)
        make.act(a, "draft_reply", u["unit"], text="答复", grade="A")
        make.act(a, "sign_reply", u["unit-leader"])
        make.act(a, "approve_reply", office)
        make.act(lapsing, "evaluate", u["member"], satisfaction="satisfied")
        make.act(lapsing, "close", office)
    read(office, when=accept_day)
    with at(accept_day):
        make.act(lapsing, "consent_publication", u["member"])
    assert read(office, when=accept_day).from_snapshot


def test_renames_show_at_once_without_recomputing(scenario):
    """Names and orders are read with every answer: a rename is seen, and the counts are still served from the
    snapshot — even when the name is changed behind the services' back."""
    org, users = scenario.org, scenario.org.users
    office = users["office"]
    read(office)
    unit_update(actor=users["admin"], unit=HandlingUnit.objects.get(pk=org.unit.pk), data={"name": "新建区住建局"})
    category_update(
        actor=office,
        category_id=scenario.categories["culture"].pk,
        data={"name": "文化事业", "sort_order": 0, "is_active": False},
    )
    Sector.objects.filter(pk=org.sector.pk).update(name="经济界", sort_order=9)
    Party.objects.filter(pk=org.party.pk).update(name="民革新建区")
    CollectiveProposer.objects.filter(pk=scenario.collective.pk).update(name="民革新建区支部")
    Member.objects.filter(pk=org.member.pk).update(name="张某某")
    type(office).objects.filter(pk=users["leader"].pk).update(display_name="王主席")
    report = read(office)
    assert report.from_snapshot
    f = report.figures()
    assert "新建区住建局" in [r["name"] for r in f["by_unit"]]
    assert "文化事业" not in [r["name"] for r in f["by_category"]]  # deactivated and unused: no row
    assert [r["name"] for r in f["by_sector"]] == ["教育", "经济界", "集体提案"]  # re-ordered too
    assert "民革新建区" in [r["name"] for r in f["by_party"]]
    assert [r["name"] for r in f["by_collective"]] == ["民革新建区支部"]
    assert [(r["proposer"], r["supervising_leader"]) for r in f["key_proposals"]] == [("张某某", "王主席")]


def test_a_term_whose_dates_change_is_recomputed(scenario):
    org, office = scenario.org, scenario.org.users["office"]
    before = read(office, term=str(org.term.pk))
    type(org.term).objects.filter(pk=org.term.pk).update(ends_on=datetime.date(2026, 1, 31))
    after = read(office, term=str(org.term.pk))
    assert not after.from_snapshot
    assert after.figures()["totals"]["received"]["value"] < before.figures()["totals"]["received"]["value"]


def test_changes_are_counted_per_year(scenario):
    """A change to a 2026 proposal leaves the other years' snapshots fresh; session and term snapshots count every
    year's changes."""
    org, office = scenario.org, scenario.org.users["office"]
    read(office, year="2027")
    read(office, year="2026")
    read(office, term=str(org.term.pk))
    with at(_moment(REPORT_DAY)):
        make.act(scenario.p["P11"], "register", office)
    assert read(office, year="2027").from_snapshot
    assert not read(office, year="2026").from_snapshot
    assert not read(office, term=str(org.term.pk)).from_snapshot
    with at(_moment(REPORT_DAY)):
        make.act(scenario.p["P14"], "register", office)  # a 2027 proposal
    assert not read(office, year="2027").from_snapshot
    assert read(office, year="2026").from_snapshot


# Storage -----------------------------------------------------------------------------------------------------------


def test_compacting_the_change_rows_keeps_every_version(scenario):
    scopes = [resolve_scope(year="2026"), resolve_scope(year="2027"), resolve_scope(term=str(scenario.org.term.pk))]
    versions = [statistics.scope_version(s) for s in scopes]
    rows = StatisticsChange.objects.count()
    assert rows > 50
    office = scenario.org.users["office"]
    read(office)  # a snapshot stored with the current version
    removed = statistics.compact_changes()
    assert removed == rows - 2  # one row per year (2026, 2027)
    assert StatisticsChange.objects.count() == 2
    assert [statistics.scope_version(s) for s in scopes] == versions
    assert read(office).from_snapshot  # still fresh: compaction is no change
    assert statistics.compact_changes() == 0


def test_recomputing_twice_keeps_one_row(scenario):
    office = scenario.org.users["office"]
    scope = resolve_scope(year="2026")
    key = statistics.snapshot_key(scope)
    with at(_moment(REPORT_DAY)):
        statistics.store.recompute(scope, key, REPORT_DAY)
        statistics.store.recompute(scope, key, REPORT_DAY)
    assert StatisticsSnapshot.objects.filter(key=key).count() == 1
    assert read(office).from_snapshot


def test_the_background_refresh_is_idempotent(scenario):
    office = scenario.org.users["office"]
    with at(_moment(REPORT_DAY)):
        assert statistics.refresh_statistics.call(2026) is True  # nothing stored: computed
        assert statistics.refresh_statistics.call(2026) is False  # fresh: nothing to do
    assert read(office).from_snapshot
    with at(_moment(REPORT_DAY)):
        make.act(scenario.p["P11"], "register", office)
        assert statistics.refresh_statistics.call(2026) is True
    assert read(office).from_snapshot  # the reader finds it fresh
    with at(_moment(REPORT_DAY + datetime.timedelta(days=1), 0)):
        assert tasks.statistics_new_day.call_local() == [True, True]  # 2026 and 2025, for the new day
    assert read(office, when=REPORT_DAY + datetime.timedelta(days=1)).from_snapshot


# Cost --------------------------------------------------------------------------------------------------------------


def _hit_queries(user) -> int:
    with at(_moment(REPORT_DAY)), CaptureQueriesContext(connection) as ctx:
        report = statistics_report(user=user, visible=visible_proposals(user), scope=resolve_scope(year="2026"))
        report.figures()
    assert report.from_snapshot
    return len(ctx.captured_queries)


def test_a_snapshot_hit_costs_a_few_queries_whatever_the_size(scenario, category):
    office = type(scenario.org.users["office"]).objects.get(pk=scenario.org.users["office"].pk)
    roles_of(office)  # the request has its user's roles already
    read(office)
    few = _hit_queries(office)
    units = [HandlingUnit.objects.create(name=f"新建区测试局{i}", short_name=f"测试局{i}") for i in range(5)]
    Category.objects.create(name="生态文明建设", sort_order=5)
    with at(_moment(REPORT_DAY)):
        for i, unit in enumerate(units):
            p = make.draft(scenario.org, category, title=f"关于第{i}项测试的建议")
            make.act(p, "submit", scenario.org.users["member"])
            make.act(p, "register", office)
            make.act(p, "assign", office, mode="single", units=[{"unit_id": unit.pk, "role": "single"}])
    read(office)
    many = _hit_queries(office)
    # the snapshot with its version (1), names of collectives, sectors, parties, units, categories (5), the key and
    # excellent proposals (1)
    assert few == many == 7
