"""Online deliberation: the window, who sees what, posting and replies, selection into the duty ledger exactly
once, authorization per action, and nothing written on a refusal."""

import datetime

import pytest
from django.utils import timezone

from tests.builders.deliberations import closed_deliberation, draft_deliberation, open_deliberation, opinion
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.deliberations import selectors
from zhengxie.deliberations.models import Deliberation, DeliberationPost
from zhengxie.deliberations.services import deliberation_act, expire_due, post_act, remind_before_closing
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import DutyRecord
from zhengxie.notifications.models import Notification

pytestmark = pytest.mark.django_db

KIND = DutyKind.DELIBERATION_OPINION_SELECTED


def _ledger(member):
    rows = DutyRecord.objects.filter(member=member, kind=KIND).order_by("pk")
    return [(r.sign, r.source_type, r.source_id) for r in rows]


def _counts():
    return (
        Deliberation.objects.count(),
        DeliberationPost.objects.count(),
        DutyRecord.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        list(Deliberation.objects.values_list("state", flat=True).order_by("pk")),
        list(DeliberationPost.objects.values_list("state", flat=True).order_by("pk")),
    )


# The window ------------------------------------------------------------------------------------------------------


def test_opening_invites_the_scope_and_tells_them_once_after_commit(org, django_capture_on_commit_callbacks):
    # given a draft for org.sector
    d = draft_deliberation(org)
    # when the secretariat opens it
    with django_capture_on_commit_callbacks(execute=True):
        deliberation_act(deliberation_id=d.pk, action="open", actor=org.users["staff"])
    d.refresh_from_db()
    # then it is open, org.member is invited and notified once; org.member2 (another sector) is neither
    assert d.state == "open"
    assert list(d.invitations.values_list("member__name", flat=True)) == ["张委员"]
    sent = Notification.objects.filter(kind="deliberation.opened")
    assert [(n.recipient.username, n.url) for n in sent] == [("demo-member", f"/deliberations/{d.pk}/")]


def test_a_post_before_the_window_opens_is_refused_with_its_time(org):
    start = timezone.now() + datetime.timedelta(days=1)
    d = open_deliberation(org, opens_at=start, closes_at=start + datetime.timedelta(days=2))
    before = _counts()
    with pytest.raises(StateConflict) as refused:
        opinion(org, d)
    assert "议政尚未开始" in refused.value.message
    assert _counts() == before


def test_a_post_after_closing_time_is_refused_even_before_the_job_closes_it(org):
    # given an open deliberation whose window ended a minute ago (the job has not run)
    d = open_deliberation(org)
    later = d.closes_at + datetime.timedelta(minutes=1)
    before = _counts()
    # when the member posts then
    with pytest.raises(StateConflict) as refused:
        deliberation_act(
            deliberation_id=d.pk, action="post", actor=org.users["member"], payload={"text": "晚了"}, now=later
        )
    # then it is refused in words, nothing is written, and the state stays open until the job runs
    assert refused.value.message.startswith("议政已于 ")
    assert _counts() == before


def test_the_job_closes_deliberations_past_their_window_once(org):
    d = open_deliberation(org)
    other = open_deliberation(org, closes_at=timezone.now() + datetime.timedelta(days=10))
    later = d.closes_at + datetime.timedelta(seconds=1)
    assert expire_due(now=later) == 1
    assert expire_due(now=later) == 0
    d.refresh_from_db()
    other.refresh_from_db()
    assert (d.state, other.state) == ("closed", "open")
    assert AuditEntry.objects.filter(action="deliberation.expire").count() == 1


def test_closed_is_read_only(org):
    d = closed_deliberation(org)
    first = d.posts.get(reply_to__isnull=True)
    before = _counts()
    with pytest.raises(StateConflict) as refused:
        opinion(org, d, "再补充一点", reply_to=first.pk)
    assert refused.value.message == "网络议政当前状态（已结束）不能发言。"
    assert _counts() == before


def test_a_reply_to_a_reply_joins_the_opinions_thread(org):
    d = open_deliberation(org)
    first = opinion(org, d)
    reply = opinion(org, d, "同意", reply_to=first.pk)
    again = opinion(org, d, "补充", reply_to=reply.pk)
    assert (reply.reply_to_id, again.reply_to_id) == (first.pk, first.pk)


def test_a_reply_to_a_post_of_another_deliberation_is_refused(org):
    d, other = open_deliberation(org), open_deliberation(org)
    elsewhere = opinion(org, other)
    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        opinion(org, d, "回复", reply_to=elsewhere.pk)
    assert refused.value.errors == {"reply_to": "不存在"}
    assert _counts() == before


def test_opening_after_the_closing_time_is_refused(org):
    d = draft_deliberation(org)
    with pytest.raises(StateConflict) as refused:
        deliberation_act(
            deliberation_id=d.pk, action="open", actor=org.users["staff"], now=d.closes_at + datetime.timedelta(hours=1)
        )
    assert "已过" in refused.value.message
    d.refresh_from_db()
    assert (d.state, d.invitations.count()) == ("draft", 0)


def test_creating_refuses_a_window_that_ends_before_it_starts(org):
    now = timezone.now()
    with pytest.raises(InvalidInput) as refused:
        draft_deliberation(org, opens_at=now, closes_at=now - datetime.timedelta(hours=1))
    assert refused.value.errors == {"closes_at": "应晚于开始时间"}
    assert Deliberation.objects.count() == 0


# Who sees what ---------------------------------------------------------------------------------------------------


def test_members_see_only_what_they_are_invited_to_and_never_a_draft(org):
    draft = draft_deliberation(org)
    d = open_deliberation(org)
    assert list(selectors.visible_deliberations(org.users["member"])) == [d]
    assert list(selectors.visible_deliberations(org.users["member2"])) == []
    assert set(selectors.visible_deliberations(org.users["staff"])) == {d, draft}
    assert set(selectors.visible_deliberations(org.users["leader"])) == {d, draft}
    assert list(selectors.visible_deliberations(org.users["unit"])) == []


def test_a_member_not_invited_gets_not_found(org):
    d = open_deliberation(org)
    before = _counts()
    with pytest.raises(NotVisible):
        opinion(org, d, user=org.users["member2"])
    assert _counts() == before


# Selection into the duty ledger ----------------------------------------------------------------------------------


def test_selecting_records_the_authors_points_exactly_once_even_on_a_retry(org):
    d = closed_deliberation(org)
    first = d.posts.get(reply_to__isnull=True)
    post_act(post_id=first.pk, action="select", actor=org.users["staff"])
    with pytest.raises(StateConflict) as retried:
        post_act(post_id=first.pk, action="select", actor=org.users["staff"])
    assert retried.value.message == "该发言当前状态（已选用）不能选用。"
    assert _ledger(org.member) == [(1, "deliberations.deliberationpost", first.pk)]


def test_unselecting_reverses_the_points_and_selecting_again_records_them_once_more(org):
    d = closed_deliberation(org)
    first = d.posts.get(reply_to__isnull=True)
    staff = org.users["staff"]
    post_act(post_id=first.pk, action="select", actor=staff)
    post_act(post_id=first.pk, action="unselect", actor=staff)
    assert [s for s, _t, _i in _ledger(org.member)] == [1, -1]
    post_act(post_id=first.pk, action="select", actor=staff)
    live = DutyRecord.objects.filter(member=org.member, kind=KIND, sign=1, reversed_by__isnull=True)
    assert live.count() == 1


def test_selection_is_fixed_once_summarised(org):
    d = closed_deliberation(org)
    first = d.posts.get(reply_to__isnull=True)
    post_act(post_id=first.pk, action="select", actor=org.users["staff"])
    deliberation_act(
        deliberation_id=d.pk,
        action="summarise",
        actor=org.users["staff"],
        payload={
            "summary": "委员们建议加装报警器。",
            "recommendations": [{"text": "加装报警器", "unit_id": org.unit.pk}],
        },
    )
    before = _counts()
    with pytest.raises(StateConflict) as refused:
        post_act(post_id=first.pk, action="unselect", actor=org.users["staff"])
    assert refused.value.message == "已形成综述，选用的意见不能再变更。"
    assert _counts() == before


def test_summarising_makes_an_outcome_document_with_the_selected_opinions(org):
    from zhengxie.followup.models import OutcomeDocument

    d = closed_deliberation(org)
    first = d.posts.get(reply_to__isnull=True)
    post_act(post_id=first.pk, action="select", actor=org.users["staff"])
    deliberation_act(
        deliberation_id=d.pk,
        action="summarise",
        actor=org.users["staff"],
        payload={
            "summary": "综述正文",
            "recommendations": [{"text": "加装报警器", "unit_id": org.unit.pk, "weight": 2}],
        },
    )
    d.refresh_from_db()
    doc = OutcomeDocument.objects.get(pk=d.outcome_document_id)
    assert d.state == "summarised"
    assert (doc.source, doc.source_id, doc.kind, doc.title) == (
        "deliberation",
        d.pk,
        "deliberation_summary",
        "“数字燃气安全”网络议政综述",
    )
    assert doc.body == "综述正文\n\n选用的委员意见：\n1. 张委员：建议为老旧小区免费加装燃气泄漏报警器。"
    assert doc.recommendations.count() == 1


# Authorization per action ----------------------------------------------------------------------------------------

STAFF_ACTIONS = {
    "open": (draft_deliberation, {}),
    "close": (open_deliberation, {}),
    "summarise": (closed_deliberation, {"summary": "综述"}),
}


@pytest.mark.parametrize("action", sorted(STAFF_ACTIONS))
@pytest.mark.parametrize("role,refusal", [("leader", NotAllowed), ("member", NotAllowed), ("member2", NotVisible)])
def test_staff_actions_are_refused_to_others_and_change_nothing(org, action, role, refusal):
    make, payload = STAFF_ACTIONS[action]
    d = make(org)
    if role == "member" and d.state == "draft":
        refusal = NotVisible  # a draft has no invitations yet
    before = _counts()
    with pytest.raises(refusal):
        deliberation_act(deliberation_id=d.pk, action=action, actor=org.users[role], payload=payload)
    assert _counts() == before


@pytest.mark.parametrize("action", sorted(STAFF_ACTIONS))
def test_staff_actions_are_the_secretariats(org, action):
    make, payload = STAFF_ACTIONS[action]
    d = make(org)
    deliberation_act(deliberation_id=d.pk, action=action, actor=org.users["staff"], payload=payload)
    d.refresh_from_db()
    assert d.state == {"open": "open", "close": "closed", "summarise": "summarised"}[action]


def test_staff_and_leaders_may_not_post(org):
    d = open_deliberation(org)
    before = _counts()
    for role in ("staff", "leader"):
        with pytest.raises(NotAllowed):
            opinion(org, d, user=org.users[role])
    assert _counts() == before


@pytest.mark.parametrize("role,refusal", [("member", NotAllowed), ("leader", NotAllowed), ("member2", NotVisible)])
def test_selection_is_refused_to_all_but_the_secretariat(org, role, refusal):
    d = closed_deliberation(org)
    first = d.posts.get(reply_to__isnull=True)
    before = _counts()
    with pytest.raises(refusal):
        post_act(post_id=first.pk, action="select", actor=org.users[role])
    assert _counts() == before


# Reminders -------------------------------------------------------------------------------------------------------


def test_the_reminder_goes_a_day_before_closing_to_those_who_have_not_posted_once(org):
    from tests.builders.org import member_with_account

    quiet = member_with_account(org, username="quiet-member", name="王委员", seq=40)
    d = open_deliberation(org)
    opinion(org, d)  # org.member has posted
    soon = d.closes_at - datetime.timedelta(hours=20)
    assert remind_before_closing(now=d.closes_at - datetime.timedelta(days=2)) == 0
    assert remind_before_closing(now=soon) == 1
    assert remind_before_closing(now=soon) == 0
    reminded = Notification.objects.filter(kind="deliberation.reminder")
    assert [n.recipient_id for n in reminded] == [quiet.user_id]
