"""What waits on the to-do lists, and the duty archive's link to a selected opinion."""

import pytest

from tests.builders.deliberations import closed_deliberation, draft_deliberation, open_deliberation, opinion
from zhengxie.core.todo import todo_for
from zhengxie.deliberations.services import post_act
from zhengxie.duty.services import source_links

pytestmark = pytest.mark.django_db


def _mine(user) -> list[tuple[str, str]]:
    return [(i.title, i.url) for i in todo_for(user) if i.url.startswith("/deliberations/")]


def test_a_member_is_asked_to_take_part_until_they_post(org):
    d = open_deliberation(org)
    assert _mine(org.users["member"]) == [("参与网络议政：数字燃气安全", f"/deliberations/{d.pk}/")]
    assert _mine(org.users["member2"]) == []
    opinion(org, d)
    assert _mine(org.users["member"]) == []


def test_the_secretariat_is_asked_to_open_drafts_and_summarise_closed_ones(org):
    draft = draft_deliberation(org, title="预制菜产业链")
    closed = closed_deliberation(org)
    assert sorted(_mine(org.users["staff"])) == sorted(
        [
            ("发布网络议政：预制菜产业链", f"/deliberations/{draft.pk}/"),
            ("形成议政综述：数字燃气安全", f"/deliberations/{closed.pk}/"),
        ]
    )
    assert _mine(org.users["leader"]) == []


def test_the_archive_links_a_selected_opinion_for_those_who_may_see_it(org):
    d = closed_deliberation(org)
    first = d.posts.get(reply_to__isnull=True)
    post_act(post_id=first.pk, action="select", actor=org.users["staff"])
    where = f"/deliberations/{d.pk}/#post-{first.pk}"
    assert source_links("deliberations.deliberationpost", org.users["member"], {first.pk}) == {first.pk: where}
    assert source_links("deliberations.deliberationpost", org.users["staff"], {first.pk}) == {first.pk: where}
    assert source_links("deliberations.deliberationpost", org.users["member2"], {first.pk}) == {}
