"""The proposal's page as each person finds it: every action they can take — on the proposal and on its assignments —
at the top, the sentence "nothing to do" only when there is nothing; the rating form after the reply it rates; each
success message saying what happened; an action's address opened rather than posted leading back to the page; each
step once on the timeline."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from lxml import html

from tests.builders import proposals as make
from tests.builders.activities import published_activity
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput
from zhengxie.core.workflow import SYSTEM
from zhengxie.duty.activities import ACTIVITY
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.choices import ProposalState
from zhengxie.proposals.models import Evaluation, Proposal, TimelineEntry
from zhengxie.proposals.services import attachment_add, proposal_create_draft

pytestmark = pytest.mark.django_db

NO_ACTIONS = "您目前没有需要对本提案执行的操作。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _page(client, proposal):
    response = client.get(reverse("proposals:detail", args=[proposal.pk]))
    assert response.status_code == 200
    return response.content.decode(), html.fromstring(response.content)


def _top(doc):
    return doc.xpath("//section[@data-testid='actions']")[0]


def _top_actions(doc) -> list[tuple[str | None, str]]:
    return [(b.get("data-assignment"), b.get("data-action")) for b in _top(doc).xpath(".//*[@data-action]")]


def _message(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# 1. The actions are at the top -----------------------------------------------------------------------------------


def test_unit_staff_find_signing_for_the_assignment_at_the_top_not_told_there_is_nothing(org, category, client_for):
    # given a proposal assigned to the unit, not yet signed for
    p = make.assigned(org, category)
    a = make.assignment_of(p)
    # when the unit's staff open it
    body, doc = _page(client_for(org.users["unit"]), p)
    # then 签收 and 申请调整 are at the top, under the unit's name, before the proposal's content
    assert _top_actions(doc) == [(str(a.pk), "accept_assignment"), (str(a.pk), "dispute_assignment")]
    assert org.unit.name in _top(doc).text_content()
    assert body.index('data-testid="actions"') < body.index('id="h-content"')
    # and nothing says they have nothing to do; the assignment's card holds no second set of buttons
    assert NO_ACTIONS not in body
    assert doc.xpath("//article[@data-testid='assignment']//*[@data-action]") == []


def test_after_signing_the_unit_finds_drafting_the_reply_at_the_top(org, category, client_for):
    p = make.accepted(org, category)
    a = make.assignment_of(p)
    body, doc = _page(client_for(org.users["unit"]), p)
    assert (str(a.pk), "draft_reply") in _top_actions(doc)
    assert NO_ACTIONS not in body


def test_the_office_finds_both_the_proposals_and_each_units_actions_at_the_top(org, category, client_for):
    # given a proposal whose unit asks for it to be sent elsewhere
    p = make.disputed(org, category)
    a = make.assignment_of(p)
    # when the office opens it
    body, doc = _page(client_for(org.users["office"]), p)
    actions = _top_actions(doc)
    # then its own actions on the proposal and deciding the dispute are all at the top
    assert (None, "propose_key") in actions
    assert (str(a.pk), "resolve_dispute") in actions
    assert NO_ACTIONS not in body


def test_a_member_with_nothing_to_do_is_told_so(org, category, client_for):
    # given a proposal the member filed that now waits for the unit
    p = make.accepted(org, category)
    # when the member opens it
    body, doc = _page(client_for(org.users["member"]), p)
    # then there is no button, and the page says there is nothing to do
    assert _top_actions(doc) == []
    assert NO_ACTIONS in body


# 3. The rating form after the reply it rates -----------------------------------------------------------------------


def test_the_rating_form_follows_the_reply_it_rates_and_the_top_button_leads_there(org, category, client_for):
    # given the unit's approved reply awaiting the member's rating
    p = make.reply_approved(org, category, text="已列入明年计划。")
    reply = make.assignment_of(p).replies.get()
    body, doc = _page(client_for(org.users["member"]), p)
    # then the rating form sits inside the reply, after its text
    form = doc.xpath(f"//*[@data-reply='{reply.pk}']//form[@data-action-form='evaluate']")
    assert len(form) == 1
    assert body.index("已列入明年计划。") < body.index('data-action-form="evaluate"')
    assert form[0].xpath(".//input[@name='reply_id']")[0].get("value") == str(reply.pk)
    # and the top's 测评 button leads to it
    button = _top(doc).xpath(".//*[@data-action='evaluate']")[0]
    assert button.get("href") == f"#rate-{reply.pk}"


def test_a_refused_rating_comes_back_under_its_reply_and_a_good_one_is_recorded(org, category, client_for):
    p = make.reply_approved(org, category)
    reply = make.assignment_of(p).replies.get()
    client = client_for(org.users["member"])
    url = reverse("proposals:act", args=[p.pk, "evaluate"])
    # when the member says "dissatisfied" without saying why
    response = client.post(url, {"reply_id": reply.pk, "satisfaction": "dissatisfied", "comment": ""})
    # then the form comes back under the reply with the reason, and nothing is recorded
    assert response.status_code == 422
    doc = html.fromstring(response.content)
    form = doc.xpath(f"//*[@data-reply='{reply.pk}']//form[@data-action-form='evaluate']")[0]
    assert "不满意" in form.text_content()
    assert Evaluation.objects.count() == 0
    # when they rate it satisfied
    response = client.post(url, {"reply_id": reply.pk, "satisfaction": "satisfied"})
    assert response.status_code == 302
    assert Evaluation.objects.get().satisfaction == "satisfied"
    assert _message(response) == ["已提交测评"]


# 2. The success message says what happened ------------------------------------------------------------------------


def test_every_action_of_every_workflow_says_what_happened(org):
    missing = [
        f"{flow.name}.{name}"
        for flow in (wf.PROPOSAL, wf.ASSIGNMENT, ACTIVITY)
        for name, step in flow.actions.items()
        if not step.done and step.who != {SYSTEM}
    ]
    assert missing == []


def test_registering_says_the_number_given(org, category, client_for):
    p = make.submitted(org, category)
    response = client_for(org.users["office"]).post(reverse("proposals:act", args=[p.pk, "register"]))
    p.refresh_from_db()
    assert p.number
    assert _message(response) == [f"已立案，案号 {p.number}"]


def test_signing_for_an_assignment_says_so_with_the_unit(org, category, client_for):
    p = make.assigned(org, category)
    a = make.assignment_of(p)
    response = client_for(org.users["unit"]).post(reverse("proposals:assignment_act", args=[a.pk, "accept_assignment"]))
    assert _message(response) == [f"已签收（{org.unit.name}）"]


def test_submitting_with_co_signers_says_they_are_asked(org, category, client_for):
    p = make.joint_draft(org, category)
    response = client_for(org.users["member"]).post(reverse("proposals:act", args=[p.pk, "submit"]))
    assert _message(response) == ["已提交，等待联名人确认"]


def test_closing_says_it_is_closed(org, category, client_for):
    p = make.reply_approved(org, category)
    make.act(p, "evaluate", org.users["member"], satisfaction="satisfied")
    response = client_for(org.users["office"]).post(reverse("proposals:act", args=[p.pk, "close"]))
    assert Proposal.objects.get(pk=p.pk).state == ProposalState.CLOSED
    assert _message(response) == ["已办结"]


def test_an_approved_extension_says_the_new_deadline(org, category, client_for):
    p = make.accepted(org, category)
    a = make.assignment_of(p)
    later = a.due_date + datetime.timedelta(days=20)  # within the longest allowed (6 months from assignment)
    make.act(a, "request_extension", org.users["unit"], due_date=str(later), reason="需协调")
    url = reverse("proposals:assignment_act", args=[a.pk, "decide_extension"])
    response = client_for(org.users["office"]).post(url, {"decision": "approve", "comment": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _message(response) == [f"已同意延期，办理期限改为 {later}（{org.unit.name}）"]


def test_signing_up_for_an_activity_says_so(org, client_for):
    activity = published_activity(org, attendance="sign_up")
    response = client_for(org.users["member"]).post(reverse("duty:activity_act", args=[activity.pk, "sign_up"]))
    assert response.status_code == 302
    assert _message(response) == ["已报名"]


# 7. An action's address opened rather than posted -----------------------------------------------------------------


def test_opening_an_action_address_leads_to_the_page_never_a_blank_405(org, category, client_for):
    p = make.assigned(org, category)
    a = make.assignment_of(p)
    unit = client_for(org.users["unit"])
    detail = reverse("proposals:detail", args=[p.pk])
    # a refused form's address reloaded from the address bar
    response = unit.get(reverse("proposals:assignment_act", args=[a.pk, "dispute_assignment"]))
    assert (response.status_code, response["Location"]) == (302, detail)
    response = client_for(org.users["office"]).get(reverse("proposals:act", args=[p.pk, "propose_key"]))
    assert (response.status_code, response["Location"]) == (302, detail)
    # and it leads to a page that answers
    assert (
        unit.get(reverse("proposals:assignment_act", args=[a.pk, "accept_assignment"]), follow=True).status_code == 200
    )


def test_opening_an_activity_action_address_leads_to_the_activity(org, client_for):
    activity = published_activity(org, attendance="sign_up")
    response = client_for(org.users["member"]).get(reverse("duty:activity_act", args=[activity.pk, "sign_up"]))
    assert (response.status_code, response["Location"]) == (302, reverse("duty:activity_detail", args=[activity.pk]))


# 6. Each step once on the timeline --------------------------------------------------------------------------------


def test_co_signing_appears_once_on_the_timeline(org, category, client_for):
    # given a joint proposal submitted and co-signed by the one invited member
    p = make.joint_draft(org, category)
    make.act(p, "submit", org.users["member"])
    make.act(p, "cosign", org.users["member2"])
    # then the timeline records the co-signing once, as the move to the office
    entries = list(TimelineEntry.objects.filter(proposal=p, action="cosign").values_list("from_state", "to_state"))
    assert entries == [(ProposalState.COSIGNING, ProposalState.SUBMITTED)]
    body, doc = _page(client_for(org.users["member"]), p)
    assert [li.get("data-step") for li in doc.xpath("//*[@data-testid='timeline']/li")] == ["submit", "cosign"]


# 5. No draft from nothing; an author may delete a draft they never submitted ---------------------------------------

EMPTY_EDITOR = {"proposal": "", "title": "", "analysis": "", "suggestions": "", "category": ""}


@pytest.mark.parametrize("intent", ["submit", "save"])
def test_an_empty_new_proposal_saves_nothing_and_says_what_is_missing(intent, org, category, client_for):
    audit = AuditEntry.objects.count()
    response = client_for(org.users["member"]).post(reverse("proposals:new"), {**EMPTY_EDITOR, "intent": intent})
    assert response.status_code == 422
    body = response.content.decode()
    assert "提案尚未填写任何内容，没有保存。" in body
    for missing in ("请填写案由。", "请填写情况分析。", "请填写具体建议。", "请选择类别。"):
        assert missing in body
    assert (Proposal.objects.count(), AuditEntry.objects.count()) == (0, audit)


def test_autosave_makes_no_draft_from_nothing(org, category, client_for):
    member = client_for(org.users["member"])
    response = member.post(reverse("proposals:autosave"), EMPTY_EDITOR)
    assert response.status_code == 200
    assert 'data-state="empty"' in response.content.decode()
    assert Proposal.objects.count() == 0
    # once something is written, the draft is made
    response = member.post(reverse("proposals:autosave"), {**EMPTY_EDITOR, "title": "关于"})
    assert response.status_code == 200 and Proposal.objects.get().title == "关于"


def test_the_service_refuses_to_make_an_empty_draft(org):
    with pytest.raises(InvalidInput) as refused:
        proposal_create_draft(author=org.users["member"], data={"title": "  ", "cosigner_ids": []})
    assert refused.value.errors["title"] == "请填写案由。"
    assert Proposal.objects.count() == 0


def test_an_author_deletes_their_draft_after_confirming_and_it_is_audited(
    org, category, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    p = make.draft(org, category, cosigners=[org.member2])
    attachment = attachment_add(proposal_id=p.pk, actor=org.users["member"], name="调研.pdf", data=PDF)
    stored = tmp_path / attachment.file.name
    assert stored.exists()
    member = client_for(org.users["member"])
    # the button is at the top, and asks before it deletes
    body, doc = _page(member, p)
    button = _top(doc).xpath(".//*[@data-action='delete_draft']")[0]
    assert button.xpath("ancestor::form")[0].get("data-confirm") == "删除后草稿及其附件不能恢复。确定删除？"
    # others may not delete it: they do not see it
    for who in ("member2", "office"):
        assert client_for(org.users[who]).post(reverse("proposals:act", args=[p.pk, "delete_draft"])).status_code == 404
    assert Proposal.objects.filter(pk=p.pk).exists()
    # the author deletes it
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(reverse("proposals:act", args=[p.pk, "delete_draft"]))
    assert (response.status_code, response["Location"]) == (302, reverse("proposals:list"))
    assert _message(response) == ["草稿已删除"]
    assert not Proposal.objects.filter(pk=p.pk).exists()
    assert not stored.exists()
    entry = AuditEntry.objects.get(action="proposal.delete_draft")
    assert (entry.object_id, entry.actor_id) == (str(p.pk), org.users["member"].pk)
    assert entry.changes == {"title": [make.TITLE, None], "state": [ProposalState.DRAFT, None]}


def test_nothing_but_a_never_submitted_draft_can_be_deleted(org, category, client_for):
    member = client_for(org.users["member"])
    # a submitted proposal: no button, and a post is refused (409) leaving it as it was
    submitted = make.submitted(org, category)
    body, doc = _page(member, submitted)
    assert (None, "delete_draft") not in _top_actions(doc)
    assert member.post(reverse("proposals:act", args=[submitted.pk, "delete_draft"])).status_code == 409
    # a draft returned for revision has a history: withdrawn, not deleted
    make.act(submitted, "return_for_revision", org.users["office"], comment="请补充")
    response = member.post(reverse("proposals:act", args=[submitted.pk, "delete_draft"]))
    assert response.status_code == 409
    assert "提案曾经提交，不能删除；如不再提出，请撤回。" in response.content.decode()
    assert Proposal.objects.get(pk=submitted.pk).state == ProposalState.DRAFT
    # and deleting is the only removal any workflow declares, from the draft state alone
    removals = [(n, s.sources) for n, s in wf.PROPOSAL.actions.items() if n == "delete_draft"]
    assert removals == [("delete_draft", frozenset({ProposalState.DRAFT}))]


def test_the_editor_says_what_happened_in_the_words_the_actions_declare(org, category, client_for):
    member = client_for(org.users["member"])
    data = {
        "proposal": "",
        "title": "关于建设口袋公园的建议",
        "analysis": "绿地不足。",
        "suggestions": "建设口袋公园。",
    }
    response = member.post(reverse("proposals:new"), {**data, "category": category.pk, "intent": "save"})
    assert _message(response) == ["草稿已保存"]
    p = Proposal.objects.get()
    response = member.post(
        reverse("proposals:edit", args=[p.pk]), {**data, "category": category.pk, "intent": "submit"}
    )
    assert _message(response)[-1] == "已提交，等待提案委审查"  # (the first message was not shown in between)


def test_the_editor_offers_deleting_a_draft_never_submitted_with_its_question(org, category, client_for):
    member = client_for(org.users["member"])
    p = make.draft(org, category)
    doc = html.fromstring(member.get(reverse("proposals:edit", args=[p.pk])).content)
    form = doc.xpath("//form[@data-testid='delete-draft']")[0]
    assert form.get("action") == reverse("proposals:act", args=[p.pk, "delete_draft"])
    assert form.get("data-confirm") == "删除后草稿及其附件不能恢复。确定删除？"
    assert form.xpath(".//button")[0].text_content().strip() == "删除草稿"
    # a draft returned for revision is not offered it
    returned = make.submitted(org, category, title="关于增设公交线路的建议")
    make.act(returned, "return_for_revision", org.users["office"], comment="请补充")
    doc = html.fromstring(member.get(reverse("proposals:edit", args=[returned.pk])).content)
    assert doc.xpath("//form[@data-testid='delete-draft']") == []
