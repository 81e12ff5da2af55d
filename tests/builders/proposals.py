"""Proposals in a given state, made through the real services (``proposal_create_draft``, ``proposal_act``,
``assignment_act``), never by setting fields.

The ladder: ``draft`` → ``submitted`` (co-signing while invitations are open) → ``registered`` → ``assigned`` →
``accepted`` → ``reply_drafted`` → ``reply_signed`` → ``reply_approved`` (the proposal is then evaluating). Each
takes the ``org`` fixture (tests/builders/org.py) and a category, and the keyword arguments of the step before it.
People are role keys of ``org.users`` ("member", "office" …) or users. ``joint_proposal_at`` walks a joint proposal
(co-signed, a lead and a co-handling unit) to any stage.
"""

from django.utils import timezone

from zhengxie.proposals.actions import assignment_act, proposal_act
from zhengxie.proposals.choices import AssignmentState
from zhengxie.proposals.models import Assignment, Proposal, Reply
from zhengxie.proposals.services import proposal_create_draft

TITLE = "关于加快充电桩建设的建议"


def person(org, who):
    """``who`` as a user: a role key of ``org.users`` or already a user."""
    return org.users[who] if isinstance(who, str) else who


def act(target: Proposal | Assignment, action: str, actor, **payload):
    """Take ``action`` on a proposal or an assignment as ``actor``, as a page or the API would."""
    if isinstance(target, Assignment):
        return assignment_act(assignment_id=target.pk, action=action, actor=actor, payload=payload)
    return proposal_act(proposal_id=target.pk, action=action, actor=actor, payload=payload)


# The proposal's side -----------------------------------------------------------------------------------------------


def draft(org, category, *, author="member", title: str = TITLE, cosigners=(), **fields) -> Proposal:
    """A draft with every required field filled (its text follows from the title); ``cosigners``: members invited to
    co-sign; ``fields``: any other field of the editor (``suggested_unit_ids``, ``collective_id`` …)."""
    data = {
        "title": title,
        "analysis": f"{title}的现状与问题。",
        "suggestions": f"一、{title}的具体措施。",
        "category_id": category.pk,
        **fields,
    }
    if cosigners:
        data["cosigner_ids"] = [m.pk for m in cosigners]
    return proposal_create_draft(author=person(org, author), data=data)


def joint_draft(org, category, **fields) -> Proposal:
    """``draft`` with member2 invited to co-sign and org.unit suggested as the handling unit."""
    return draft(org, category, **{"cosigner_ids": [org.member2.pk], "suggested_unit_ids": [org.unit.pk], **fields})


def submitted(org, category, *, author="member", **kw) -> Proposal:
    """Submitted by its author: with the office, or co-signing while invited members have not answered."""
    p = draft(org, category, author=author, **kw)
    return act(p, "submit", person(org, author))


def registered(org, category, **kw) -> Proposal:
    """Submitted (without co-signers) and registered by the office: it has its number."""
    p = submitted(org, category, **kw)
    return act(p, "register", org.users["office"])


def assigned(org, category, *, units=None, mode: str = "single", payload: dict | None = None, **kw) -> Proposal:
    """Registered and assigned by the office to ``units`` ([(unit, role)], default org.unit alone) in ``mode``;
    ``payload``: more of the assign action's input (a due date …)."""
    p = registered(org, category, **kw)
    units = units or [(org.unit, "single")]
    body = {"mode": mode, "units": [{"unit_id": unit.pk, "role": role} for unit, role in units], **(payload or {})}
    act(p, "assign", org.users["office"], **body)
    return Proposal.objects.get(pk=p.pk)


def jointly_assigned(org, category, **kw) -> Proposal:
    """``assigned`` to org.unit as the lead unit and org.other_unit as the co-handler."""
    return assigned(org, category, units=[(org.unit, "lead"), (org.other_unit, "co")], mode="lead", **kw)


def assignments_of(p: Proposal) -> list[Assignment]:
    """Every assignment of ``p``, reassigned ones too, in the order they were made."""
    return list(Assignment.objects.filter(proposal=p).order_by("id"))


def assignment_of(p: Proposal, unit=None) -> Assignment:
    """``p``'s live (not reassigned) assignment, to ``unit`` if given."""
    live = Assignment.objects.exclude(state=AssignmentState.REASSIGNED).filter(proposal=p)
    return live.get(unit=unit) if unit is not None else live.get()


def lead_and_co(p: Proposal) -> tuple[Assignment, Assignment]:
    assignments = {a.role: a for a in p.assignments.all()}
    return assignments["lead"], assignments["co"]


# The handling unit's side ------------------------------------------------------------------------------------------


def unit_people(org, unit) -> tuple:
    """The staff member and the leader who act for ``unit`` (org.unit, or org.other_unit with its leader
    "unit2-leader" of the proposals tests' ``org`` fixture)."""
    staff, leader = ("unit", "unit-leader") if unit.pk == org.unit.pk else ("unit2", "unit2-leader")
    return org.users[staff], org.users[leader]


def disputed(org, category, *, reason: str = "不属于本单位", **kw) -> Proposal:
    """``assigned``, and the unit of its first assignment disputes it (``reason``)."""
    p = assigned(org, category, **kw)
    a = assignments_of(p)[0]
    act(a, "dispute_assignment", unit_people(org, a.unit)[0], reason=reason)
    return p


def accepted(org, category, *, by="unit", **kw) -> Proposal:
    """Assigned to org.unit alone and accepted by its staff (``by``)."""
    p = assigned(org, category, **kw)
    act(assignment_of(p, org.unit), "accept_assignment", person(org, by))
    return p


def reply_drafted(org, category, *, text: str = "答复正文", grade: str = "A", **kw) -> Proposal:
    """Accepted by org.unit, which has drafted its reply."""
    p = accepted(org, category, **kw)
    act(assignment_of(p, org.unit), "draft_reply", org.users["unit"], text=text, grade=grade)
    return p


def reply_signed(org, category, **kw) -> Proposal:
    """org.unit's reply drafted and signed by its leader."""
    p = reply_drafted(org, category, **kw)
    act(assignment_of(p, org.unit), "sign_reply", org.users["unit-leader"])
    return p


def reply_approved(org, category, **kw) -> Proposal:
    """org.unit's reply signed and approved by the office: the proposal awaits its proposers' evaluation."""
    p = reply_signed(org, category, **kw)
    act(assignment_of(p, org.unit), "approve_reply", org.users["office"])
    return p


def unit_work(org, category, n: int) -> None:
    """``n`` of each kind of work org.unit has in hand: a joint proposal it leads (accepted, a contact recorded,
    org.other_unit's co-opinion in), a drafted reply waiting for its leader, and an accepted proposal."""
    u = org.users
    for i in range(n):
        p = jointly_assigned(org, category, title=f"主办会办{i}")
        lead, co = assignment_of(p, org.unit), assignment_of(p, org.other_unit)
        act(lead, "accept_assignment", u["unit"])
        act(lead, "record_contact", u["unit"], date=str(timezone.localdate()), way="phone", summary="沟通")
        act(co, "accept_assignment", u["unit2"])
        act(co, "submit_co_opinion", u["unit2"], text="同意")
        reply_drafted(org, category, title=f"待签发{i}")
        accepted(org, category, title=f"办理中{i}")


def sign_reply(org, a: Assignment, *, grade: str = "B", text: str = "答复", staff=None, leader=None) -> Reply:
    """The unit of ``a`` accepts it (if it has not yet), drafts a reply and its leader signs it."""
    default_staff, default_leader = unit_people(org, a.unit)
    staff, leader = person(org, staff or default_staff), person(org, leader or default_leader)
    if Assignment.objects.get(pk=a.pk).state == AssignmentState.PENDING:
        act(a, "accept_assignment", staff)
    act(a, "draft_reply", staff, text=text, grade=grade)
    act(a, "sign_reply", leader)
    return Reply.objects.filter(assignment=a).latest("id")


def approve_reply(org, a: Assignment, *, approval: dict | None = None, **kw) -> Reply:
    """``sign_reply``, then the office approves the reply (``approval``: the approve action's input, e.g. a corrected
    grade)."""
    reply = sign_reply(org, a, **kw)
    act(a, "approve_reply", org.users["office"], **(approval or {}))
    reply.refresh_from_db()
    return reply


# A joint proposal at any stage -------------------------------------------------------------------------------------

STAGES = [
    "draft",
    "cosigning",
    "submitted",
    "registered",
    "assigned",
    "accepted",
    "reply_drafted",
    "reply_signed",
    "evaluating",
    "rehandling",
    "closed",
]


def joint_proposal_at(org, category, stage: str) -> Proposal:
    """member's ``joint_draft`` walked through the real actions up to ``stage`` (one of ``STAGES``): co-signed by
    member2, lead org.unit and co-handler org.other_unit, a grade B reply the proposer is dissatisfied with, handled
    again (grade A), satisfied, closed."""
    u = org.users
    p = joint_draft(org, category)
    for step in STAGES[1 : STAGES.index(stage) + 1]:
        if step == "cosigning":
            act(p, "submit", u["member"])
        elif step == "submitted":
            act(p, "cosign", u["member2"])
        elif step == "registered":
            act(p, "register", u["office"])
        elif step == "assigned":
            units = [{"unit_id": org.unit.pk, "role": "lead"}, {"unit_id": org.other_unit.pk, "role": "co"}]
            act(p, "assign", u["office"], mode="lead", units=units)
        elif step == "accepted":
            lead, co = lead_and_co(p)
            act(lead, "accept_assignment", u["unit"])
            act(co, "accept_assignment", u["unit2"])
        elif step == "reply_drafted":
            lead, co = lead_and_co(p)
            act(co, "submit_co_opinion", u["unit2"], text="同意")
            act(lead, "draft_reply", u["unit"], text="答复……", grade="B")
        elif step == "reply_signed":
            act(lead_and_co(p)[0], "sign_reply", u["unit-leader"])
        elif step == "evaluating":
            act(lead_and_co(p)[0], "approve_reply", u["office"])
        elif step == "rehandling":
            act(p, "evaluate", u["member"], satisfaction="dissatisfied", comment="未落实")
            act(p, "request_rehandling", u["office"], comment="请重新办理")
        elif step == "closed":
            lead = lead_and_co(p)[0]
            act(lead, "draft_reply", u["unit"], text="再次答复", grade="A")
            act(lead, "sign_reply", u["unit-leader"])
            act(lead, "approve_reply", u["office"])
            act(p, "evaluate", u["member"], satisfaction="satisfied")
            act(p, "close", u["office"])
    p.refresh_from_db()
    return p
