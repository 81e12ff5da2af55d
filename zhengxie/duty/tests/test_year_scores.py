"""The year's stored archive rows (MemberYearScore) are made when their inputs change, not searched for on every
read: members created or made serving (through the services or not), rule changes and the nightly job; a read
checks the roster with two index probes. And the committee table read a page at a time: every page, under every
sort and filter, is the slice of the whole ordering, with the same number of queries whatever the page."""

import datetime
import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.builders.org import make_member
from tests.builders.people import member_data
from zhengxie.duty import jobs
from zhengxie.duty.forms_archive import PAGE_SIZE
from zhengxie.duty.models import MemberYearScore, YearScoreRoster
from zhengxie.duty.points import ensure_year, member_archive, ruleset_for
from zhengxie.duty.rules import ruleset_save
from zhengxie.duty.selectors import Ranks, committee_table
from zhengxie.duty.services import duty_add_other
from zhengxie.duty.tasks_archive import duty_year_scores
from zhengxie.people import services as people_services
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Party, Sector, SpecialCommittee

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
TODAY = timezone.localdate()


def _other(org, member, quantity: int) -> None:
    """``quantity`` "other" duties (2 points each under the default rules), entered by the secretariat."""
    duty_add_other(
        actor=org.users["staff"],
        member=member,
        occurred_on=TODAY,
        description="参加界别协商",
        reason="补录",
        quantity=quantity,
    )


def _table_rows(client, **query) -> list[dict]:
    html = client.get(reverse("duty:committee_table"), {"year": YEAR, **query}).content.decode()
    tags = re.findall(r'<tr data-testid="table-row"[^>]*>', html)
    return [dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag)) for tag in tags]


def _score(member) -> MemberYearScore:
    return MemberYearScore.objects.get(member=member, year=YEAR)


# Rows made when their inputs change ------------------------------------------------------------------------------


def test_a_member_added_after_the_year_is_scored_is_in_the_table_and_has_an_archive(org, client_for):
    # given a year whose rows exist and whose roster was checked by a read
    _other(org, org.member, 5)
    staff = client_for(org.users["staff"])
    assert {int(r["member"]) for r in _table_rows(staff)} == {org.member.pk, org.member2.pk}
    # when a member is added outside the services (no hook runs: the roster's check must notice)
    newcomer = make_member(name="赵委员", sector=org.sector, party=org.party, seq=7)
    # then the table lists the newcomer at the base score, ranked like everyone else
    rows = {int(r["member"]): r for r in _table_rows(staff)}
    assert set(rows) == {org.member.pk, org.member2.pk, newcomer.pk}
    base = ruleset_for(YEAR).base_points
    assert D(rows[newcomer.pk]["score"]) == base
    # and the newcomer's archive agrees with the table
    html = staff.get(reverse("duty:member_archive", args=[newcomer.pk]), {"year": YEAR}).content.decode()
    assert f'data-testid="score" data-value="{base}"' in html
    assert f'<span data-testid="rank">{rows[newcomer.pk]["rank"]}</span>' in html


def test_members_registered_or_made_serving_through_the_services_get_this_years_row(
    org, django_capture_on_commit_callbacks
):
    ensure_year(YEAR)
    staff = org.users["staff"]
    # a member registered (as the import does, row by row)
    with django_capture_on_commit_callbacks(execute=True):
        member = people_services.member_create(actor=staff, data=member_data(org, 21))
    assert _score(member).score == ruleset_for(YEAR).base_points
    # a member who leaves keeps the row; one who serves again has one
    resigned = make_member(name="钱委员", sector=org.sector, party=org.party, seq=8)
    people_services.member_set_status(actor=staff, member=resigned, status=MemberStatus.RESIGNED)
    ensure_year(YEAR)
    MemberYearScore.objects.filter(member=resigned).delete()
    with django_capture_on_commit_callbacks(execute=True):
        people_services.member_set_status(actor=staff, member=resigned, status=MemberStatus.SERVING)
    assert _score(resigned).score == ruleset_for(YEAR).base_points
    # and through the member form's update
    MemberYearScore.objects.filter(member=resigned).delete()
    people_services.member_set_status(actor=staff, member=resigned, status=MemberStatus.RESIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        people_services.member_update(actor=staff, member=resigned, data={"status": MemberStatus.SERVING})
    assert MemberYearScore.objects.filter(member=resigned, year=YEAR).exists()


def test_a_member_moved_to_another_sector_is_ranked_there_this_year(org, django_capture_on_commit_callbacks):
    ensure_year(YEAR)
    other = Sector.objects.create(name="新界别", sort_order=99)
    past = MemberYearScore.objects.create(
        member=org.member, year=YEAR - 1, sector=org.sector, total=D("80"), score=D("80")
    )
    with django_capture_on_commit_callbacks(execute=True):
        people_services.member_update(actor=org.users["staff"], member=org.member, data={"sector": other})
    assert _score(org.member).sector_id == other.pk
    assert Ranks(YEAR).sector_size(other.pk) == 1
    past.refresh_from_db()
    assert past.sector_id == org.sector.pk  # the year served in the old sector keeps it


def test_a_read_checks_the_roster_by_two_probes_when_nothing_changed(org, django_assert_num_queries):
    assert ensure_year(YEAR) == 2  # the first check finds both members without a row
    with django_assert_num_queries(2):  # the roster's state, and the year's record of it
        assert ensure_year(YEAR) == 0
    # a change to any member (here its status) makes the next read search again
    people_services.member_set_status(actor=org.users["staff"], member=org.member2, status=MemberStatus.RESIGNED)
    people_services.member_set_status(actor=org.users["staff"], member=org.member2, status=MemberStatus.SERVING)
    MemberYearScore.objects.filter(member=org.member2).delete()
    assert ensure_year(YEAR) == 1
    assert MemberYearScore.objects.filter(member=org.member2, year=YEAR).exists()


def test_filling_gaps_never_overwrites_a_row(org):
    # given a row written by a ledger write (or a rule change) that a gap-filling check must not undo
    _other(org, org.member, 5)
    computed = _score(org.member)
    MemberYearScore.objects.filter(member=org.member2, year=YEAR).delete()
    MemberYearScore.objects.filter(pk=computed.pk).update(score=D("12.34"))
    # when the year is checked in full
    assert ensure_year(YEAR, force=True) == 1
    # then only the missing row was written
    assert _score(org.member).score == D("12.34")
    assert _score(org.member2).score == ruleset_for(YEAR).base_points


def test_the_nightly_job_restores_a_row_the_roster_check_cannot_see(org):
    ensure_year(YEAR)
    # a row lost without any member changing: a read's check, which looks at the roster, does not notice
    MemberYearScore.objects.filter(member=org.member2, year=YEAR).delete()
    assert ensure_year(YEAR) == 0
    # the nightly job checks the year in full
    assert jobs.ensure_year_scores(today=TODAY) == 1
    assert MemberYearScore.objects.filter(member=org.member2, year=YEAR).exists()


def test_the_nightly_job_makes_a_new_years_rows(org):
    next_year = datetime.date(YEAR + 1, 1, 1)
    assert jobs.ensure_year_scores(today=next_year) == 2
    assert set(MemberYearScore.objects.filter(year=YEAR + 1).values_list("member_id", flat=True)) == {
        org.member.pk,
        org.member2.pk,
    }


def test_the_full_check_is_scheduled_every_night():
    assert "duty_year_scores" in {t.name for t in HUEY._registry.periodic_tasks}
    assert duty_year_scores.task_class().validate_datetime(datetime.datetime(YEAR, 1, 1, 0, 5))
    assert not duty_year_scores.task_class().validate_datetime(datetime.datetime(YEAR, 1, 1, 1, 5))


def test_a_rule_change_records_the_roster_it_computed(org, django_assert_num_queries):
    rs = ruleset_for(YEAR)
    ruleset_save(actor=org.users["admin"], year=YEAR, data={"base_points": str(rs.base_points + 1)})
    assert YearScoreRoster.objects.filter(year=YEAR).exists()
    with django_assert_num_queries(2):
        assert ensure_year(YEAR) == 0
    assert _score(org.member).score == rs.base_points + 1


def test_ranks_and_sizes_come_from_one_query(org, django_assert_num_queries):
    third = make_member(name="孙委员", sector=org.sector, party=org.party, seq=9)
    _other(org, org.member, 5)
    _other(org, third, 5)
    ranks = Ranks(YEAR)  # (makes member2's row: no ledger, the base score)
    top, bottom = _score(org.member).score, _score(org.member2).score
    with django_assert_num_queries(1):
        assert (ranks.committee_size(), ranks.sector_size(org.sector.pk), ranks.sector_size(999999)) == (3, 2, 0)
        assert ranks.committee(top) == ranks.sector(org.sector.pk, top) == 1  # shared with third
        assert (ranks.committee(bottom), ranks.sector(org.other_sector.pk, bottom)) == (3, 1)


# The committee table, a page at a time ---------------------------------------------------------------------------


@pytest.fixture
def crowd(org):
    """112 members in three sectors and two parties, some on a special committee, with scores that tie in places
    (so each order's tie-break shows): 2 pages of 50 and one of 12."""
    third_sector = Sector.objects.create(name="科技", sort_order=0)  # sorts before org's sectors
    other_party = Party.objects.create(name="中国民主同盟", short_name="民盟")
    sectors = [org.sector, org.other_sector, third_sector]
    members = [org.member, org.member2]
    for i in range(110):
        m = make_member(
            name=f"委员{(i * 37) % 110:03d}",
            sector=sectors[i % 3],
            party=other_party if i % 4 == 0 else org.party,
            seq=100 + i,
        )
        if i % 5 == 0:
            m.special_committees.add(org.special_committee)
        members.append(m)
    for i, m in enumerate(members):
        if i % 3:
            _other(org, m, i % 7 + 1)
    ensure_year(YEAR)
    return members


def _expected(sort: str, rows) -> list[int]:
    keys = {
        "score": lambda s: (-s.score, s.member_id),
        "-score": lambda s: (s.score, s.member_id),
        "name": lambda s: (s.member.name, s.member_id),
        "sector": lambda s: (s.member.sector.sort_order, -s.score, s.member_id),
    }
    return [s.member_id for s in sorted(rows, key=keys[sort])]


def _competition_ranks(scores: list) -> dict:
    return {s: 1 + sum(1 for o in scores if o > s) for s in set(scores)}


@pytest.mark.parametrize("sort", ["score", "-score", "name", "sector"])
def test_every_page_is_the_slice_of_the_whole_order(org, crowd, client_for, sort):
    staff = client_for(org.users["staff"])
    everyone = list(MemberYearScore.objects.filter(year=YEAR).select_related("member__sector"))
    order = _expected(sort, everyone)
    assert len(order) == 112
    ranks = _competition_ranks([s.score for s in everyone])
    score_of = {s.member_id: s.score for s in everyone}
    seen = []
    for page in (1, 2, 3):
        rows = _table_rows(staff, sort=sort, page=page)
        assert [int(r["member"]) for r in rows] == order[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        assert all(int(r["rank"]) == ranks[score_of[int(r["member"])]] for r in rows)
        seen += [int(r["member"]) for r in rows]
    assert seen == order


@pytest.mark.parametrize(
    "filters",
    [
        {"sector": "other_sector"},
        {"party": "org_party"},
        {"special_committee": "special"},
        {"grade": "称职"},
        {"short": "1"},
        {"q": "委员0"},
    ],
)
def test_filtered_pages_are_slices_of_the_filtered_order(org, crowd, client_for, filters):
    ids = {"other_sector": org.other_sector.pk, "org_party": org.party.pk, "special": org.special_committee.pk}
    query = {k: ids.get(v, v) for k, v in filters.items()}
    staff = client_for(org.users["staff"])
    expected = list(
        committee_table(user=org.users["staff"], year=YEAR, filters=query, sort="sector").values_list(
            "member_id", flat=True
        )
    )
    assert expected  # the filter keeps someone
    shown = []
    for page in range(1, 4):
        shown += [int(r["member"]) for r in _table_rows(staff, sort="sector", page=page, **query)]
        if len(shown) >= len(expected):
            break
    assert shown == expected
    html = staff.get(reverse("duty:committee_table"), {"year": YEAR, **query}).content.decode()
    assert f"共 {len(expected)} 人" in html


def test_a_convener_pages_through_their_own_sector(org, crowd, client_for):
    # demo-member convenes org.sector: the table holds that sector's members only, counted as such
    convener = client_for(org.users["member"])
    mine = set(MemberYearScore.objects.filter(year=YEAR, member__sector=org.sector).values_list("member", flat=True))
    html = convener.get(reverse("duty:committee_table"), {"year": YEAR}).content.decode()
    assert f"共 {len(mine)} 人" in html
    shown = [int(r["member"]) for r in _table_rows(convener)]
    assert set(shown) == mine and len(shown) == len(mine) < PAGE_SIZE


@pytest.mark.parametrize("query", [{}, {"sort": "name"}, {"sort": "sector"}, {"party": "org_party"}])
def test_table_pages_cost_the_same_queries(org, crowd, client_for, query):
    query = {k: org.party.pk if v == "org_party" else v for k, v in query.items()}
    staff = client_for(org.users["staff"])
    url = reverse("duty:committee_table")
    staff.get(url, {"year": YEAR})
    counts = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(url, {"year": YEAR, "page": page, **query}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2]


def test_the_unfiltered_table_is_not_counted_twice(org, crowd, client_for):
    """Seen whole and unfiltered, the table's size is the ranks' total: no COUNT of the year's rows. Filtered, it
    is counted once."""
    staff = client_for(org.users["staff"])
    url = reverse("duty:committee_table")
    staff.get(url, {"year": YEAR})

    def counts(**query) -> int:
        with CaptureQueriesContext(connection) as ctx:
            html = staff.get(url, {"year": YEAR, "page": 3, **query}).content.decode()
        assert "共 " in html
        return sum(1 for q in ctx.captured_queries if '"__count"' in q["sql"] and "duty_memberyearscore" in q["sql"])

    assert counts() == 0
    assert counts(party=org.party.pk) == 1


def test_the_export_holds_every_row_of_a_long_table(org, crowd, client_for):
    response = client_for(org.users["staff"]).get(reverse("duty:committee_table_xlsx"), {"year": YEAR})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in list(sheet.iter_rows(values_only=True))[2:]]
    assert len(names) == 112


# The archive page and API ----------------------------------------------------------------------------------------


def test_archive_page_and_api_queries_do_not_grow_with_the_ledger(org, client_for):
    staff = client_for(org.users["staff"])
    page = reverse("duty:member_archive", args=[org.member.pk])
    api = f"/api/v1/members/{org.member.pk}/duty"
    _other(org, org.member, 1)
    staff.get(page, {"year": YEAR})
    counts = {}
    for label in ("few", "many"):
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(page, {"year": YEAR}).status_code == 200
        with CaptureQueriesContext(connection) as api_ctx:
            assert staff.get(api, {"year": YEAR}).status_code == 200
        counts[label] = (len(ctx.captured_queries), len(api_ctx.captured_queries))
        for i in range(8):
            _other(org, org.member, i + 1)
    assert counts["few"] == counts["many"]


def test_archive_ranks_agree_with_the_table(org, crowd, client_for):
    staff = client_for(org.users["staff"])
    table = {int(r["member"]): r for p in (1, 2, 3) for r in _table_rows(staff, page=p)}
    for member in crowd[::13]:
        html = staff.get(reverse("duty:member_archive", args=[member.pk]), {"year": YEAR}).content.decode()
        live = member_archive(member=member, year=YEAR)
        assert D(table[member.pk]["score"]) == live.score
        assert re.search(r'data-testid="rank">([^<]*)<', html).group(1) == table[member.pk]["rank"]
        assert re.search(r'data-testid="sector-rank">([^<]*)<', html).group(1) == table[member.pk]["sector-rank"]
        data = staff.get(f"/api/v1/members/{member.pk}/duty", {"year": YEAR}).json()
        assert (data["score"], str(data["rank"]), str(data["sector_rank"])) == (
            str(live.score),
            table[member.pk]["rank"],
            table[member.pk]["sector-rank"],
        )


def test_special_committee_filter_lists_each_member_once(org, crowd, client_for):
    second = SpecialCommittee.objects.create(name="经济委员会")
    for m in crowd[:20]:
        m.special_committees.add(second)
    rows = _table_rows(client_for(org.users["staff"]), special_committee=org.special_committee.pk)
    ids = [int(r["member"]) for r in rows]
    assert (
        len(ids)
        == len(set(ids))
        == MemberYearScore.objects.filter(year=YEAR, member__special_committees=org.special_committee).count()
    )
