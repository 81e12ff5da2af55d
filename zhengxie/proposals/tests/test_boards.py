"""The boards: a handling unit's own assignments, overdue and due-soon work by unit, key and excellent proposals.
Data is made through the real services; only due dates (and, for the contact window, acceptance times) are moved
afterwards, as data set-up."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.builders import proposals as make
from tests.builders.org import PASSWORD, ROLE_KEYS
from zhengxie.accounts.services import account_create, role_grant
from zhengxie.audit.models import AuditEntry
from zhengxie.core.roles import Role
from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.models import Assignment, ExcellentUnitAward
from zhengxie.proposals.views_boards import _contact_overdue_before
from zhengxie.workdays.services import working_days_between

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _due(p, unit, days: int) -> None:
    Assignment.objects.filter(pk=make.assignment_of(p, unit).pk).update(
        due_date=TODAY() + datetime.timedelta(days=days)
    )


def _rows(response):
    return [row.assignment.proposal_id for row in response.context["rows"]]


def _get(client_for, user, name, **params):
    return client_for(user).get(reverse(f"proposals:{name}"), params)


# The handling unit's board -------------------------------------------------------------------------------------


def test_a_unit_sees_only_its_own_assignments(org, category, client_for):
    # given one proposal for each unit and one handled jointly
    u = org.users
    own = make.assigned(org, category, title="住建局单办")
    other = make.assigned(org, category, title="教体局单办", units=[(org.other_unit, "single")])
    joint = make.jointly_assigned(org, category, title="住建局主办、教体局会办")
    # when the unit's staff, its leader and the other unit's staff open their boards
    for user in (u["unit"], u["unit-leader"]):
        response = _get(client_for, user, "unit_board", tab="pending")
        # then each unit sees its own assignments only, in every tab, and never the other unit's proposal
        assert response.status_code == 200
        assert sorted(_rows(response)) == sorted([own.pk, joint.pk])
        assert {t["key"]: t["count"] for t in response.context["tabs"]} == {
            "pending": 2,
            "handling": 0,
            "to_sign": 0,
            "returned": 0,
            "replied": 0,
        }
        assert other.title not in response.content.decode()
    response = _get(client_for, u["unit2"], "unit_board", tab="pending")
    assert sorted(_rows(response)) == sorted([other.pk, joint.pk])
    assert own.title not in response.content.decode()
    # asking for the other unit's assignments by id shows the user's own units only
    response = _get(client_for, u["unit"], "unit_board", tab="pending", unit=org.other_unit.pk)
    assert sorted(_rows(response)) == sorted([own.pk, joint.pk])
    # each row links to the proposal
    assert (
        f'href="{reverse("proposals:detail", args=[own.pk])}"'
        in _get(client_for, u["unit"], "unit_board", tab="pending").content.decode()
    )


def test_an_oversight_role_holding_a_unit_post_sees_only_that_units_assignments(org, category, client_for):
    # given the office account also works for the second unit
    from zhengxie.people.models import UnitStaff

    UnitStaff.objects.create(unit=org.other_unit, user=org.users["office"])
    make.assigned(org, category, title="住建局单办")
    other = make.assigned(org, category, title="教体局单办", units=[(org.other_unit, "single")])
    # when it opens the unit board
    office = org.users["office"].__class__.objects.get(pk=org.users["office"].pk)
    response = _get(client_for, office, "unit_board", tab="pending")
    # then it sees its unit's work, not everything its oversight role could read
    assert _rows(response) == [other.pk]


def test_unit_board_tabs_follow_the_workflow(org, category, client_for):
    u = org.users
    pending = make.assigned(org, category, title="待签收")
    disputed = make.assigned(org, category, title="申请调整")
    make.act(make.assignment_of(disputed, org.unit), "dispute_assignment", u["unit"], reason="不属于本单位职责")
    handling = make.accepted(org, category, title="办理中")
    to_sign = make.reply_drafted(org, category, title="待签发")
    signed = make.reply_signed(org, category, title="已签发待审核")
    returned = make.reply_signed(org, category, title="被退回")
    make.act(make.assignment_of(returned, org.unit), "return_reply", u["office"], comment="请补充落实措施")
    approved = make.reply_approved(org, category, title="已答复")
    redrafted = make.reply_signed(org, category, title="退回后重新起草")
    make.act(make.assignment_of(redrafted, org.unit), "return_reply", u["office"], comment="请修改")
    make.act(make.assignment_of(redrafted, org.unit), "draft_reply", u["unit"], text="修改后的答复", grade="B")

    expected = {
        "pending": {pending.pk, disputed.pk},
        "handling": {handling.pk},
        "to_sign": {to_sign.pk, redrafted.pk},
        "returned": {returned.pk},
        "replied": {signed.pk, approved.pk},
    }
    for tab, ids in expected.items():
        response = _get(client_for, u["unit-leader"], "unit_board", tab=tab)
        assert response.context["tab"] == tab
        assert set(_rows(response)) == ids, tab
        assert {t["key"]: t["count"] for t in response.context["tabs"]} == {k: len(v) for k, v in expected.items()}
    body = _get(client_for, u["unit"], "unit_board", tab="returned").content.decode()
    assert "请补充落实措施" in body
    body = _get(client_for, u["unit"], "unit_board", tab="pending").content.decode()
    assert "已申请调整，待提案委处理" in body
    # without a tab the board opens on the first tab that has work
    assert _get(client_for, u["unit"], "unit_board").context["tab"] == "pending"


def test_unit_board_rows_show_due_dates_contact_and_co_opinion_state(org, category, client_for):
    u = org.users
    today = TODAY()
    late = make.accepted(org, category, title="已超期")
    _due(late, org.unit, -3)
    soon = make.accepted(org, category, title="五天后到期")
    _due(soon, org.unit, 5)
    contacted = make.accepted(org, category, title="已沟通")
    make.act(
        make.assignment_of(contacted, org.unit),
        "record_contact",
        u["unit"],
        date=str(today),
        way="phone",
        summary="电话沟通",
    )
    _due(contacted, org.unit, 10)
    silent = make.accepted(org, category, title="未沟通")
    Assignment.objects.filter(pk=make.assignment_of(silent, org.unit).pk).update(
        accepted_at=timezone.now() - datetime.timedelta(days=40)
    )
    _due(silent, org.unit, 20)
    joint = make.jointly_assigned(org, category, title="主办会办")
    make.act(make.assignment_of(joint, org.unit), "accept_assignment", u["unit"])
    make.act(make.assignment_of(joint, org.other_unit), "accept_assignment", u["unit2"])
    _due(joint, org.unit, 30)

    response = _get(client_for, u["unit"], "unit_board", tab="handling")
    rows = {row.assignment.proposal_id: row for row in response.context["rows"]}
    # sorted by due date
    assert _rows(response) == [late.pk, soon.pk, contacted.pk, silent.pk, joint.pk]
    assert (rows[late.pk].overdue, rows[late.pk].overdue_days) == (True, 3)
    assert (rows[soon.pk].overdue, rows[soon.pk].days_left) == (False, 5)
    assert rows[contacted.pk].contact.date == today and rows[contacted.pk].contact_late is False
    assert rows[silent.pk].contact is None and rows[silent.pk].contact_late is True
    assert rows[soon.pk].contact is None and rows[soon.pk].contact_late is False
    assert (rows[joint.pk].co_sent, rows[joint.pk].co_total) == (0, 1)
    body = response.content.decode()
    assert "已超期 3 天" in body
    assert body.count('data-testid="contact-missing"') == 1
    assert body.count('data-testid="contact-recorded"') == 1

    # the co-handler sees when its opinion is due, and is flagged once that month has passed
    response = _get(client_for, u["unit2"], "unit_board", tab="handling")
    (co_row,) = response.context["rows"]
    co = make.assignment_of(joint, org.other_unit)
    assert co_row.co_due == _month_later(timezone.localdate(co.assigned_at)) and co_row.co_late is False
    Assignment.objects.filter(pk=co.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=40))
    (co_row,) = _get(client_for, u["unit2"], "unit_board", tab="handling").context["rows"]
    assert co_row.co_late is True
    make.act(co, "submit_co_opinion", u["unit2"], text="会办意见：同意")
    assert _rows(_get(client_for, u["unit2"], "unit_board", tab="replied")) == [joint.pk]
    (lead_row,) = [
        r
        for r in _get(client_for, u["unit"], "unit_board", tab="handling").context["rows"]
        if r.assignment.proposal_id == joint.pk
    ]
    assert (lead_row.co_sent, lead_row.co_total) == (1, 1)


def _month_later(day):
    from zhengxie.proposals.actions import add_months

    return add_months(day, 1)


def test_contact_cutoff_matches_the_working_day_rule(org):
    # An assignment is flagged when no contact was recorded and (accepted, today] already holds more than 15
    # working days — the same rule actions.record_contact uses for a contact recorded today.
    today = TODAY()
    cutoff = _contact_overdue_before(today)
    for back in range(0, 45):
        accepted = today - datetime.timedelta(days=back)
        assert (accepted < cutoff) == (working_days_between(accepted, today) > 15), accepted


def test_replied_tab_shows_whether_the_reply_was_on_time(org, category, client_for):
    u = org.users
    on_time = make.reply_approved(org, category, title="按期答复")
    late = make.reply_signed(org, category, title="超期答复")
    _due(late, org.unit, -1)
    make.act(
        make.assignment_of(late, org.unit), "approve_reply", u["office"]
    )  # approved today, after a due date of yesterday
    waiting = make.reply_signed(org, category, title="待审核")
    response = _get(client_for, u["unit"], "unit_board", tab="replied")
    rows = {r.assignment.proposal_id: r for r in response.context["rows"]}
    # on time as the annual report counts it: the reply approved by the due date; a reply awaiting approval, not yet
    assert {pk: r.on_time for pk, r in rows.items()} == {on_time.pk: True, late.pk: False, waiting.pk: None}
    assert rows[waiting.pk].answered_at is not None and rows[waiting.pk].approved_at is None
    body = response.content.decode()
    assert body.count('data-testid="on-time"') == 1 and body.count('data-testid="late"') == 1


# Boards for the office, leaders and overseers ------------------------------------------------------------------


def _board_data(org, category):
    u = org.users
    d = {}
    d["a1"] = make.assigned(org, category, title="住建局超期一天")
    _due(d["a1"], org.unit, -1)
    d["a2"] = make.accepted(org, category, title="住建局超期十天")
    _due(d["a2"], org.unit, -10)
    d["a3"] = make.accepted(org, category, title="住建局三天后到期")
    _due(d["a3"], org.unit, 3)
    d["a4"] = make.reply_drafted(org, category, title="住建局二十天后到期")
    _due(d["a4"], org.unit, 20)
    d["a5"] = make.assigned(org, category, title="住建局六十天后到期")
    _due(d["a5"], org.unit, 60)
    d["a6"] = make.reply_approved(org, category, title="住建局按期答复")
    d["a7"] = make.reply_signed(org, category, title="住建局签发待审核")
    _due(d["a7"], org.unit, -1)
    d["a8"] = make.reply_signed(org, category, title="住建局超期答复")
    _due(d["a8"], org.unit, -1)
    make.act(make.assignment_of(d["a8"], org.unit), "approve_reply", u["office"])
    d["joint"] = make.jointly_assigned(org, category, title="住建局主办教体局会办")  # lead: due in 3 months
    make.act(make.assignment_of(d["joint"], org.other_unit), "accept_assignment", u["unit2"])
    make.act(make.assignment_of(d["joint"], org.other_unit), "submit_co_opinion", u["unit2"], text="同意")
    d["b1"] = make.assigned(org, category, title="教体局今天到期", units=[(org.other_unit, "single")])
    _due(d["b1"], org.other_unit, 0)
    # disputed by the second unit and reassigned to the first: counted for the first unit only
    d["moved"] = make.assigned(org, category, title="改交住建局", units=[(org.other_unit, "single")])
    make.act(make.assignment_of(d["moved"], org.other_unit), "dispute_assignment", u["unit2"], reason="职责不符")
    make.act(
        make.assignment_of(d["moved"], org.other_unit),
        "resolve_dispute",
        u["office"],
        decision="reassign",
        comment="改交住建局",
        units=[{"unit_id": org.unit.pk, "role": "single"}],
    )
    return d


SUMMARY_KEYS = ("unit_id", "assigned", "live", "overdue", "due_7", "due_30", "replied", "on_time")


def _summary(response):
    return [tuple(row[k] for k in SUMMARY_KEYS) for row in response.context["summary"]]


def test_boards_count_overdue_and_due_soon_by_unit_exactly(org, category, client_for):
    _board_data(org, category)
    for key in ("office", "leader", "overseer"):
        response = _get(client_for, org.users[key], "boards")
        assert response.status_code == 200
        assert _summary(response) == [
            # unit: a1..a8, the joint lead and the reassigned one; in handling: a1–a5, a7 (signed, awaiting the
            # office, and overdue), lead, moved; replied: a6 (on time) and a8 (approved after its due date)
            (org.unit.pk, 10, 8, 3, 1, 2, 2, 1),
            # other unit: b1 and the co-handling done (a co-opinion is not a reply); its reassigned one is not counted
            (org.other_unit.pk, 2, 1, 0, 1, 1, 0, 0),
        ]
        assert response.context["totals"] == {
            "assigned": 12,
            "live": 9,
            "overdue": 3,
            "urged": 0,
            "due_7": 2,
            "due_30": 3,
            "replied": 2,
            "on_time": 1,
        }
        assert response.context["listing"] is None


def _listed(response):
    return [item["a"].proposal_id for item in response.context["listing"]]


def test_clicking_a_unit_lists_its_assignments(org, category, client_for):
    d = _board_data(org, category)
    office = org.users["office"]
    unit, other = org.unit.pk, org.other_unit.pk
    assert _listed(_get(client_for, office, "boards", unit=unit, overdue=1)) == [d["a2"].pk, d["a1"].pk, d["a7"].pk]
    assert _listed(_get(client_for, office, "boards", overdue=1)) == [d["a2"].pk, d["a1"].pk, d["a7"].pk]
    assert _listed(_get(client_for, office, "boards", due_within=7)) == [d["b1"].pk, d["a3"].pk]
    assert _listed(_get(client_for, office, "boards", unit=unit, due_within=30)) == [d["a3"].pk, d["a4"].pk]
    assert _listed(_get(client_for, office, "boards", unit=unit, status="on_time")) == [d["a6"].pk]
    assert _listed(_get(client_for, office, "boards", unit=unit, status="replied")) == [d["a8"].pk, d["a6"].pk]
    assert _listed(_get(client_for, office, "boards", unit=other, status="replied")) == []
    assert _listed(_get(client_for, office, "boards", unit=other, status="live")) == [d["b1"].pk]
    assert len(_listed(_get(client_for, office, "boards", unit=unit))) == 10
    response = _get(client_for, office, "boards", unit=unit, overdue=1)
    body = response.content.decode()
    assert response.context["list_title"] == "新建区住房和城乡建设局 · 已超期"
    assert [item["overdue_days"] for item in response.context["listing"]] == [10, 1, 1]
    assert "已超期 10 天" in body
    assert f'href="{reverse("proposals:detail", args=[d["a1"].pk])}"' in body
    assert d["a3"].title not in body.split('data-testid="assignment-list"')[1]


def test_boards_filter_by_year(org, category, client_for):
    # given a proposal of last year, still open and long overdue, and one of this year
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))):
        old = make.assigned(org, category, title="去年的提案", units=[(org.other_unit, "single")])
    new = make.assigned(org, category, title="今年的提案")
    office = org.users["office"]
    this_year = TODAY().year
    assert old.year == 2025 and new.year == this_year
    # when the office picks a year, the table and the lists hold only that year's proposals
    assert _summary(_get(client_for, office, "boards", year=2025)) == [(org.other_unit.pk, 1, 1, 1, 0, 0, 0, 0)]
    assert _summary(_get(client_for, office, "boards", year=this_year)) == [(org.unit.pk, 1, 1, 0, 0, 0, 0, 0)]
    assert _listed(_get(client_for, office, "boards", year=this_year, overdue=1)) == []
    assert _listed(_get(client_for, office, "boards", year=2025, overdue=1)) == [old.pk]
    # and without a year everything is counted
    assert len(_summary(_get(client_for, office, "boards"))) == 2
    assert _get(client_for, office, "boards").context["years"] == [this_year, 2025]


# Key proposals -------------------------------------------------------------------------------------------------


def _leader2():
    user = account_create(username="demo-leader2", password=PASSWORD, display_name="王主席")
    role_grant(user=user, role=Role.LEADER, actor=None)
    return user


def _key(org, category, title, supervisor):
    p = make.assigned(org, category, title=title)
    make.act(p, "propose_key", org.users["office"], supervising_leader_id=supervisor.pk)
    return make.act(p, "approve_key", org.users["leader"])


def _close(org, p):
    make.approve_reply(org, make.assignment_of(p, org.unit), grade="A")
    make.act(p, "evaluate", org.users["member"], satisfaction="satisfied")
    return make.act(p, "close", org.users["office"])


def test_key_board_lists_key_proposals_until_closed(org, category, client_for):
    u = org.users
    leader2 = _leader2()
    mine = _key(org, category, "重点：充电桩建设", u["leader"])
    theirs = _key(org, category, "重点：汽车产业园", leader2)
    proposed = make.assigned(org, category, title="拟定重点：老旧小区改造")
    proposal_act(
        proposal_id=proposed.pk,
        action="propose_key",
        actor=u["office"],
        payload={"supervising_leader_id": u["leader"].pk},
    )
    closed = _key(org, category, "重点：已办结", leader2)
    _close(org, closed)
    make.assigned(org, category, title="普通提案")
    for kind, day, findings in (
        ("discussion", TODAY() - datetime.timedelta(days=3), "座谈推进"),
        ("site_visit", TODAY(), "现场察看充电桩点位"),
    ):
        proposal_act(
            proposal_id=mine.pk,
            action="record_supervision",
            actor=u["leader"],
            payload={"kind": kind, "date": str(day), "findings": findings},
        )

    # the supervising leader sees their own first, then the rest; closed ones are hidden
    response = _get(client_for, u["leader"], "key_board")
    assert [p.pk for p in response.context["page"]] == [mine.pk, theirs.pk]
    assert [p.pk for p in response.context["proposed"]] == [proposed.pk]
    body = response.content.decode()
    assert "现场察看充电桩点位" in body and "座谈推进" not in body  # the latest activity only
    assert body.count('data-mine="1"') == 1
    assert "新建区住房和城乡建设局（单办）" in body
    # the office sees the newest first; the toggle shows closed ones too
    response = _get(client_for, u["office"], "key_board")
    assert [p.pk for p in response.context["page"]] == [theirs.pk, mine.pk]
    response = _get(client_for, u["overseer"], "key_board", closed=1)
    assert [p.pk for p in response.context["page"]] == [closed.pk, theirs.pk, mine.pk]
    assert response.context["page"][0].supervising_leader == leader2
    # leader2 gets theirs first
    response = _get(client_for, leader2, "key_board", closed=1)
    assert [p.pk for p in response.context["page"]] == [closed.pk, theirs.pk, mine.pk]
    response = _get(client_for, leader2, "key_board")
    assert [p.pk for p in response.context["page"]] == [theirs.pk, mine.pk]


# Excellent proposals -------------------------------------------------------------------------------------------


def _excellent(org, category):
    u = org.users
    approved = make.registered(org, category, title="优秀：社区养老服务")
    proposal_act(proposal_id=approved.pk, action="nominate_excellent", actor=u["office"])
    proposal_act(proposal_id=approved.pk, action="approve_excellent", actor=u["leader"])
    nominated = make.registered(org, category, title="提名：湿地观鸟经济")
    proposal_act(proposal_id=nominated.pk, action="nominate_excellent", actor=u["office"])
    make.registered(org, category, title="普通提案")
    return approved, nominated


def test_excellent_page_shows_the_published_list_and_nominations_to_reviewers(org, category, client_for):
    approved, nominated = _excellent(org, category)
    u = org.users
    response = _get(client_for, u["member2"], "excellent")
    assert [p.pk for p in response.context["approved"]] == [approved.pk]
    assert response.context["nominated"] is None and response.context["form"] is None
    assert nominated.title not in response.content.decode()
    for key in ("office", "leader"):
        response = _get(client_for, u[key], "excellent")
        assert [p.pk for p in response.context["approved"]] == [approved.pk]
        assert [p.pk for p in response.context["nominated"]] == [nominated.pk]
    assert response.context["form"] is None  # the leader reads; the office awards
    assert _get(client_for, u["office"], "excellent").context["form"] is not None
    assert _get(client_for, u["office"], "excellent", year=2025).context["approved"] == []


def test_office_awards_an_excellent_handling_unit(org, category, client_for):
    u = org.users
    year = TODAY().year
    url = reverse("proposals:excellent")
    # when the office awards the unit
    response = client_for(u["office"]).post(url, {"year": year, "unit": org.unit.pk, "note": "办理质量高"})
    # then it is recorded and audited, and the page lists it
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == f"{url}?year={year}"
    award = ExcellentUnitAward.objects.get()
    assert (award.year, award.unit, award.note, award.awarded_by) == (year, org.unit, "办理质量高", u["office"])
    assert AuditEntry.objects.filter(action="proposal.award_unit").count() == 1
    response = _get(client_for, u["member"], "excellent")
    assert [a.unit_id for a in response.context["awards"]] == [org.unit.pk]
    # the same unit cannot be awarded twice in a year; the form says so
    response = client_for(u["office"]).post(url, {"year": year, "unit": org.unit.pk})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert 'aria-invalid="true"' in response.content.decode()
    # a member or a leader may not award
    for key in ("member", "leader"):
        assert client_for(u[key]).post(url, {"year": year, "unit": org.other_unit.pk}).status_code == 403
    assert client_for(None).post(url, {"year": year, "unit": org.other_unit.pk}).status_code == 302
    assert ExcellentUnitAward.objects.count() == 1


# Who may open the boards ---------------------------------------------------------------------------------------

ALLOWED = {
    "unit_board": {"unit", "unit-leader", "unit2"},
    "boards": {"office", "leader", "overseer"},
    "key_board": {"office", "leader", "overseer"},
    "excellent": {"office", "leader", "member", "member2"},
}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_wrong_roles_are_refused_and_anonymous_users_sent_to_sign_in(name, org, client_for):
    url = reverse(f"proposals:{name}")
    actual = {}
    for key in ROLE_KEYS:
        response = client_for(None if key == "anonymous" else org.users[key]).get(url)
        actual[key] = response.status_code
        if key == "anonymous":
            assert response["Location"].startswith(f"{reverse('accounts:login')}?next=")
    assert actual == {k: 302 if k == "anonymous" else 200 if k in ALLOWED[name] else 403 for k in ROLE_KEYS}


def test_board_navigation_entries_follow_the_permissions(org, client_for):
    from zhengxie.core.navigation import nav_for

    keys = {k: {item["key"] for item in nav_for(org.users[k])} for k in ("unit", "office", "overseer", "member")}
    assert {"unit_board"} <= keys["unit"] and not {"proposal_boards", "key_proposals"} & keys["unit"]
    assert {"proposal_boards", "key_proposals"} <= keys["office"] and "unit_board" not in keys["office"]
    assert {"proposal_boards", "key_proposals"} <= keys["overseer"]
    assert not {"unit_board", "proposal_boards", "key_proposals"} & keys["member"]


# Query counts do not grow with the rows ------------------------------------------------------------------------


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("tab", ["handling", "to_sign", "replied"])
def test_unit_board_query_count_does_not_grow_with_rows(tab, org, category, client_for, django_assert_max_num_queries):
    client = client_for(org.users["unit-leader"])
    url = reverse("proposals:unit_board")
    make.unit_work(org, category, 1)
    make.reply_approved(org, category, title="已答复0")
    client.get(url, {"tab": tab})  # warm the per-process caches (committee name)
    few = _queries(client, url, {"tab": tab})
    make.unit_work(org, category, 5)
    for i in range(4):
        make.reply_approved(org, category, title=f"已答复{i + 1}")
    many = _queries(client, url, {"tab": tab})
    assert many == few
    with django_assert_max_num_queries(24):
        client.get(url, {"tab": tab})


def test_boards_query_count_does_not_grow_with_rows(org, category, client_for, django_assert_max_num_queries):
    client = client_for(org.users["overseer"])
    url = reverse("proposals:boards")
    make.unit_work(org, category, 1)
    few = (_queries(client, url, {}), _queries(client, url, {"unit": org.unit.pk}))
    make.unit_work(org, category, 5)
    many = (_queries(client, url, {}), _queries(client, url, {"unit": org.unit.pk}))
    assert many == few
    with django_assert_max_num_queries(15):
        client.get(url, {"overdue": 1})


def test_key_and_excellent_query_counts_do_not_grow_with_rows(org, category, client_for, django_assert_max_num_queries):
    u = org.users
    key_url, excellent_url = reverse("proposals:key_board"), reverse("proposals:excellent")

    def add(i):
        p = _key(org, category, f"重点{i}", u["leader"])
        proposal_act(
            proposal_id=p.pk,
            action="record_supervision",
            actor=u["leader"],
            payload={"kind": "research", "date": str(TODAY()), "findings": "调研"},
        )
        proposal_act(proposal_id=p.pk, action="nominate_excellent", actor=u["office"])
        q = make.registered(org, category, title=f"优秀{i}")
        proposal_act(proposal_id=q.pk, action="nominate_excellent", actor=u["office"])
        proposal_act(proposal_id=q.pk, action="approve_excellent", actor=u["leader"])

    leader, office = client_for(u["leader"]), client_for(u["office"])
    add(0)
    few = (_queries(leader, key_url, {}), _queries(office, excellent_url, {}))
    for i in range(1, 5):
        add(i)
    many = (_queries(leader, key_url, {}), _queries(office, excellent_url, {}))
    assert many == few
    with django_assert_max_num_queries(20):
        leader.get(key_url, {"closed": 1})
