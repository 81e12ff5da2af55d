"""A year of proposals with known figures, made through the real services on a controlled clock: the statistics
tests check every figure of it exactly, and the documents tests read it back from the reports built on it.

``build_scenario`` describes each proposal; the days below are when its steps happen.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

import time_machine

from zhengxie.people.models import CollectiveProposer, Member, Party, Session
from zhengxie.proposals.models import Assignment, Category, Proposal

from .org import member_with_account
from .proposals import act, approve_reply, assignment_of, draft

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
SESSION_DAY = datetime.datetime(2026, 1, 7, 10, 0, tzinfo=SH)  # in the 5th session's filing window
REVIEW_DAY = datetime.datetime(2026, 2, 10, 10, 0, tzinfo=SH)
HANDLING_DAY = datetime.datetime(2026, 2, 20, 10, 0, tzinfo=SH)
LATE_DAY = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=SH)  # after P2's due date 2026-03-10
CLOSING_DAY = datetime.datetime(2026, 4, 20, 10, 0, tzinfo=SH)  # P2's evaluation window has passed
NEW_YEAR = datetime.datetime(2027, 1, 1, 0, 30, tzinfo=SH)  # 2026-12-31 16:30 UTC: after the term, in 2027
REPORT_DAY = datetime.date(2026, 6, 1)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


@dataclass
class Scenario:
    org: object
    p: dict  # "P1" … "P14" -> Proposal
    categories: dict
    collective: CollectiveProposer
    party2: Party
    member3: Member
    member4: Member

    def refresh(self):
        for key, proposal in self.p.items():
            self.p[key] = Proposal.objects.get(pk=proposal.pk)
        return self


def _reply(org, a: Assignment, drafted_grade: str, **approval) -> None:
    """The unit's reply, naming the unit in its text, drafted with ``drafted_grade``, signed and approved
    (``approval``: the office's corrections)."""
    text = f"{a.unit.short_name}答复：已研究办理。\n第二段。"
    approve_reply(org, a, grade=drafted_grade, text=text, approval=approval)


def build_scenario(org, category) -> Scenario:
    """A year of proposals, see the expected figures in test_year_figures_are_exact.

    P1 joint (member2, member3 confirm), session, 经济 → lead 住建局 + co 教体局, B on time, satisfied + P5's
       proposer basically satisfied, closed, key.            P5 (member2, session, 经济) merged into P1.
    P2 individual (member4 declined), session, 社会 → single 住建局 due 03-10, A approved late, closed unrated,
       excellent.
    P3 member2, 经济 → separate 住建局 (A corrected to C, on time) and 教体局 (accepted, overdue on 06-01).
    P4 collective (民革), 经济: registered only.            P6 session, 社会: rejected.   P7 member2, 社会: converted.
    P8 社会: withdrawn after reaching the office.            P9 member4: withdrawn as a draft.
    P10 cosigning (member3 never answers).                  P11 经济: pending review.    P12: returned to draft.
    P13 member2, 社会 → 住建局 disputes, reassigned to 教体局: B on time, dissatisfied, re-handling (overdue on 06-01).
    P14 submitted 2027-01-01 00:30 (after the term).
    """
    u = org.users
    office, leader = u["office"], u["leader"]
    Session.objects.filter(term=org.term, number=5).update(proposal_window_opens=datetime.date(2025, 12, 1))
    party2 = Party.objects.create(name="中国民主同盟", short_name="民盟", sort_order=1)
    org.party.sort_order = 0
    org.party.save(update_fields=["sort_order"])
    Member.objects.filter(pk=org.member2.pk).update(party=party2)
    member3 = member_with_account(
        org, username="demo-member3", name="王委员", sector=org.sector, party=org.party, seq=3
    )
    member4 = member_with_account(
        org, username="demo-member4", name="赵委员", sector=org.other_sector, party=party2, seq=4
    )
    social = Category.objects.create(name="社会建设", sort_order=2)
    culture = Category.objects.create(name="文化建设", sort_order=3)
    collective = CollectiveProposer.objects.create(name="民革新建区基层委员会", kind="party", party=org.party)
    collective.contacts.add(u["staff"])
    m1, m2, m3, m4 = u["member"], u["member2"], member3.user, member4.user
    econ = category
    p = {}

    with at(SESSION_DAY):
        p["P1"] = draft(
            org,
            econ,
            author=m1,
            title="关于加快新能源汽车充电桩建设的建议",
            cosigner_ids=[org.member2.pk, member3.pk],
            suggested_unit_ids=[org.unit.pk],
        )
        act(p["P1"], "submit", m1)
        act(p["P1"], "cosign", m2)
        act(p["P1"], "cosign", m3)
        p["P2"] = draft(org, social, author=m1, title="关于完善社区养老服务的建议", cosigner_ids=[member4.pk])
        act(p["P2"], "submit", m1)
        act(p["P2"], "decline_cosign", m4)
        p["P5"] = draft(org, econ, author=m2, title="关于充电桩进小区的建议")
        act(p["P5"], "submit", m2)
        p["P6"] = draft(org, social, author=m1, title="关于某企业产品推广的建议")
        act(p["P6"], "submit", m1)

    with at(REVIEW_DAY):
        p["P3"] = draft(org, econ, author=m2, title="关于优化营商环境的建议")
        p["P4"] = draft(org, econ, author=u["staff"], title="关于发展总部经济的建议", collective_id=collective.pk)
        p["P7"] = draft(org, social, author=m2, title="关于路灯维修的意见")
        p["P8"] = draft(org, social, author=m1, title="关于校园周边交通的建议")
        p["P9"] = draft(org, social, author=m4, title="关于公园管理的建议")
        p["P10"] = draft(org, econ, author=m1, title="关于预制菜产业链的建议", cosigner_ids=[member3.pk])
        p["P11"] = draft(org, econ, author=m1, title="关于物流园区建设的建议")
        p["P12"] = draft(org, econ, author=m1, title="关于湿地保护的建议")
        p["P13"] = draft(org, social, author=m2, title="关于学校午餐供应的建议")
        for key, author in [
            ("P3", m2),
            ("P4", u["staff"]),
            ("P7", m2),
            ("P8", m1),
            ("P10", m1),
            ("P11", m1),
            ("P12", m1),
            ("P13", m2),
        ]:
            act(p[key], "submit", author)
        act(p["P9"], "withdraw", m4)
        act(p["P8"], "withdraw", m1)
        act(p["P12"], "return_for_revision", office, comment="请补充数据")
        for key in ["P1", "P2", "P3", "P4", "P13"]:
            act(p[key], "register", office)
        act(p["P5"], "merge", office, into=p["P1"].pk)
        act(p["P6"], "reject", office, ground="promotion", explanation="推介企业产品")
        act(p["P7"], "convert", office, kind="opinion_report")
        act(
            p["P1"],
            "assign",
            office,
            mode="lead",
            units=[{"unit_id": org.unit.pk, "role": "lead"}, {"unit_id": org.other_unit.pk, "role": "co"}],
        )
        act(
            p["P2"],
            "assign",
            office,
            mode="single",
            units=[{"unit_id": org.unit.pk, "role": "single"}],
            due_date="2026-03-10",
        )
        act(
            p["P3"],
            "assign",
            office,
            mode="separate",
            units=[{"unit_id": org.unit.pk, "role": "separate"}, {"unit_id": org.other_unit.pk, "role": "separate"}],
        )
        act(p["P13"], "assign", office, mode="single", units=[{"unit_id": org.unit.pk, "role": "single"}])
        disputed = assignment_of(p["P13"], org.unit)
        act(disputed, "dispute_assignment", u["unit"], reason="学校午餐属教体局职责")
        act(
            disputed,
            "resolve_dispute",
            office,
            decision="reassign",
            comment="改交教体局",
            units=[{"unit_id": org.other_unit.pk, "role": "single"}],
        )

    with at(HANDLING_DAY):
        act(p["P1"], "propose_key", office, supervising_leader_id=leader.pk)
        act(p["P1"], "approve_key", leader)
        unit, unit2 = org.unit, org.other_unit
        for proposal, who, staff in [
            ("P1", unit, u["unit"]),
            ("P1", unit2, u["unit2"]),
            ("P2", unit, u["unit"]),
            ("P3", unit, u["unit"]),
            ("P3", unit2, u["unit2"]),
            ("P13", unit2, u["unit2"]),
        ]:
            act(assignment_of(p[proposal], who), "accept_assignment", staff)
        act(assignment_of(p["P1"], unit2), "submit_co_opinion", u["unit2"], text="同意主办单位意见")
        _reply(org, assignment_of(p["P1"], unit), "B")
        _reply(org, assignment_of(p["P3"], unit), "A", grade="C", note="受条件限制")
        _reply(org, assignment_of(p["P13"], unit2), "B")
        act(p["P13"], "evaluate", m2, satisfaction="dissatisfied", comment="未解决实际问题")
        act(p["P13"], "request_rehandling", office, comment="请重新办理")
        act(p["P1"], "evaluate", m1, satisfaction="satisfied")
        act(p["P1"], "evaluate", m2, satisfaction="basically_satisfied")
        act(p["P1"], "close", office)

    with at(LATE_DAY):
        _reply(org, assignment_of(p["P2"], org.unit), "A")

    with at(CLOSING_DAY):
        act(p["P2"], "close", office)
        act(p["P2"], "nominate_excellent", office)
        act(p["P2"], "approve_excellent", leader)

    with at(NEW_YEAR):
        p["P14"] = draft(org, econ, author=m1, title="关于新年文化活动的建议")
        act(p["P14"], "submit", m1)

    return Scenario(
        org, p, {"econ": econ, "social": social, "culture": culture}, collective, party2, member3, member4
    ).refresh()
