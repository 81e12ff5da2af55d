"""The opinion-report workflow end to end through the services: numbers, versions, levels, adoption, instruction,
what the authors are told, and the duty records."""

import pytest
from django.utils import timezone

from tests.builders import opinions as make
from zhengxie.duty.models import DutyRecord
from zhengxie.notifications.models import Notification
from zhengxie.opinions.choices import ReportState

pytestmark = pytest.mark.django_db


def test_a_joint_report_goes_from_submission_to_adoption_and_instruction(org, django_capture_on_commit_callbacks):
    # given a report by member with member2 as confirmed co-author
    with django_capture_on_commit_callbacks(execute=True):
        r = make.joint_submitted(org)
    year = timezone.localdate().year
    assert r.state == ReportState.SUBMITTED
    assert r.number == f"{year}-0001"
    # when the editor edits, the leader signs off, staff report to city and province and record adoption + instruction
    with django_capture_on_commit_callbacks(execute=True):
        r = make.act(r, "edit", make.editor(org), title=r.title, content=make.EDITED, suggestions=r.suggestions)
        r = make.act(r, "sign_off", org.users["leader"])
        r = make.act(r, "report", org.users["staff"], levels=["city", "province"])
        today = timezone.localdate()
        r = make.act(
            r, "record_adoption", org.users["staff"], level="city", date=today.isoformat(), publication="专报第3期"
        )
        r = make.act(
            r,
            "record_instruction",
            org.users["staff"],
            level="city",
            leader="市委副书记",
            date=today.isoformat(),
            text="请市民政局研究落实。",
        )
    # then
    r.refresh_from_db()
    assert r.state == ReportState.REPORTED
    assert [v.number for v in r.versions.all()] == [1, 2]
    assert sorted(r.levels.values_list("level", flat=True)) == ["city", "province"]
    kinds = sorted(DutyRecord.objects.filter(member__in=[org.member, org.member2]).values_list("member__name", "kind"))
    assert kinds == sorted(
        [
            ("张委员", "opinion_submitted"),
            ("李委员", "opinion_submitted"),
            ("张委员", "opinion_adopted_city"),
            ("李委员", "opinion_adopted_city"),
            ("张委员", "leader_instruction"),
            ("李委员", "leader_instruction"),
        ]
    )
    assert set(DutyRecord.objects.values_list("share_count", flat=True)) == {2}
    titles = list(Notification.objects.filter(recipient=org.users["member"]).values_list("kind", flat=True))
    for kind in ("opinion.edited", "opinion.signed_off", "opinion.reported", "opinion.adopted", "opinion.instruction"):
        assert kind in titles
