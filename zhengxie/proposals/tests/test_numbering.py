"""Registration numbers (立案编号): one yearly sequence, gapless and unique even when several staff register at once;
format ``{year}{seq:04d}`` by default. The year is the proposal's year, i.e. the (Asia/Shanghai) date it was
submitted."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.builders import proposals as make
from tests.builders.org import PASSWORD
from zhengxie.accounts.services import account_create, role_grant
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import StateConflict
from zhengxie.core.roles import Role
from zhengxie.proposals import actions
from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.choices import ProposalState
from zhengxie.proposals.models import Proposal, TimelineEntry, YearCounter

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _submitted(org, category, n: int, *, author="member") -> Proposal:
    """The ``n``th proposal: its title says which it is."""
    return make.submitted(org, category, author=author, title=f"关于第{n}件事的建议")


def _register(org, p: Proposal) -> Proposal:
    return make.act(p, "register", org.users["office"])


@pytest.mark.django_db(transaction=True)
def test_parallel_registration_by_several_staff_gives_gapless_unique_numbers(org, category):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer at a time hold the database, so it cannot show a race between registrations; "
            "run with DATABASE_URL=postgres://… to test row locking under concurrency"
        )
    offices = [org.users["office"]]
    for i in (2, 3):
        user = account_create(username=f"demo-office{i}", password=PASSWORD, display_name=f"提案委{i}")
        role_grant(user=user, role=Role.PROPOSAL_OFFICE, actor=None)
        offices.append(user)
    proposals = [_submitted(org, category, n, author="member" if n % 2 else "member2") for n in range(1, 21)]
    year = proposals[0].year
    assert YearCounter.objects.filter(year=year).count() == 0  # the counter row itself is created in the race
    threads_n = 8
    barrier = threading.Barrier(threads_n)
    errors, done = [], []

    def work(i: int) -> None:
        try:
            from django.contrib.auth import get_user_model

            actor = get_user_model().objects.get(pk=offices[i % len(offices)].pk)  # own object, own role cache
            barrier.wait(timeout=30)
            for p in proposals[i::threads_n]:
                done.append(proposal_act(proposal_id=p.pk, action="register", actor=actor).number)
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    expected = [f"{year}{seq:04d}" for seq in range(1, 21)]
    assert sorted(done) == expected
    rows = Proposal.objects.filter(pk__in=[p.pk for p in proposals])
    assert sorted(rows.values_list("number", flat=True)) == expected
    assert sorted(rows.values_list("seq", flat=True)) == list(range(1, 21))
    assert set(rows.values_list("state", flat=True)) == {ProposalState.REGISTERED}
    assert YearCounter.objects.get(year=year).last_seq == 20
    registrars = set(AuditEntry.objects.filter(action="proposal.register").values_list("actor_id", flat=True))
    assert registrars == {u.pk for u in offices}


def test_sequential_registrations_get_consecutive_numbers(org, category):
    ps = [_submitted(org, category, n) for n in range(1, 4)]
    numbers = [_register(org, p).number for p in ps]
    year = ps[0].year
    assert numbers == [f"{year}0001", f"{year}0002", f"{year}0003"]
    assert [Proposal.objects.get(pk=p.pk).seq for p in ps] == [1, 2, 3]
    assert YearCounter.objects.get(year=year).last_seq == 3


def test_a_refused_registration_does_not_take_a_number(org, category):
    first = _register(org, _submitted(org, category, 1))
    with pytest.raises(StateConflict):
        _register(org, first)  # already registered: refused before numbering
    second = _register(org, _submitted(org, category, 2))
    assert second.number == f"{second.year}0002"
    assert YearCounter.objects.get(year=second.year).last_seq == 2


def test_a_registration_that_fails_after_numbering_gives_the_number_back(org, category, monkeypatch):
    """The counter is taken inside the registration's transaction: when anything after the numbering fails (here
    the audit row), the whole registration rolls back and the next one gets the same number."""
    p = _submitted(org, category, 1)
    real_audit = actions.audit_record

    def failing_audit(**kwargs):
        if kwargs["action"] == "proposal.register":
            raise RuntimeError("disk full")
        return real_audit(**kwargs)

    monkeypatch.setattr(actions, "audit_record", failing_audit)
    timeline_before = TimelineEntry.objects.count()
    with pytest.raises(RuntimeError):
        _register(org, p)
    p.refresh_from_db()
    assert (p.state, p.number, p.seq) == (ProposalState.SUBMITTED, "", None)
    assert YearCounter.objects.filter(year=p.year, last_seq__gt=0).count() == 0
    assert TimelineEntry.objects.count() == timeline_before
    monkeypatch.setattr(actions, "audit_record", real_audit)
    assert _register(org, p).number == f"{p.year}0001"


def test_a_proposal_in_the_wrong_state_is_refused_and_numbers_stay_gapless(org, category):
    a = _submitted(org, category, 1)
    b = _submitted(org, category, 2)
    proposal_act(proposal_id=b.pk, action="withdraw", actor=org.users["member"])
    _register(org, a)
    with pytest.raises(StateConflict):
        _register(org, b)
    c = _register(org, _submitted(org, category, 3))
    assert (Proposal.objects.get(pk=b.pk).number, c.number) == ("", f"{c.year}0002")


def test_merging_into_a_submitted_proposal_takes_the_next_number_once(org, category):
    lead = _submitted(org, category, 1)
    merged = _submitted(org, category, 2, author="member2")
    proposal_act(proposal_id=merged.pk, action="merge", actor=org.users["office"], payload={"into": lead.pk})
    lead.refresh_from_db()
    merged.refresh_from_db()
    assert (lead.state, lead.number) == (ProposalState.REGISTERED, f"{lead.year}0001")
    assert (merged.state, merged.number) == (ProposalState.MERGED, "")
    assert _register(org, _submitted(org, category, 3)).number == f"{lead.year}0002"


def test_numbers_restart_at_0001_in_a_new_year(org, category, time_machine):
    # Submitted at 23:50 on New Year's Eve in Nanchang: a 2026 proposal.
    time_machine.move_to(datetime.datetime(2026, 12, 31, 23, 50, tzinfo=SHANGHAI), tick=False)
    late_2026 = _submitted(org, category, 1)
    early_2026 = _submitted(org, category, 2)
    assert _register(org, early_2026).number == "20260001"
    # 00:30 on 1 January in Nanchang is still 31 December in UTC: the local date decides.
    time_machine.move_to(datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC), tick=False)
    new_year = _submitted(org, category, 3)
    assert (late_2026.year, new_year.year) == (2026, 2027)
    assert _register(org, new_year).number == "20270001"
    # A 2026 proposal registered in January keeps its year's sequence.
    assert _register(org, late_2026).number == "20260002"
    assert _register(org, _submitted(org, category, 4)).number == "20270002"
    assert dict(YearCounter.objects.values_list("year", "last_seq")) == {2026: 2, 2027: 2}


def test_number_format_is_a_setting(org, category, settings):
    settings.PROPOSALS = {"NUMBER_FORMAT": "{year}-{seq:03d}"}
    p = _register(org, _submitted(org, category, 1))
    assert p.number == f"{p.year}-001"
