"""Each person's proposal to-do items follow the workflow: what waits for them, in the words each awaited action
declares (``Action.due``), and gone once it is done."""

import pytest

from tests.builders import proposals as make
from zhengxie.core.todo import todo_for

pytestmark = pytest.mark.django_db


def _items(user) -> list[str]:
    return [i.title.split("：")[0] for i in todo_for(user) if i.kind == "提案"]


def test_to_dos_follow_the_assignment_from_signing_for_it_to_the_office_approving_the_reply(org, category):
    unit, leader, office = org.users["unit"], org.users["unit-leader"], org.users["office"]
    p = make.assigned(org, category)
    a = make.assignment_of(p, org.unit)
    assert _items(unit) == ["签收交办"]
    make.act(a, "accept_assignment", unit)
    assert _items(unit) == ["办理答复"]
    make.act(a, "draft_reply", unit, text="答复正文", grade="A")
    assert _items(leader) == ["办理答复", "签发答复"]
    make.act(a, "sign_reply", leader)
    assert _items(unit) == [] and _items(leader) == []
    assert [i.title for i in todo_for(office) if i.kind == "提案"] == [f"审核答复（{org.unit}）：{p.number} {p.title}"]
    make.act(a, "approve_reply", office)
    assert _items(office) == []


def test_an_invited_co_signer_and_the_office_see_what_waits_for_them(org, category):
    p = make.submitted(org, category, cosigners=[org.member2])
    assert _items(org.users["member2"]) == ["确认联名"]
    make.act(p, "cosign", org.users["member2"])
    assert _items(org.users["member2"]) == []
    assert [i.title for i in todo_for(org.users["office"]) if i.kind == "提案"] == ["1 件提案待审查"]
