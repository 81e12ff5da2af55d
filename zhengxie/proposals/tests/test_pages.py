"""The proposal pages: each role sees exactly the buttons the workflow table allows; refused posts keep their status
and change nothing; the editor autosaves (audited) and validates; list filters and query counts; the review queue,
attachments, categories and navigation."""

import datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import proposals as make
from zhengxie.audit.models import AuditEntry
from zhengxie.core.navigation import nav_for
from zhengxie.notifications.models import Notification
from zhengxie.people.choices import CollectiveKind
from zhengxie.people.models import CollectiveProposer
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.choices import AssignmentState, ProposalState
from zhengxie.proposals.models import Assignment, Attachment, Category, Proposal, TimelineEntry
from zhengxie.proposals.selectors import visible_proposals
from zhengxie.proposals.services import attachment_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VIEWERS = ["member", "member2", "office", "leader", "overseer", "unit", "unit-leader", "unit2", "unit2-leader"]


class _ButtonParser(HTMLParser):
    """Collects the action buttons of a page: (assignment id or None, action name) in page order."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[int | None, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-action" in a:
            assignment = a.get("data-assignment")
            self.found.append((int(assignment) if assignment else None, a["data-action"]))


def _buttons(response) -> tuple[list[str], dict[int, list[str]]]:
    parser = _ButtonParser()
    parser.feed(response.content.decode())
    proposal = [name for assignment, name in parser.found if assignment is None]
    by_assignment: dict[int, list[str]] = {}
    for assignment, name in parser.found:
        if assignment is not None:
            by_assignment.setdefault(assignment, []).append(name)
    return proposal, by_assignment


def _snapshot(proposal) -> tuple:
    proposal.refresh_from_db()
    return (
        AuditEntry.objects.count(),
        TimelineEntry.objects.count(),
        Notification.objects.count(),
        proposal.state,
        proposal.number,
        sorted(proposal.assignments.values_list("pk", "state", "round")),
        list(proposal.assignments.values_list("replies__pk", "replies__state").order_by("replies__pk")),
    )


# Buttons --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", make.STAGES)
def test_each_role_sees_exactly_the_buttons_the_table_allows(stage, org, category, client_for):
    # given a joint proposal at this stage of its life
    proposal = make.joint_proposal_at(org, category, stage)
    shown_any = False
    for key in VIEWERS:
        user = org.users[key]
        # when each role opens its page
        response = client_for(user).get(reverse("proposals:detail", args=[proposal.pk]))
        if not visible_proposals(user).filter(pk=proposal.pk).exists():
            assert response.status_code == 404, key
            continue
        assert response.status_code == 200, key
        # then the buttons are exactly the table's actions for that person, in the table's order
        proposal_buttons, assignment_buttons = _buttons(response)
        fresh = Proposal.objects.get(pk=proposal.pk)
        assert proposal_buttons == wf.allowed_proposal_actions(fresh, user), (stage, key)
        expected = {}
        for a in Assignment.objects.filter(proposal=proposal):
            allowed = wf.allowed_assignment_actions(a, user)
            if allowed:
                expected[a.pk] = allowed
        assert assignment_buttons == expected, (stage, key)
        shown_any = shown_any or bool(proposal_buttons or assignment_buttons)
    assert shown_any, f"nobody may act at stage {stage}"


def test_buttons_of_the_office_and_the_units_at_known_stages(org, category, client_for):
    # The table's answers spelled out, so the comparison above cannot pass on two empty lists.
    submitted = make.joint_proposal_at(org, category, "submitted")
    office_buttons, _ = _buttons(client_for(org.users["office"]).get(reverse("proposals:detail", args=[submitted.pk])))
    assert office_buttons == ["return_for_revision", "register", "merge", "convert", "reject"]
    member_buttons, _ = _buttons(client_for(org.users["member"]).get(reverse("proposals:detail", args=[submitted.pk])))
    assert member_buttons == ["withdraw"]

    assigned = make.joint_proposal_at(org, category, "assigned")
    lead, co = make.lead_and_co(assigned)
    url = reverse("proposals:detail", args=[assigned.pk])
    assert _buttons(client_for(org.users["unit"]).get(url)) == (
        [],
        {lead.pk: ["accept_assignment", "dispute_assignment"]},
    )
    assert _buttons(client_for(org.users["unit2"]).get(url)) == (
        [],
        {co.pk: ["accept_assignment", "dispute_assignment"]},
    )
    assert _buttons(client_for(org.users["office"]).get(url)) == (["propose_key", "nominate_excellent"], {})


def test_roles_without_the_page_permission_get_403(org, category, client_for):
    proposal = make.joint_proposal_at(org, category, "registered")
    for key in ("staff", "admin"):
        client = client_for(org.users[key])
        assert client.get(reverse("proposals:list")).status_code == 403
        assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 403
    for key in ("unit", "leader", "overseer"):
        assert client_for(org.users[key]).get(reverse("proposals:new")).status_code == 403
    for key in ("member", "unit", "leader"):
        assert client_for(org.users[key]).get(reverse("proposals:review")).status_code == 403


def test_unit_opening_a_proposal_not_assigned_to_it_gets_the_404_page(org, category, client_for):
    # given a proposal assigned to demo-unit's unit only
    p = make.joint_proposal_at(org, category, "registered")
    make.act(p, "assign", org.users["office"], mode="single", units=[{"unit_id": org.unit.pk, "role": "single"}])
    # when demo-unit2 opens it
    response = client_for(org.users["unit2"]).get(reverse("proposals:detail", args=[p.pk]))
    # then it gets the 404 page, which says nothing of the proposal
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-testid="not-found"' in body and "无权查看" in body
    assert p.title not in body
    assert client_for(org.users["unit"]).get(reverse("proposals:detail", args=[p.pk])).status_code == 200


def test_detail_answers_other_methods_only_to_those_who_see_it(org, category, client_for):
    p = make.joint_proposal_at(org, category, "registered")
    url = reverse("proposals:detail", args=[p.pk])
    assert client_for(org.users["unit2"]).post(url).status_code == 404  # not visible: 404 whatever the method
    assert client_for(org.users["office"]).post(url).status_code == 405


def test_overdue_assignments_are_flagged_and_due_next_names_who_acts(org, category, client_for):
    p = make.joint_proposal_at(org, category, "reply_drafted")
    lead, _co = make.lead_and_co(p)
    url = reverse("proposals:detail", args=[p.pk])
    # before the due date: the unit sees its leader is to sign; the proposer only that the unit is handling it
    unit_page = client_for(org.users["unit"]).get(url)
    assert [(d.who, d.what, d.due, d.overdue) for d in unit_page.context["due_next"]] == [
        ("新建区住房和城乡建设局 领导", "签发答复", lead.due_date, False)
    ]
    member_page = client_for(org.users["member"]).get(url)
    assert [(d.who, d.what) for d in member_page.context["due_next"]] == [("新建区住房和城乡建设局", "办理并答复")]
    assert 'data-testid="overdue"' not in unit_page.content.decode()
    # a day after the due date the lead unit's assignment is flagged (the co-handler has sent its opinion)
    with time_machine.travel(datetime.datetime.combine(lead.due_date, datetime.time(10)) + datetime.timedelta(days=1)):
        response = client_for(org.users["office"]).get(url)
    body = response.content.decode()
    assert body.count('data-testid="overdue"') == 1
    assert [(d.what, d.overdue) for d in response.context["due_next"]] == [("签发答复", True)]


# Refused actions ------------------------------------------------------------------------------------------------


def test_refused_proposal_actions_keep_their_status_and_change_nothing(org, category, client_for):
    u = org.users
    p = make.joint_proposal_at(org, category, "cosigning")
    before = _snapshot(p)
    act = lambda action: reverse("proposals:act", args=[p.pk, action])  # noqa: E731
    # still co-signing: the office may not register yet (409)
    response = client_for(u["office"]).post(act("register"))
    assert response.status_code == 409
    assert "当前状态（联名中）不能执行“立案”。" in response.content.decode()
    # the invited co-signer sees it but may not register (403)
    assert client_for(u["member2"]).post(act("register")).status_code == 403
    # a unit does not see it at all (404)
    assert client_for(u["unit"]).post(act("register")).status_code == 404
    # no such action, and "edit" is not an action to post (404); an action's address opened rather than posted
    # leads to the proposal's page, and a unit that may not see it gets 404 there too
    assert client_for(u["member"]).post(act("fly")).status_code == 404
    assert client_for(u["member"]).post(act("edit")).status_code == 404
    assert client_for(u["member"]).get(act("withdraw"))["Location"] == reverse("proposals:detail", args=[p.pk])
    assert client_for(u["unit"]).get(act("withdraw")).status_code == 404
    assert client_for(u["member"]).put(act("withdraw")).status_code == 405
    assert _snapshot(p) == before

    make.act(p, "cosign", org.users["member2"])
    before = _snapshot(p)
    # a bad payload from someone who may not act at all is refused for who they are (403), not for the input
    assert client_for(u["member2"]).post(act("reject"), {"ground": "", "explanation": ""}).status_code == 403
    # the office's own bad payload: 422 with the errors on the fields, the form shown open
    response = client_for(u["office"]).post(act("reject"), {"ground": "nonsense", "explanation": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'class="collapse show mt-2" id="act-reject"' in body
    assert 'aria-invalid="true"' in body
    response = client_for(u["office"]).post(act("reject"), {"ground": "academic", "explanation": "  "})
    assert response.status_code == 422
    reject = next(item for item in response.context["actions"] if item.name == "reject")
    assert reject.open and reject.form.errors == {"explanation": ["请填写说明。"]}
    assert 'id="id_act-reject_explanation_errors"' in response.content.decode()
    # merging into a proposal that does not exist is refused by the service (422)
    response = client_for(u["office"]).post(act("merge"), {"into": "#999999"})
    assert response.status_code == 422
    assert _snapshot(p) == before


def test_refused_assignment_actions_keep_their_status_and_change_nothing(org, category, client_for):
    u = org.users
    p = make.joint_proposal_at(org, category, "accepted")
    lead, co = make.lead_and_co(p)
    before = _snapshot(p)
    act = lambda a, action: reverse("proposals:assignment_act", args=[a.pk, action])  # noqa: E731
    # the co-handler sees the proposal but the lead unit's assignment is not its own (403)
    assert client_for(u["unit2"]).post(act(lead, "draft_reply"), {"text": "x", "grade": "A"}).status_code == 403
    # nothing drafted yet: the leader cannot sign (409)
    assert client_for(u["unit-leader"]).post(act(lead, "sign_reply")).status_code == 409
    # the unit's reply without a grade (422)
    response = client_for(u["unit"]).post(act(lead, "draft_reply"), {"text": "答复", "grade": ""})
    assert response.status_code == 422
    # the co-handler may not draft a reply: it sends a co-opinion (409)
    assert client_for(u["unit2"]).post(act(co, "draft_reply"), {"text": "x", "grade": "A"}).status_code == 409
    # a member may not accept for a unit (403), a stranger's id is 404, an unknown action is 404
    assert client_for(u["member"]).post(act(lead, "accept_assignment")).status_code == 403
    assert (
        client_for(u["unit"]).post(reverse("proposals:assignment_act", args=[999999, "sign_reply"])).status_code == 404
    )
    assert client_for(u["unit"]).post(act(lead, "auto_accept")).status_code == 403  # the system's action
    assert client_for(u["unit"]).post(act(lead, "fly")).status_code == 404
    assert _snapshot(p) == before


def test_an_allowed_action_through_the_page_changes_state_and_redirects(org, category, client_for):
    p = make.joint_proposal_at(org, category, "submitted")
    audit_before = AuditEntry.objects.count()
    response = client_for(org.users["office"]).post(
        reverse("proposals:act", args=[p.pk, "register"]), {"next": reverse("proposals:review")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("proposals:review")
    p.refresh_from_db()
    assert p.state == ProposalState.REGISTERED and p.number == f"{p.year}0001"
    assert AuditEntry.objects.filter(action="proposal.register").count() == 1
    assert AuditEntry.objects.count() > audit_before
    # an address on another host is not followed
    p2 = make.joint_proposal_at(org, category, "submitted")
    response = client_for(org.users["office"]).post(
        reverse("proposals:act", args=[p2.pk, "return_for_revision"]),
        {"comment": "请补充数据", "next": "https://evil.example/"},
    )
    # (the draft is its author's alone now: the office is taken to the list, not to a page it may no longer see)
    assert response["Location"] == reverse("proposals:list")
    p2.refresh_from_db()
    assert (p2.state, p2.office_comment) == (ProposalState.DRAFT, "请补充数据")


def test_assign_form_sends_the_units_with_their_roles(org, category, client_for):
    p = make.joint_proposal_at(org, category, "registered")
    url = reverse("proposals:act", args=[p.pk, "assign"])
    office = client_for(org.users["office"])
    # lead mode needs co-handlers: refused with the message on the form
    response = office.post(url, {"mode": "lead", "lead_unit": org.unit.pk})
    assert response.status_code == 422
    assert "主办需要一个主办单位和至少一个会办单位。" in response.content.decode()
    response = office.post(
        url, {"mode": "lead", "lead_unit": org.unit.pk, "other_units": [org.other_unit.pk], "due_date": ""}
    )
    assert response.status_code == 302
    assert sorted(p.assignments.values_list("unit_id", "role", "state")) == sorted(
        [(org.unit.pk, "lead", AssignmentState.PENDING), (org.other_unit.pk, "co", AssignmentState.PENDING)]
    )


def test_evaluation_and_extension_forms_build_their_payloads(org, category, client_for):
    p = make.joint_proposal_at(org, category, "accepted")
    lead, _co = make.lead_and_co(p)
    unit = client_for(org.users["unit"])
    due = lead.due_date + datetime.timedelta(days=20)
    response = unit.post(
        reverse("proposals:assignment_act", args=[lead.pk, "request_extension"]),
        {"due_date": due.isoformat(), "reason": "需要跨部门协调"},
    )
    assert response.status_code == 302
    response = client_for(org.users["office"]).post(
        reverse("proposals:assignment_act", args=[lead.pk, "decide_extension"]), {"decision": "approve"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.due_date == due

    p = make.joint_proposal_at(org, category, "evaluating")
    reply = make.lead_and_co(p)[0].replies.get()
    member = client_for(org.users["member"])
    url = reverse("proposals:act", args=[p.pk, "evaluate"])
    # dissatisfied needs a comment
    response = member.post(url, {"reply_id": reply.pk, "satisfaction": "dissatisfied", "comment": ""})
    assert response.status_code == 422
    assert response.context["refusal"].errors == {"comment": "必填"}
    response = member.post(url, {"reply_id": reply.pk, "satisfaction": "satisfied", "comment": ""})
    assert response.status_code == 302
    assert list(reply.evaluations.values_list("satisfaction", flat=True)) == ["satisfied"]


# The editor and autosave ----------------------------------------------------------------------------------------


def _editor_post(org, cat, **extra) -> dict:
    data = {
        "proposal": "",
        "title": "关于建设口袋公园的建议",
        "analysis": "城区绿地不足。",
        "suggestions": "利用边角地建设口袋公园。",
        "category": str(cat.pk),
        "cosigner_ids": [str(org.member2.pk)],
        "suggested_unit_ids": [str(org.unit.pk)],
    }
    data.update(extra)
    return data


def test_autosave_creates_then_updates_the_draft_and_audits_each_change(org, category, client_for):
    member = client_for(org.users["member"])
    url = reverse("proposals:autosave")
    # first autosave: the draft is created and its id comes back for the form
    response = member.post(url, _editor_post(org, category), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    p = Proposal.objects.get()
    assert (p.state, p.title, p.author, p.lead_member) == (
        "draft",
        "关于建设口袋公园的建议",
        org.users["member"],
        org.member,
    )
    assert list(p.cosignatures.values_list("member_id", flat=True)) == [org.member2.pk]
    assert response["HX-Replace-Url"] == reverse("proposals:edit", args=[p.pk])
    body = response.content.decode()
    assert "已自动保存" in body
    assert f'id="draft-proposal-id" value="{p.pk}" hx-swap-oob="true"' in body
    created = AuditEntry.objects.get(action="proposal.save_draft")
    assert created.object_id == str(p.pk) and created.actor == org.users["member"]
    # later autosaves update it; each change is audited with the old and new values
    response = member.post(url, _editor_post(org, category, proposal=str(p.pk), title="关于建设街头口袋公园的建议"))
    assert response.status_code == 200 and "draft-proposal-id" not in response.content.decode()
    p.refresh_from_db()
    assert p.title == "关于建设街头口袋公园的建议" and Proposal.objects.count() == 1
    last = AuditEntry.objects.filter(action="proposal.save_draft").order_by("id").last()
    assert last.changes == {"title": ["关于建设口袋公园的建议", "关于建设街头口袋公园的建议"]}
    # saving the same content again writes no audit row
    member.post(url, _editor_post(org, category, proposal=str(p.pk), title="关于建设街头口袋公园的建议"))
    assert AuditEntry.objects.filter(action="proposal.save_draft").count() == 2


def test_autosave_refusals(org, category, client_for):
    u = org.users
    url = reverse("proposals:autosave")
    p = make.joint_draft(org, category)
    before = _snapshot(p)
    # someone else's draft is not found; an unknown category is refused with a message; GET is not allowed
    response = client_for(u["member2"]).post(url, _editor_post(org, category, proposal=str(p.pk)))
    assert response.status_code == 404
    assert response.content.decode().startswith('<span class="text-danger" role="alert" data-state="error">提案不存在')
    response = client_for(u["member"]).post(url, _editor_post(org, category, proposal=str(p.pk), category="999"))
    assert response.status_code == 422 and "未能自动保存" in response.content.decode()
    assert client_for(u["member"]).get(url).status_code == 405
    assert client_for(u["unit"]).post(url, _editor_post(org, category)).status_code == 403
    assert _snapshot(p) == before
    # once submitted, the draft can no longer be saved (409)
    make.act(p, "submit", org.users["member"])
    before = _snapshot(p)
    response = client_for(u["member"]).post(url, _editor_post(org, category, proposal=str(p.pk), title="改"))
    assert response.status_code == 409 and "提案已提交" not in p.title
    assert _snapshot(p) == before


def test_editor_validates_before_submitting(org, category, client_for):
    member = client_for(org.users["member"])
    # a title over the draft limit is a form error; nothing is saved
    response = member.post(reverse("proposals:new"), _editor_post(org, category, title="长" * 201, intent="save"))
    assert response.status_code == 422
    assert response.context["form"].errors["title"] == ["确保该变量包含不超过 200 字符 (目前字符数 201)。"]
    assert Proposal.objects.count() == 0
    # submitting without the analysis and with a long title: the draft is kept, the content checks are shown
    response = member.post(
        reverse("proposals:new"), _editor_post(org, category, title="长" * 51, analysis="", intent="submit")
    )
    assert response.status_code == 422
    p = Proposal.objects.get()
    assert p.state == ProposalState.DRAFT
    errors = response.context["form"].errors
    assert errors["analysis"] == ["请填写情况分析。"] and errors["title"] == ["案由不超过50字。"]
    body = response.content.decode()
    assert 'id="id_analysis_errors"' in body and 'aria-describedby="id_analysis_errors"' in body
    assert f'action="{reverse("proposals:edit", args=[p.pk])}"' in body
    # corrected and submitted from the edit page: it goes to the co-signer
    response = member.post(reverse("proposals:edit", args=[p.pk]), _editor_post(org, category, intent="submit"))
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.state == ProposalState.COSIGNING and p.title == "关于建设口袋公园的建议"
    # and the editor is closed once submitted (409), and to others (404 draft of someone else, 403 not the author)
    assert member.get(reverse("proposals:edit", args=[p.pk])).status_code == 409
    assert client_for(org.users["office"]).get(reverse("proposals:edit", args=[p.pk])).status_code == 403


def test_new_page_posting_with_the_autosaved_id_updates_that_draft(org, category, client_for):
    member = client_for(org.users["member"])
    member.post(reverse("proposals:autosave"), _editor_post(org, category))
    p = Proposal.objects.get()
    response = member.post(
        reverse("proposals:new"), _editor_post(org, category, proposal=str(p.pk), title="定稿", intent="save")
    )
    assert response.status_code == 302 and response["Location"] == reverse("proposals:detail", args=[p.pk])
    assert list(Proposal.objects.values_list("title", flat=True)) == ["定稿"]


def test_collective_contact_files_in_the_collectives_name(org, category, client_for):
    mine = CollectiveProposer.objects.create(name="民革新建区委", kind=CollectiveKind.PARTY, party=org.party)
    other = CollectiveProposer.objects.create(name="新建区工商联", kind=CollectiveKind.ORGANISATION)
    mine.contacts.add(org.users["member"])
    member = client_for(org.users["member"])
    form = member.get(reverse("proposals:new")).context["form"]
    assert form.fields["collective_id"].choices == [("", "本人（个人提案）"), (str(mine.pk), "民革新建区委")]
    # not a contact of the other collective: refused by the form, nothing saved
    response = member.post(reverse("proposals:new"), _editor_post(org, category, collective_id=str(other.pk)))
    assert response.status_code == 422 and Proposal.objects.count() == 0
    response = member.post(
        reverse("proposals:new"), _editor_post(org, category, collective_id=str(mine.pk), cosigner_ids=[])
    )
    assert response.status_code == 302
    p = Proposal.objects.get()
    assert (p.collective, p.lead_member, p.cosignatures.count()) == (mine, None, 0)
    # a member who is no contact files personally only: no choice shown
    assert "collective_id" not in client_for(org.users["member2"]).get(reverse("proposals:new")).context["form"].fields


# Attachments ----------------------------------------------------------------------------------------------------


def test_attachment_upload_download_and_remove(org, category, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = make.joint_draft(org, category)
    member = client_for(org.users["member"])
    upload = reverse("proposals:attachment_upload", args=[p.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = member.post(upload, {"file": SimpleUploadedFile("调研报告.pdf", PDF, "application/pdf")})
    assert response.status_code == 302 and response["Location"] == reverse("proposals:edit", args=[p.pk])
    att = Attachment.objects.get()
    assert (att.name, att.content_type, att.size) == ("调研报告.pdf", "application/pdf", len(PDF))
    assert AuditEntry.objects.filter(action="proposal.add_attachment").count() == 1
    # a file that is not a document is refused by its content (422); a stranger cannot even see the draft (404)
    before = _snapshot(p)
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    assert member.post(upload, {"file": fake}).status_code == 422
    assert client_for(org.users["member2"]).post(upload, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    assert member.post(upload, {}).status_code == 422
    assert _snapshot(p) == before and Attachment.objects.count() == 1
    # download with the original name
    response = member.get(reverse("proposals:attachment", args=[att.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E8%B0%83%E7%A0%94%E6%8A%A5%E5%91%8A.pdf"
    assert b"".join(response.streaming_content) == PDF
    # after submission the office reads it; a unit with nothing assigned does not
    make.act(p, "submit", org.users["member"])
    assert client_for(org.users["office"]).get(reverse("proposals:attachment", args=[att.pk])).status_code == 200
    assert client_for(org.users["unit"]).get(reverse("proposals:attachment", args=[att.pk])).status_code == 404
    # submitted: it can no longer be removed (409)
    assert member.post(reverse("proposals:attachment_remove", args=[att.pk])).status_code == 409
    assert Attachment.objects.count() == 1


def test_draft_attachment_can_be_removed_by_its_uploader(org, category, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = make.joint_draft(org, category)
    att = attachment_add(proposal_id=p.pk, actor=org.users["member"], name="a.pdf", data=PDF)
    response = client_for(org.users["member"]).post(reverse("proposals:attachment_remove", args=[att.pk]))
    assert response.status_code == 302 and Attachment.objects.count() == 0
    assert AuditEntry.objects.filter(action="proposal.remove_attachment").count() == 1


def test_reply_attachments_follow_reply_visibility(org, category, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = make.joint_proposal_at(org, category, "reply_drafted")
    lead, _co = make.lead_and_co(p)
    reply = lead.replies.get()
    from django.core.files.uploadedfile import SimpleUploadedFile

    # the lead unit attaches a file to its draft reply from the detail page
    detail = client_for(org.users["unit"]).get(reverse("proposals:detail", args=[p.pk]))
    assert 'data-testid="reply-upload"' in detail.content.decode()
    response = client_for(org.users["unit"]).post(
        reverse("proposals:attachment_upload", args=[p.pk]),
        {"file": SimpleUploadedFile("答复附件.pdf", PDF), "reply": str(reply.pk)},
    )
    assert response.status_code == 302
    att = Attachment.objects.get(reply=reply)
    # the draft reply is the unit's own: the proposer, the co-handler and the office cannot read its file yet
    download = reverse("proposals:attachment", args=[att.pk])
    for key in ("member", "unit2", "office"):
        assert client_for(org.users[key]).get(download).status_code == 404, key
    assert client_for(org.users["unit-leader"]).get(download).status_code == 200
    # once signed it has left the unit: the office and the co-handler read it, the proposer after approval
    make.act(lead, "sign_reply", org.users["unit-leader"])
    assert [client_for(org.users[k]).get(download).status_code for k in ("office", "unit2", "member")] == [
        200,
        200,
        404,
    ]
    make.act(lead, "approve_reply", org.users["office"])
    assert client_for(org.users["member"]).get(download).status_code == 200
    # the co-handler cannot attach to the lead unit's reply
    response = client_for(org.users["unit2"]).post(
        reverse("proposals:attachment_upload", args=[p.pk]),
        {"file": SimpleUploadedFile("x.pdf", PDF), "reply": str(reply.pk)},
    )
    assert response.status_code == 403


# List and review queue ------------------------------------------------------------------------------------------


def _ids(response) -> list[int]:
    return [p.pk for p in response.context["page"]]


def test_list_filters(org, category, client_for):
    other_category = Category.objects.create(name="社会建设", sort_order=2)
    u = org.users
    a = make.joint_proposal_at(org, category, "assigned")  # lead: unit, co: other_unit
    b = make.joint_draft(org, other_category, author="member2", cosigner_ids=[], title="关于学校周边交通的建议")
    make.act(b, "submit", org.users["member2"])
    make.act(b, "register", org.users["office"])
    make.act(b, "assign", org.users["office"], mode="single", units=[{"unit_id": org.other_unit.pk, "role": "single"}])
    c = make.joint_draft(org, category, cosigner_ids=[], title="关于社区养老的建议")
    make.act(c, "submit", org.users["member"])
    Proposal.objects.filter(pk=c.pk).update(year=2025)  # a proposal of last year
    make.act(a, "propose_key", org.users["office"], supervising_leader_id=u["leader"].pk)
    make.act(a, "approve_key", org.users["leader"])
    office = client_for(u["office"])
    url = reverse("proposals:list")
    assert sorted(_ids(office.get(url))) == sorted([a.pk, b.pk, c.pk])
    assert _ids(office.get(url, {"state": "submitted"})) == [c.pk]
    assert sorted(_ids(office.get(url, {"category": category.pk}))) == sorted([a.pk, c.pk])
    assert sorted(_ids(office.get(url, {"unit": org.other_unit.pk}))) == sorted([a.pk, b.pk])
    assert _ids(office.get(url, {"unit": org.unit.pk})) == [a.pk]
    assert _ids(office.get(url, {"key": "1"})) == [a.pk]
    assert _ids(office.get(url, {"year": "2025"})) == [c.pk]
    assert _ids(office.get(url, {"q": "学校周边"})) == [b.pk]
    assert _ids(office.get(url, {"q": a.number})) == [a.pk]
    # nonsense filters are ignored, not errors
    assert sorted(_ids(office.get(url, {"state": "bogus", "category": "x", "year": "20x5"}))) == sorted(
        [a.pk, b.pk, c.pk]
    )
    # "mine": member2 co-signed a and wrote b; a unit sees only what is assigned to it
    assert sorted(_ids(client_for(u["member2"]).get(url, {"mine": "1"}))) == sorted([a.pk, b.pk])
    assert _ids(client_for(u["member"]).get(url, {"mine": "1", "state": "submitted"})) == [c.pk]
    assert _ids(client_for(u["unit"]).get(url)) == [a.pk]


def test_list_query_count_does_not_grow_with_the_page(org, category, client_for, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            make.jointly_assigned(org, category, title=f"提案{i}", suggested_unit_ids=[org.unit.pk])

    office = client_for(org.users["office"])
    url = reverse("proposals:list")
    add(2)
    office.get(url)  # warm the per-process caches (committee name)
    with CaptureQueriesContext(connection) as small:
        assert len(office.get(url).context["page"].object_list) == 2
    add(20)
    with django_assert_max_num_queries(len(small)):
        response = office.get(url)
    assert len(response.context["page"].object_list) == 20
    assert response.content.decode().count("区住建局<span") == 20  # each row names its units


def test_review_queue_oldest_first_with_quick_actions(org, category, client_for):
    first = make.joint_draft(org, category, cosigner_ids=[], title="先提交的提案")
    make.act(first, "submit", org.users["member"])
    second = make.joint_draft(org, category, cosigner_ids=[], title="后提交的提案")
    make.act(second, "submit", org.users["member"])
    second.refresh_from_db()
    Proposal.objects.filter(pk=first.pk).update(submitted_at=second.submitted_at - datetime.timedelta(hours=1))
    make.joint_proposal_at(org, category, "cosigning")  # not yet submitted: not in the queue
    response = client_for(org.users["office"]).get(reverse("proposals:review"))
    assert response.status_code == 200
    assert [row["proposal"].pk for row in response.context["rows"]] == [first.pk, second.pk]
    for row in response.context["rows"]:
        expected = [
            a
            for a in wf.allowed_proposal_actions(row["proposal"], org.users["office"])
            if a in ("register", "return_for_revision", "reject", "merge", "convert")
        ]
        assert [item.name for item in row["actions"]] == expected
        assert expected == ["return_for_revision", "register", "merge", "convert", "reject"]
    body = response.content.decode()
    assert body.count('data-testid="review-row"') == 2
    assert f'id="act-reject-{first.pk}"' in body and f'id="id_act-reject-{first.pk}_ground"' in body
    # merge from the queue: the second into the first by its number (registered now by the same decision)
    response = client_for(org.users["office"]).post(
        reverse("proposals:act", args=[second.pk, "merge"]),
        {"into": f"#{first.pk}", "next": reverse("proposals:review")},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.merged_into) == (ProposalState.REGISTERED, ProposalState.MERGED, first)
    third = make.submitted(org, category, title="第三件提案", suggested_unit_ids=[org.unit.pk])
    response = client_for(org.users["office"]).post(
        reverse("proposals:act", args=[third.pk, "merge"]), {"into": first.number}
    )
    assert response.status_code == 302
    assert first.merged_proposals.count() == 2
    # the page of the proposal merged into lists both (found through the "merged_in" entries of its timeline) …
    page = client_for(org.users["office"]).get(reverse("proposals:detail", args=[first.pk]))
    assert [m.pk for m in page.context["merged"]] == sorted(p.pk for p in first.merged_proposals.all())
    # … and one without any merged into it does not look for them
    alone = make.submitted(org, category, title="第三件提案", suggested_unit_ids=[org.unit.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client_for(org.users["office"]).get(reverse("proposals:detail", args=[alone.pk]))
    assert page.context["merged"] == []
    assert not [q for q in queries.captured_queries if "merged_into_id" in q["sql"].split("WHERE")[-1]]


# Categories and navigation --------------------------------------------------------------------------------------


def test_categories_are_managed_by_the_office_and_audited(org, category, client_for):
    office = client_for(org.users["office"])
    url = reverse("proposals:categories")
    response = office.post(url, {"name": "生态文明建设", "sort_order": "5", "is_active": "on"})
    assert response.status_code == 302
    created = Category.objects.get(name="生态文明建设")
    assert (created.sort_order, created.is_active) == (5, True)
    entry = AuditEntry.objects.get(action="proposal.category_create")
    assert entry.changes == {"name": [None, "生态文明建设"], "sort_order": [None, 5], "is_active": [None, True]}
    # a duplicate name is refused on the form; nothing written
    before = (Category.objects.count(), AuditEntry.objects.count())
    response = office.post(url, {"name": "经济建设", "sort_order": "1", "is_active": "on"})
    assert response.status_code == 422 and "已有同名类别。" in response.content.decode()
    assert (Category.objects.count(), AuditEntry.objects.count()) == before
    # deactivating is audited and the category leaves the editor's choices
    response = office.post(url, {"category": category.pk, "name": "经济建设", "sort_order": "1"})
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="proposal.category_update").changes == {"is_active": [True, False]}
    form = client_for(org.users["member"]).get(reverse("proposals:new")).context["form"]
    assert list(form.fields["category"].queryset) == [created]
    # members may not manage categories
    assert client_for(org.users["member"]).post(url, {"name": "x", "sort_order": "1"}).status_code == 403
    assert client_for(org.users["admin"]).get(url).status_code == 200


def test_navigation_has_the_proposal_entries_after_home(org):
    office = [item["key"] for item in nav_for(org.users["office"])]
    assert office[:3] == ["home", "proposals", "proposal_review"]
    member = [item["key"] for item in nav_for(org.users["member"])]
    assert member[:2] == ["home", "proposals"] and "proposal_review" not in member
    assert "proposals" not in [item["key"] for item in nav_for(org.users["staff"])]
