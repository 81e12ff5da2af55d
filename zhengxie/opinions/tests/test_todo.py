"""What opinion reports put on each person's home to-do list."""

import pytest

from tests.builders import opinions as make
from zhengxie.core.todo import todo_for

pytestmark = pytest.mark.django_db


def _titles(user) -> list[str]:
    return [i.title for i in todo_for(user) if i.kind == "社情民意"]


def test_each_role_sees_what_waits_for_them_and_the_authors_see_the_fate(org):
    # given a report with member2 invited, not yet answered, and a report of member's adopted by the city
    invited = make.submitted(org, title="关于公园厕所的建议", coauthors=[org.member2])
    adopted = make.adopted(org, level="city", joint=False)
    edited = make.edited(org, joint=False, title="关于路灯的建议")
    # then member2 is asked to confirm
    assert _titles(org.users["member2"]) == [f"确认联名社情民意：{invited.number} 关于公园厕所的建议"]
    # and member reads the news of their adopted report, with the level and the publication
    news = [t for t in _titles(org.users["member"]) if adopted.number in t]
    assert len(news) == 1
    assert "新进展：记录采用（市政协 · 南昌政协社情民意专报第12期）" in news[0]
    # and the editor, the leader and the secretariat see their counts
    assert _titles(make.editor(org)) == ["编辑社情民意：2 件"]
    assert _titles(org.users["leader"]) == ["签发社情民意：1 件"]
    assert _titles(org.users["staff"]) == []
    assert edited.state == "editing"
