"""The demo district shows every role's to-do list at work: each demo account whose role has work in the demo finds
it on its home page, once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from zhengxie.core.todo import todo_for

pytestmark = pytest.mark.django_db

# What waits for each demo account right after ``manage.py demo_district`` (the words before the colon).
EXPECTED = {
    "demo-office": {"3 件提案待审查", "1 件提案待交办"},
    "demo-staff": {"审批请假（1 人）", "待发布"},
    "demo-leader": {"审批重点提案"},
    "demo-unit": {"签收交办"},
    "demo-unit-leader": {"签收交办", "签发答复"},
    "demo-member": {"测评答复", "参加活动（", "1 件提案草稿尚未提交"},
    "demo-member2": {"确认联名"},
}


@pytest.fixture
def demo(db):
    call_command("demo_district", stdout=io.StringIO())


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_demo_role_finds_its_work_on_its_to_do_list_once(demo, username):
    items = todo_for(get_user_model().objects.get(username=username))
    titles = [i.title for i in items]
    for expected in EXPECTED[username]:
        assert any(t.startswith(expected) for t in titles), (expected, titles)
    # A member's duty archive is where two yearly reminders send them: the basic duties not yet met (履职) and the study
    # hours still short (学习培训); every other page is listed once.
    urls = [i.url for i in items if i.kind not in ("履职", "学习培训")]
    assert len(urls) == len(set(urls)), titles


def test_demo_member2_has_asked_leave_of_the_plenary_so_it_no_longer_waits_for_them(demo):
    titles = [i.title for i in todo_for(get_user_model().objects.get(username="demo-member2"))]
    assert not any("政协第十八届第一次会议" in t for t in titles), titles
