"""Opinion reports are found by the search, by those who may read them only."""

import pytest

from tests.builders import opinions as make
from zhengxie.search.selectors import search

pytestmark = pytest.mark.django_db


def test_a_report_is_found_by_its_readers_only(org, django_capture_on_commit_callbacks):
    # given a report member submitted about lifts in old residential areas
    with django_capture_on_commit_callbacks(execute=True):
        report = make.submitted(org, title="关于老旧小区加装电梯的建议")

    def found(who) -> list[int]:
        return [e.object_id for e in search(user=org.users[who], query="加装电梯", kind="opinion").entries]

    # then its author, the secretariat and the leader find it; another member does not
    assert found("member") == [report.pk]
    assert found("staff") == [report.pk]
    assert found("leader") == [report.pk]
    assert found("member2") == []
