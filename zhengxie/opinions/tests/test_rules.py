"""The rules the issue names: transitions only as declared (each action by the right role, refused for the others
with nothing written), the edit history complete and diffable, the authors see the fate at every level, duty
records exactly once per event (retries included), a converted proposal arrives exactly once."""

import pytest
from django.utils import timezone

from tests.builders import opinions as make
from tests.builders import proposals as pmake
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import ActionRefused, NotAllowed, NotVisible, StateConflict
from zhengxie.duty.models import DutyRecord
from zhengxie.opinions import duty_events
from zhengxie.opinions.choices import ReportState
from zhengxie.opinions.diff import diff_text
from zhengxie.opinions.models import OpinionReport, OpinionVersion, ReportLevel
from zhengxie.opinions.read_models import report_detail
from zhengxie.opinions.selectors import report_get
from zhengxie.opinions.services import opinion_arrive_from_proposal

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _snapshot(report):
    r = OpinionReport.objects.get(pk=report.pk)
    return (
        r.state,
        r.title,
        r.content,
        OpinionVersion.objects.filter(report=r).count(),
        ReportLevel.objects.filter(report=r).count(),
        AuditEntry.objects.count(),
        DutyRecord.objects.count(),
    )


# (action, builder giving a report in a source state, payload, who may, who may not (and the refusal))
CASES = [
    ("submit", lambda org: make.draft(org), {}, "member", [("member2", NotVisible), ("staff", NotVisible)]),
    (
        "edit",
        lambda org: make.submitted(org),
        {"title": "新标题", "content": "新内容", "suggestions": ""},
        "editor",
        [("staff", NotAllowed), ("leader", NotAllowed), ("member", NotAllowed), ("member2", NotVisible)],
    ),
    (
        "sign_off",
        lambda org: make.edited(org, joint=False),
        {},
        "leader",
        [("staff", NotAllowed), ("editor", NotAllowed), ("member", NotAllowed)],
    ),
    (
        "archive",
        lambda org: make.submitted(org),
        {"reason": "同类信息已报送"},
        "editor",
        [("staff", NotAllowed), ("member", NotAllowed)],
    ),
    (
        "report",
        lambda org: make.signed_off(org, joint=False),
        {"levels": ["city"]},
        "staff",
        [("leader", NotAllowed), ("member", NotAllowed)],
    ),
    (
        "record_adoption",
        lambda org: make.reported(org, joint=False),
        {"level": "city", "date": None, "publication": "专报第1期"},
        "editor",
        [("leader", NotAllowed), ("member", NotAllowed)],
    ),
    (
        "record_instruction",
        lambda org: make.reported(org, joint=False),
        {"level": "district", "leader": "区委书记", "date": None, "text": "请研究。"},
        "staff",
        [("leader", NotAllowed), ("member", NotAllowed)],
    ),
]


@pytest.mark.parametrize("action,build,payload,right,wrong", CASES, ids=[c[0] for c in CASES])
def test_each_action_only_by_its_role_and_nothing_written_on_refusal(org, action, build, payload, right, wrong):
    # given a report in the action's source state
    report = build(org)
    payload = {k: (TODAY().isoformat() if v is None else v) for k, v in payload.items()}
    before = _snapshot(report)
    # when the wrong roles try, then they are refused and nothing changes
    for who, refusal in wrong:
        with pytest.raises(refusal):
            make.act(report, action, make.person(org, who), **payload)
        assert _snapshot(report) == before
    # when the right role takes it, then it is done
    make.act(report, action, make.person(org, right), **payload)
    assert _snapshot(report) != before


def test_a_state_the_action_does_not_start_from_is_refused_with_409_and_nothing_written(org):
    report = make.submitted(org)
    before = _snapshot(report)
    with pytest.raises(StateConflict):
        make.act(report, "report", org.users["staff"], levels=["city"])
    with pytest.raises(StateConflict):
        make.act(report, "record_adoption", org.users["staff"], level="city", date=TODAY().isoformat(), publication="x")
    assert _snapshot(report) == before


def test_bad_input_is_refused_with_the_field_named_and_nothing_written(org):
    report = make.signed_off(org, joint=False)
    before = _snapshot(report)
    with pytest.raises(ActionRefused) as refused:
        make.act(report, "report", org.users["staff"], levels=["county"])
    assert refused.value.status == 422
    with pytest.raises(ActionRefused) as refused:
        make.act(report, "archive", org.users["leader"], reason="")
    assert refused.value.status == 422 and "reason" in refused.value.errors
    assert _snapshot(report) == before


def test_every_edit_is_kept_and_any_two_versions_can_be_compared(org):
    # given a report edited twice
    report = make.edited(org, joint=False)
    editor = make.editor(org)
    make.act(
        report,
        "edit",
        editor,
        title="关于老旧小区加装电梯的几点建议",
        content=make.EDITED + "建议尽快推进。",
        suggestions="一、简化审批。",
    )
    # then the submitted text and both edits are kept, each with who and when
    versions = list(OpinionVersion.objects.filter(report=report).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].content.startswith("关于老旧小区加装电梯的建议：群众反映")
    assert versions[1].content == make.EDITED
    assert versions[2].title == "关于老旧小区加装电梯的几点建议"
    assert [v.by_label for v in versions] == ["张委员", "钟信息员", "钟信息员"]
    # and the author sees the difference between version 1 and 3, character by character
    detail = report_detail(
        report_get(user=org.users["member"], pk=report.pk), org.users["member"], diff_from=1, diff_to=3
    )
    title = next(f for f in detail.diff if f.field == "title")
    assert [(s.op, s.text) for s in title.segments] == [
        ("same", "关于老旧小区加装电梯的"),
        ("added", "几点"),
        ("same", "建议"),
    ]


def test_the_diff_is_character_level_and_keeps_numbers_whole():
    assert [(s.op, s.text) for s in diff_text("2025年停车难", "2026年停车很难")] == [
        ("removed", "2025"),
        ("added", "2026"),
        ("same", "年停车"),
        ("added", "很"),
        ("same", "难"),
    ]


def test_the_authors_see_the_fate_at_every_level_and_the_archive_reason(org):
    # given a joint report reported to city and province, adopted by the city
    report = make.adopted(org, level="city", levels=("city", "province"))
    # then both authors read the fate of each of the three levels
    for who in ("member", "member2"):
        user = org.users[who]
        detail = report_detail(report_get(user=user, pk=report.pk), user)
        assert [(f.level, str(f.words), f.publication) for f in detail.levels] == [
            ("city", "已采用", "南昌政协社情民意专报第12期"),
            ("province", "已报送，未采用", ""),
            ("national", "未报送", ""),
        ]
    # and an archived report shows its reason to its author
    archived = make.act(
        make.submitted(org, title="关于夜市管理的建议"), "archive", org.users["leader"], reason="与已报送信息重复"
    )
    detail = report_detail(report_get(user=org.users["member"], pk=archived.pk), org.users["member"])
    assert detail.archive_reason == "与已报送信息重复"


def test_duty_records_are_written_once_per_event_even_when_the_job_is_retried(org, django_capture_on_commit_callbacks):
    # given a joint report adopted by the city with an instruction, its jobs run once
    with django_capture_on_commit_callbacks(execute=True):
        report = make.adopted(org, level="city")
        make.act(
            report,
            "record_instruction",
            org.users["staff"],
            level="city",
            leader="市长",
            date=TODAY().isoformat(),
            text="阅。",
        )
    first = sorted(DutyRecord.objects.values_list("member_id", "kind", "source_type", "source_id"))
    assert len(first) == 6
    # when every job runs again (a retry of the background job)
    level = ReportLevel.objects.get(report=report, level="city")
    instruction = report.instructions.get()
    assert duty_events.record(duty_events.SUBMITTED, report.pk) == 0
    assert duty_events.record(duty_events.ADOPTED, level.pk) == 0
    assert duty_events.record(duty_events.INSTRUCTION, instruction.pk) == 0
    # then nothing is written twice
    assert sorted(DutyRecord.objects.values_list("member_id", "kind", "source_type", "source_id")) == first


def test_no_duty_record_is_queued_for_an_action_that_was_refused(org, django_capture_on_commit_callbacks):
    report = make.reported(org, joint=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ActionRefused):
            make.act(
                report,
                "record_adoption",
                org.users["staff"],
                level="province",
                date=TODAY().isoformat(),
                publication="x",
            )
    assert callbacks == []
    assert not DutyRecord.objects.filter(kind__startswith="opinion_adopted").exists()


def test_a_co_author_who_confirms_after_submission_gets_the_submission_record(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make.submitted(org, coauthors=[org.member2])
    assert list(DutyRecord.objects.values_list("member__name", flat=True)) == ["张委员"]
    with django_capture_on_commit_callbacks(execute=True):
        make.act(report, "confirm_coauthor", org.users["member2"])
    assert sorted(DutyRecord.objects.values_list("member__name", flat=True)) == ["张委员", "李委员"]


def test_a_converted_proposal_arrives_once_as_a_submitted_report(
    org, category, client_for, django_capture_on_commit_callbacks
):
    # given a submitted proposal by member
    proposal = pmake.submitted(org, category)
    # when the office converts it to an opinion report
    with django_capture_on_commit_callbacks(execute=True):
        pmake.act(proposal, "convert", org.users["office"], kind="opinion_report", comment="转为社情民意信息")
    # then one submitted report linked to it exists, by its proposer
    report = OpinionReport.objects.get(proposal_id=proposal.pk)
    assert (report.state, report.lead_member_id, report.title) == (ReportState.SUBMITTED, org.member.pk, proposal.title)
    assert report.versions.count() == 1
    # when the hook runs again (a retry), then no second report is made
    again = opinion_arrive_from_proposal(
        proposal_id=proposal.pk,
        number="",
        title=proposal.title,
        content="",
        suggestions="",
        authors_member_ids=[org.member.pk],
        actor=org.users["office"],
    )
    assert again == report.pk
    assert OpinionReport.objects.filter(proposal_id=proposal.pk).count() == 1
    assert DutyRecord.objects.filter(kind="opinion_submitted", member=org.member).count() == 1
    # and the proposal's page links to the report it became
    page = client_for(org.users["office"]).get(f"/proposals/{proposal.pk}/").content.decode()
    assert f'href="/opinions/{report.pk}/">社情民意信息 {report.number}</a>' in page
