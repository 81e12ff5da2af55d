"""Points from the ledger with a hand-worked year: joint proposals shared, a cap reached, negative points for
absences, a reversed row, minimums and alerts; a rule change recomputes that year only."""

import datetime
from decimal import Decimal as D

import pytest

from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import NotAllowed
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import MemberYearScore, RuleItem
from zhengxie.duty.points import member_archive, ruleset_for
from zhengxie.duty.rules import ruleset_save
from zhengxie.duty.services import duty_record_event, duty_reverse
from zhengxie.people.models import HandlingUnit

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 3, 10)


class Source:
    """Any saved model works as a ledger source; handling units are handy distinct rows."""

    n = 0

    @classmethod
    def make(cls):
        cls.n += 1
        return HandlingUnit.objects.create(name=f"来源单位{cls.n}")


def _event(member, kind, qty=1, share=1, source=None, year=2026):
    return duty_record_event(
        member=member,
        kind=kind,
        occurred_on=ON.replace(year=year),
        source=source or Source.make(),
        quantity=qty,
        share_count=share,
    )


def _hand_worked_year(org):
    rs = ruleset_for(2026)
    RuleItem.objects.filter(
        ruleset=rs, kind__in=[DutyKind.PROPOSAL_REGISTERED_LEAD, DutyKind.PROPOSAL_REGISTERED_COSIGNER]
    ).update(joint_points=12)
    a, b = org.member, org.member2
    joint = Source.make()
    _event(a, "attended.plenary", qty=4)  # 4 half days x 5 = 20
    _event(a, "attended.inspection")  # 3
    _event(a, "attended.research")  # 3
    _event(a, "absent.standing_committee")  # -5
    _event(a, DutyKind.PROPOSAL_REGISTERED_LEAD, share=3, source=joint)  # joint of 3: 12 x 0.5 = 6
    _event(a, DutyKind.PROPOSAL_REGISTERED_LEAD)  # alone: 10
    _event(a, DutyKind.TRAINING_HOURS, qty=30)  # 30 x 0.5 = 15, capped at 10
    wrong = _event(a, "attended.seminar")  # 3, then reversed: 0
    duty_reverse(record=wrong, note="录入错误")
    _event(b, DutyKind.PROPOSAL_REGISTERED_COSIGNER, share=3, source=joint)  # 12 x 0.5 / 2 = 3
    _event(b, "absent.plenary")  # -10
    _event(b, "absent.plenary")  # -10
    return a, b


def test_hand_worked_year(org):
    a, b = _hand_worked_year(org)
    arch = member_archive(member=a, year=2026)
    assert arch.by_kind["attended.plenary"]["points"] == "20.00"
    assert arch.by_kind["attended.*"]["points"] == "6.00"
    assert arch.by_kind["attended.*"]["count"] == 2  # inspection + research; the seminar nets to zero
    assert arch.by_kind["absent.*"]["points"] == "-5.00"
    assert arch.by_kind[DutyKind.PROPOSAL_REGISTERED_LEAD]["points"] == "16.00"
    assert arch.by_kind[DutyKind.TRAINING_HOURS] == {
        "label": "学习培训（每学时）",
        "count": 1,
        "quantity": "30.00",
        "points": "10.00",
        "capped": True,
    }
    assert arch.total == D("47.00")
    assert arch.score == D("100.00")  # 60 + 47 = 107, at most 100
    assert arch.grade == "优秀"
    assert [m["code"] for m in arch.missing] == ["proposal", "opinion"]  # lead registrations are not "submitted"
    assert arch.alerts == []

    arch_b = member_archive(member=b, year=2026)
    assert arch_b.by_kind[DutyKind.PROPOSAL_REGISTERED_COSIGNER]["points"] == "3.00"
    assert arch_b.by_kind["absent.plenary"]["points"] == "-20.00"
    assert (arch_b.total, arch_b.score, arch_b.grade) == (D("-17.00"), D("43.00"), "不称职")
    assert [m["code"] for m in arch_b.missing] == ["plenary", "activities", "opinion"]
    assert [x["code"] for x in arch_b.alerts] == ["plenary_absences"]

    # The stored table holds exactly what the archive shows (one computation).
    stored = MemberYearScore.objects.get(member=a, year=2026)
    assert (stored.total, stored.score, stored.grade, stored.by_kind, stored.missing) == (
        arch.total,
        arch.score,
        arch.grade,
        arch.by_kind,
        arch.missing,
    )


def test_rule_change_recomputes_that_year_only(org):
    _event(org.member, "attended.seminar", year=2025)
    a, _b = _hand_worked_year(org)
    before_2025 = MemberYearScore.objects.get(member=a, year=2025)
    audit_before = AuditEntry.objects.count()
    result = ruleset_save(
        actor=org.users["admin"],
        year=2026,
        data={
            "items": [
                {"kind": "attended.*", "label": "出席活动", "points": "4"},
                {"kind": "attended.plenary", "label": "全体会议", "points": "5"},
            ],
            "base_points": "50",
        },
    )
    assert result["recomputed"] >= 2
    after = MemberYearScore.objects.get(member=a, year=2026)
    # 20 (plenary) + 2 x 4 (activities); nothing else has a rule any more
    assert (after.total, after.score, after.grade) == (D("28.00"), D("78.00"), "称职")
    unchanged = MemberYearScore.objects.get(member=a, year=2025)
    assert (unchanged.total, unchanged.computed_at) == (before_2025.total, before_2025.computed_at)
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "duty.save_rules" and entry.changes["base_points"] == ["60.00", "50"]


def test_only_admins_change_rules_and_nothing_changes_on_refusal(org):
    ruleset_for(2026)
    count = RuleItem.objects.count()
    with pytest.raises(NotAllowed):
        ruleset_save(actor=org.users["staff"], year=2026, data={"items": []})
    assert RuleItem.objects.count() == count


def test_recording_the_same_event_twice_is_ignored(org):
    source = Source.make()
    assert _event(org.member, "attended.other", source=source) is not None
    assert _event(org.member, "attended.other", source=source) is None
    assert member_archive(member=org.member, year=2026).by_kind["attended.*"]["count"] == 1


def test_a_joint_opinion_report_shares_its_joint_points_equally_among_its_authors(org):
    # given a table where a joint report's submission is worth 6 in all (the lead of a joint proposal taking 60 %),
    # and a report by two members
    rs = ruleset_for(2026)
    type(rs).objects.filter(pk=rs.pk).update(joint_lead_share=D("0.6"))
    RuleItem.objects.filter(ruleset=rs, kind=DutyKind.OPINION_SUBMITTED).update(joint_points=6)
    joint = Source.make()
    _event(org.member, DutyKind.OPINION_SUBMITTED, share=2, source=joint)
    _event(org.member2, DutyKind.OPINION_SUBMITTED, share=2, source=joint)
    # then each author has half of it, whichever of them led
    for member in (org.member, org.member2):
        assert member_archive(member=member, year=2026).by_kind[DutyKind.OPINION_SUBMITTED]["points"] == "3.00"
