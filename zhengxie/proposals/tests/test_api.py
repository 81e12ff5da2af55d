"""The proposals API end to end with bearer tokens: the whole path of a joint proposal for every role involved, the
error contract (401/403/404/409/422 as JSON, nothing changed on refusal), drafts, the list and its query count,
attachments, and the OpenAPI description."""

import hashlib
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.builders import proposals as make
from tests.builders.org import PASSWORD
from zhengxie.api import api
from zhengxie.audit.models import AuditEntry
from zhengxie.notifications.models import Notification
from zhengxie.people.models import CollectiveProposer
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.actions import assignment_act, proposal_act
from zhengxie.proposals.api import AssignmentAction, ProposalAction
from zhengxie.proposals.models import Attachment, Proposal, TimelineEntry
from zhengxie.proposals.services import proposal_create_draft

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class As:
    """An API client holding one role's bearer token, obtained through POST /api/v1/auth/token."""

    def __init__(self, username: str):
        self.client = Client()
        response = self.client.post(
            "/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    def get(self, path, params=None):
        return self.client.get(path, params or {}, **self.headers)

    def post(self, path, body=None):
        data = "" if body is None else body if isinstance(body, str) else json.dumps(body)
        return self.client.post(path, data, content_type="application/json", **self.headers)

    def patch(self, path, body):
        return self.client.patch(path, json.dumps(body), content_type="application/json", **self.headers)

    def delete(self, path):
        return self.client.delete(path, **self.headers)

    def upload(self, proposal_id, name, data, **fields):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(
            f"/api/v1/proposals/{proposal_id}/attachments",
            {"file": SimpleUploadedFile(name, data, content_type="application/pdf"), **fields},
            **self.headers,
        )

    def act(self, proposal_id, action, body=None):
        return self.post(f"/api/v1/proposals/{proposal_id}/actions/{action}", body)

    def act_on(self, assignment_id, action, body=None):
        return self.post(f"/api/v1/assignments/{assignment_id}/actions/{action}", body)

    def detail(self, proposal_id):
        response = self.get(f"/api/v1/proposals/{proposal_id}")
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def who(org):
    """One API client per role, each signed in with its own token."""
    keys = ["member", "member2", "office", "leader", "overseer", "unit", "unit-leader", "unit2", "unit2-leader"]
    return {k: As(org.users[k].username) for k in keys}


def _iso(dt) -> str:
    """A time as the API writes it: local time (Asia/Shanghai), to the millisecond, with its offset."""
    return DjangoJSONEncoder().default(timezone.localtime(dt))


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _snapshot(proposal_id):
    """What a refusal must leave untouched."""
    return (
        Proposal.objects.filter(pk=proposal_id).values().get(),
        AuditEntry.objects.count(),
        TimelineEntry.objects.count(),
        Notification.objects.count(),
        Attachment.objects.count(),
    )


# The whole path -------------------------------------------------------------------------------------------------


def test_whole_path_through_the_api(org, category, who):
    today = timezone.localdate()
    # given a member who drafts a joint proposal through the API
    created = who["member"].post(
        "/api/v1/proposals",
        {
            "title": "关于充电桩",
            "analysis": "现状",
            "suggestions": "一、……",
            "category": category.pk,
            "cosigner_ids": [org.member2.pk],
            "suggested_unit_ids": [org.unit.pk],
        },
    )
    draft = _ok(created, 201)
    pid = draft["id"]
    assert draft["state"] == "draft"
    assert draft["allowed_actions"] == ["edit", "submit", "withdraw", "delete_draft"]
    assert draft["proposers"]["lead"] == {"id": org.member.pk, "name": "张委员"}
    assert draft["proposers"]["cosigners"] == [
        {
            "member_id": org.member2.pk,
            "name": "李委员",
            "state": "invited",
            "state_label": "待确认",
            "answered_at": None,
        }
    ]
    assert draft["suggested_units"] == [{"id": org.unit.pk, "name": org.unit.name}]
    edited = _ok(who["member"].patch(f"/api/v1/proposals/{pid}", {"title": "关于加快充电桩建设的建议"}))
    assert (edited["title"], edited["analysis"]) == ("关于加快充电桩建设的建议", "现状")
    _ok(who["member"].upload(pid, "现状照片.pdf", PDF), 201)
    # a draft is its author's alone
    for k in ["member2", "office", "leader", "unit"]:
        assert who[k].get(f"/api/v1/proposals/{pid}").status_code == 404

    # when it is submitted and co-signed
    assert _ok(who["member"].act(pid, "submit"))["state"] == "cosigning"
    assert who["member2"].detail(pid)["allowed_actions"] == ["cosign", "decline_cosign"]
    cosigned = _ok(who["member2"].act(pid, "cosign"))
    assert cosigned["state"] == "submitted"
    assert cosigned["allowed_actions"] == []
    # the office registers it and assigns a lead and a co-handling unit
    assert who["office"].detail(pid)["allowed_actions"] == [
        "return_for_revision",
        "register",
        "merge",
        "convert",
        "reject",
    ]
    registered = _ok(who["office"].act(pid, "register"))
    assert registered["state"] == "registered"
    assert registered["number"] == f"{today.year}0001"
    assert registered["allowed_actions"] == ["assign", "propose_key", "nominate_excellent"]
    assert who["unit"].get(f"/api/v1/proposals/{pid}").status_code == 404  # not assigned yet
    units = [{"unit_id": org.unit.pk, "role": "lead"}, {"unit_id": org.other_unit.pk, "role": "co"}]
    assigned = _ok(who["office"].act(pid, "assign", {"mode": "lead", "units": units}))
    assert assigned["state"] == "assigned"
    lead, co = assigned["assignments"]
    assert (lead["unit"]["id"], lead["role"], lead["state"]) == (org.unit.pk, "lead", "pending")
    assert (co["unit"]["id"], co["role"], co["state"]) == (org.other_unit.pk, "co", "pending")
    assert lead["allowed_actions"] == [] and lead["reply"] is None and lead["overdue"] is False
    seen_by_unit = who["unit"].detail(pid)
    assert [a["allowed_actions"] for a in seen_by_unit["assignments"]] == [
        ["accept_assignment", "dispute_assignment"],
        [],
    ]

    # the co-handler accepts and gives its opinion; the lead unit accepts, contacts the proposer and drafts a reply
    _ok(who["unit2"].act_on(co["id"], "accept_assignment"))
    after_opinion = _ok(who["unit2"].act_on(co["id"], "submit_co_opinion", {"text": "同意主办单位意见"}))
    assert after_opinion["assignments"][1]["state"] == "opinion_sent"
    assert after_opinion["assignments"][1]["co_opinion"] == "同意主办单位意见"
    _ok(who["unit"].act_on(lead["id"], "accept_assignment"))
    assert who["unit"].detail(pid)["assignments"][1]["co_opinion"] == "同意主办单位意见"  # the lead unit reads it
    assert who["member"].detail(pid)["assignments"][1]["co_opinion"] is None  # the proposer does not
    _ok(who["unit"].act_on(lead["id"], "record_contact", {"date": str(today), "way": "phone", "summary": "电话沟通"}))
    drafted = _ok(who["unit"].act_on(lead["id"], "draft_reply", {"text": "答复：正在建设", "grade": "B"}))
    assert drafted["assignments"][0]["reply"]["state"] == "draft"
    assert drafted["assignments"][0]["allowed_actions"] == ["record_contact", "request_extension", "draft_reply"]
    assert who["unit-leader"].detail(pid)["assignments"][0]["allowed_actions"] == [
        "record_contact",
        "request_extension",
        "draft_reply",
        "sign_reply",
    ]
    assert who["member"].detail(pid)["assignments"][0]["reply"] is None  # a draft stays in the unit
    assert who["unit2"].detail(pid)["assignments"][0]["reply"] is None  # … until signed
    assert "draft_reply" not in [e["action"] for e in who["member"].detail(pid)["timeline"]]  # internal step
    assert "draft_reply" in [e["action"] for e in who["office"].detail(pid)["timeline"]]

    # a unit's staff may not sign; its leader signs; the co-handler now reads the signed reply
    refused = who["unit"].act_on(lead["id"], "sign_reply")
    assert refused.status_code == 403
    assert refused.json() == {"message": "您无权执行“签发答复”。"}
    signed = _ok(who["unit-leader"].act_on(lead["id"], "sign_reply"))
    assert signed["assignments"][0]["state"] == "reply_signed"
    assert who["unit2"].detail(pid)["assignments"][0]["reply"]["text"] == "答复：正在建设"
    assert who["member"].detail(pid)["assignments"][0]["reply"] is None  # not approved yet

    # the office approves: the proposal goes to evaluation and the proposers read the reply
    approved = _ok(who["office"].act_on(lead["id"], "approve_reply", {}))
    assert approved["state"] == "evaluating"
    mine = who["member"].detail(pid)
    reply = mine["assignments"][0]["reply"]
    assert (reply["text"], reply["grade"], reply["state"]) == ("答复：正在建设", "B", "approved")
    assert reply["grade_label"] == "B类：所提问题正在解决或列入计划解决"
    assert mine["allowed_actions"] == ["evaluate"]
    assert who["member2"].detail(pid)["assignments"][0]["reply"]["grade"] == "B"  # a confirmed co-signer reads it
    assert who["member2"].detail(pid)["allowed_actions"] == []  # … but the lead proposer rates it

    # the proposer is not satisfied; the office has it handled again
    missing_comment = who["member"].act(pid, "evaluate", {"satisfaction": "dissatisfied"})
    assert missing_comment.status_code == 422
    assert missing_comment.json() == {
        "message": "请填写测评意见。",
        "errors": [{"field": "comment", "message": "必填"}],
    }
    rated = _ok(who["member"].act(pid, "evaluate", {"satisfaction": "dissatisfied", "comment": "进度太慢"}))
    assert [(e["reply_id"], e["satisfaction"], e["comment"]) for e in rated["evaluations"]] == [
        (reply["id"], "dissatisfied", "进度太慢")
    ]
    assert "request_rehandling" in who["office"].detail(pid)["allowed_actions"]
    rehandling = _ok(who["office"].act(pid, "request_rehandling", {"comment": "请加快进度"}))
    assert rehandling["state"] == "rehandling"
    assert (rehandling["assignments"][0]["state"], rehandling["assignments"][0]["round"]) == ("accepted", 2)

    # the unit replies again, it is signed and approved, and the proposer is satisfied this time
    _ok(who["unit"].act_on(lead["id"], "draft_reply", {"text": "答复：已建成", "grade": "A"}))
    _ok(who["unit-leader"].act_on(lead["id"], "sign_reply"))
    assert _ok(who["office"].act_on(lead["id"], "approve_reply"))["state"] == "evaluating"
    second = who["member"].detail(pid)["assignments"][0]["reply"]
    assert (second["round"], second["grade"], second["text"]) == (2, "A", "答复：已建成")
    _ok(who["member"].act(pid, "evaluate", {"satisfaction": "satisfied"}))
    closed = _ok(who["office"].act(pid, "close"))
    assert closed["state"] == "closed"
    assert closed["allowed_actions"] == ["nominate_excellent"]  # grade A: no follow-up to schedule
    assert [e["satisfaction"] for e in closed["evaluations"]] == ["dissatisfied", "satisfied"]
    steps = [e["action"] for e in closed["timeline"]]
    for step in ["submit", "cosign", "register", "assign", "accept_assignment", "submit_co_opinion",
                 "record_contact", "draft_reply", "sign_reply", "approve_reply", "replies_complete",
                 "send_for_evaluation", "evaluate", "request_rehandling", "close"]:  # fmt: skip
        assert step in steps
    first = closed["timeline"][0]
    assert (first["action"], first["action_label"], first["from_state"], first["to_state"]) == (
        "submit",
        "提交",
        "draft",
        "cosigning",
    )
    # leaders and overseers follow it; overseers read the progress, not the replies
    assert who["leader"].detail(pid)["assignments"][0]["reply"]["grade"] == "A"
    assert who["overseer"].detail(pid)["assignments"][0]["reply"] is None
    assert who["overseer"].detail(pid)["state"] == "closed"


def test_returned_and_rejected_proposals_show_the_office_decision(org, category, who):
    returned = make.submitted(org, category)
    # the office no longer sees what is again the author's draft: done, with nothing to show
    response = who["office"].act(returned.pk, "return_for_revision", {"comment": "请补充数据"})
    assert (response.status_code, response.content) == (204, b"")
    assert who["office"].get(f"/api/v1/proposals/{returned.pk}").status_code == 404
    assert who["member"].detail(returned.pk)["state"] == "draft"
    review = who["member"].detail(returned.pk)["review"]
    assert review == {
        "rejection_ground": "",
        "rejection_ground_label": "",
        "converted_kind": "",
        "comment": "请补充数据",
    }
    rejected = make.submitted(org, category)
    body = _ok(who["office"].act(rejected.pk, "reject", {"ground": "personal", "explanation": "属个人事务"}))
    assert body["state"] == "rejected"
    assert who["member"].detail(rejected.pk)["review"] == {
        "rejection_ground": "personal",
        "rejection_ground_label": "个人或家庭事务",
        "converted_kind": "",
        "comment": "属个人事务",
    }
    registered = make.submitted(org, category)
    assert _ok(who["office"].act(registered.pk, "register"))["review"] is None


# Errors ---------------------------------------------------------------------------------------------------------


def test_no_or_bad_token_gets_401_json(org, category):
    p = make.submitted(org, category)
    for headers in [{}, {"HTTP_AUTHORIZATION": "Bearer zx_not-a-token"}]:
        for method, path in [
            ("get", "/api/v1/proposals"),
            ("get", f"/api/v1/proposals/{p.pk}"),
            ("post", f"/api/v1/proposals/{p.pk}/actions/register"),
            ("post", "/api/v1/proposals"),
        ]:
            response = getattr(Client(), method)(path, **headers)
            assert (response.status_code, response.json()) == (401, {"message": "未登录或令牌无效。"}), (method, path)
    p.refresh_from_db()
    assert p.state == "submitted"


def test_refusals_answer_json_and_change_nothing(org, category, who):
    draft = make.draft(org, category, cosigner_ids=[org.member2.pk])
    before = _snapshot(draft.pk)
    # 404: someone else's draft, and a proposal that does not exist
    response = who["office"].act(draft.pk, "register")
    assert (response.status_code, response.json()) == (404, {"message": "提案不存在或您无权查看。"})
    assert who["office"].get("/api/v1/proposals/999999").json() == {"message": "提案不存在或您无权查看。"}
    assert who["office"].act(999999, "register").status_code == 404
    assert who["unit"].act_on(999999, "accept_assignment").status_code == 404
    assert _snapshot(draft.pk) == before

    p = proposal_act(proposal_id=draft.pk, action="submit", actor=org.users["member"])
    before = _snapshot(p.pk)
    # 403: the co-signer sees the proposal but may not register it
    response = who["member2"].act(p.pk, "register")
    assert (response.status_code, response.json()) == (403, {"message": "您无权执行“立案”。"})
    # 409: the office may register, but not while co-signers have not answered
    response = who["office"].act(p.pk, "register")
    assert (response.status_code, response.json()) == (409, {"message": "当前状态（联名中）不能执行“立案”。"})
    # 404: a handling unit sees nothing that is not assigned to it
    assert who["unit"].act(p.pk, "register").status_code == 404
    assert _snapshot(p.pk) == before

    proposal_act(proposal_id=p.pk, action="cosign", actor=org.users["member2"])
    before = _snapshot(p.pk)
    # 422: the action's own input, with the field named
    response = who["office"].act(p.pk, "return_for_revision", {"comment": "  "})
    assert (response.status_code, response.json()) == (
        422,
        {"message": "请填写退回意见。", "errors": [{"field": "comment", "message": "必填"}]},
    )
    response = who["office"].act(p.pk, "reject", {"ground": "dislike", "explanation": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ground"
    assign = who["office"].act(p.pk, "assign", {"mode": "single"})
    assert assign.status_code == 409  # submitted, not registered: the state is checked before the body
    assert _snapshot(p.pk) == before


NOT_AN_OBJECT = {"message": "请求体须为 JSON 对象。", "errors": [{"field": None, "message": "expected a JSON object"}]}
NOT_JSON = {"message": "请求体不是有效的 JSON。", "errors": [{"field": None, "message": "invalid JSON"}]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[1, 2]", NOT_AN_OBJECT),
        ('"register"', NOT_AN_OBJECT),
        ("42", NOT_AN_OBJECT),
        ("null", NOT_AN_OBJECT),
        ("{not json", NOT_JSON),
        ("{'comment': 'single quotes'}", NOT_JSON),
    ],
)
def test_a_body_that_is_not_a_json_object_gets_422(org, category, who, body, expected):
    p = make.submitted(org, category)
    before = _snapshot(p.pk)
    response = who["office"].act(p.pk, "register", body)
    assert (response.status_code, response.json()) == (422, expected)
    assert _snapshot(p.pk) == before
    invalid_bytes = who["office"].client.post(
        f"/api/v1/proposals/{p.pk}/actions/register", b"\xff\xfe{", content_type="application/json",
        **who["office"].headers,
    )  # fmt: skip
    assert (invalid_bytes.status_code, invalid_bytes.json()) == (422, NOT_JSON)
    assert _snapshot(p.pk) == before
    assert who["office"].post("/api/v1/proposals", body).status_code == 422
    assert who["member"].post("/api/v1/proposals", body).status_code == 422
    assert Proposal.objects.count() == 1


def test_assignment_actions_and_draft_edits_refuse_non_object_bodies_too(org, category, who):
    p = make.registered(org, category)
    p = proposal_act(proposal_id=p.pk, action="assign", actor=org.users["office"],
                     payload={"mode": "single", "units": [{"unit_id": org.unit.pk, "role": "single"}]})  # fmt: skip
    a = p.assignments.get()
    before = (_snapshot(p.pk), a.state)
    response = who["unit"].act_on(a.pk, "dispute_assignment", '["不属于本单位职责"]')
    assert (response.status_code, response.json()) == (422, NOT_AN_OBJECT)
    response = who["unit"].act_on(a.pk, "dispute_assignment", "reason=不属于本单位职责")
    assert (response.status_code, response.json()) == (422, NOT_JSON)
    a.refresh_from_db()
    assert (_snapshot(p.pk), a.state) == before
    draft = make.draft(org, category)
    response = who["member"].client.patch(
        f"/api/v1/proposals/{draft.pk}", "[]", content_type="application/json", **who["member"].headers
    )
    assert (response.status_code, response.json()) == (422, NOT_AN_OBJECT)


def test_an_unknown_action_gets_422_naming_it(org, category, who):
    p = make.submitted(org, category)
    for path in [f"/api/v1/proposals/{p.pk}/actions/edit", f"/api/v1/proposals/{p.pk}/actions/lapse_cosign",
                 f"/api/v1/proposals/{p.pk}/actions/accept_assignment", "/api/v1/assignments/1/actions/register",
                 "/api/v1/assignments/1/actions/auto_accept"]:  # fmt: skip
        response = who["office"].post(path, {})
        assert response.status_code == 422, path
        assert response.json()["errors"][0]["field"] == "action"
    p.refresh_from_db()
    assert p.state == "submitted"


def test_bad_draft_bodies_get_422_with_fields(org, category, who):
    cases = [
        ({"title": "t", "state": "registered"}, "state"),
        ({"title": 5}, "title"),
        ({"cosigner_ids": "all"}, "cosigner_ids"),
        ({"category": 999999}, "category"),
        ({"cosigner_ids": [999999]}, "cosigner_ids"),
        ({"cosigner_ids": [org.member.pk]}, "cosigner_ids"),
        ({"suggested_unit_ids": [999999]}, "suggested_unit_ids"),
    ]
    for body, field in cases:
        response = who["member"].post("/api/v1/proposals", body)
        assert response.status_code == 422, body
        assert [e["field"] for e in response.json()["errors"]] == [field], body
    assert Proposal.objects.count() == 0
    assert AuditEntry.objects.filter(action="proposal.save_draft").count() == 0


def test_bad_list_query_gets_422(org, who):
    for params, field in [({"state": "lost"}, "state"), ({"year": "soon"}, "year"), ({"limit": "many"}, "limit")]:
        response = who["office"].get("/api/v1/proposals", params)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == [field]


# Drafts ---------------------------------------------------------------------------------------------------------


def test_only_members_and_collective_contacts_create_drafts(org, category, who):
    response = who["unit"].post("/api/v1/proposals", {"title": "承办单位不能提案"})
    assert (response.status_code, response.json()) == (403, {"message": "只有在任委员可以提交个人提案。"})
    collective = CollectiveProposer.objects.create(name="民革新建区委")
    response = who["member"].post("/api/v1/proposals", {"title": "集体提案", "collective_id": collective.pk})
    assert (response.status_code, response.json()) == (403, {"message": "您不是该集体提案者的联系人。"})
    assert Proposal.objects.count() == 0
    collective.contacts.add(org.users["member2"])
    body = _ok(who["member2"].post("/api/v1/proposals", {"title": "集体提案", "collective_id": collective.pk}), 201)
    assert body["proposers"]["lead"] is None
    assert body["proposers"]["collective"] == {"id": collective.pk, "name": "民革新建区委"}
    assert body["proposers"]["filed_by"] == "李委员"
    listed = who["member2"].get("/api/v1/proposals").json()["items"][0]["proposer"]
    assert listed == {
        "kind": "collective",
        "name": "民革新建区委",
        "member_id": None,
        "collective_id": collective.pk,
        "cosigner_count": 0,
    }


def test_editing_a_draft(org, category, who):
    p = make.draft(org, category, cosigner_ids=[org.member2.pk])
    body = _ok(who["member"].patch(f"/api/v1/proposals/{p.pk}", {"cosigner_ids": [], "category": None}))
    assert body["proposers"]["cosigners"] == [] and body["category"] is None
    assert body["title"] == "关于加快充电桩建设的建议"  # not sent: unchanged
    assert who["member2"].patch(f"/api/v1/proposals/{p.pk}", {"title": "x"}).status_code == 404
    assert who["member"].patch(f"/api/v1/proposals/{p.pk}", {"title": None, "x": 1}).status_code == 422
    _ok(who["member"].patch(f"/api/v1/proposals/{p.pk}", {"category": category.pk}))
    _ok(who["member"].act(p.pk, "submit"))
    response = who["member"].patch(f"/api/v1/proposals/{p.pk}", {"title": "提交后修改"})
    assert (response.status_code, response.json()) == (409, {"message": "提案已提交，不能再修改。"})
    p.refresh_from_db()
    assert p.title == "关于加快充电桩建设的建议"


def test_submitting_an_incomplete_draft_names_the_missing_sections(org, who):
    p = _ok(who["member"].post("/api/v1/proposals", {"title": "只有标题"}), 201)
    response = who["member"].act(p["id"], "submit")
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["analysis", "category", "suggestions"]
    assert Proposal.objects.get().state == "draft"


# List -----------------------------------------------------------------------------------------------------------


def test_list_shows_only_what_the_caller_may_see(org, category, who):
    draft = make.draft(org, category)
    submitted = make.submitted(org, category, title="待审查的提案")
    registered = make.registered(org, category, title="已立案的提案")
    assigned = make.registered(org, category, title="已交办的提案")
    proposal_act(proposal_id=assigned.pk, action="assign", actor=org.users["office"],
                 payload={"mode": "single", "units": [{"unit_id": org.unit.pk, "role": "single"}]})  # fmt: skip

    def ids(k, **params):
        body = _ok(who[k].get("/api/v1/proposals", params))
        assert body["count"] == len(body["items"])
        return [i["id"] for i in body["items"]]

    assert ids("member") == [assigned.pk, registered.pk, submitted.pk, draft.pk]
    assert ids("office") == [assigned.pk, registered.pk, submitted.pk]
    assert ids("member2") == [assigned.pk, registered.pk]  # every member reads registered proposals
    assert ids("unit") == [assigned.pk]
    assert ids("unit2") == []
    assert ids("office", state="submitted") == [submitted.pk]
    assert ids("office", unit=org.unit.pk) == [assigned.pk]
    assert ids("office", q="已立案") == [registered.pk]
    assert ids("office", q=registered.number) == [registered.pk]
    assert ids("office", year=registered.year, category=category.pk) == [assigned.pk, registered.pk, submitted.pk]
    assert ids("office", year=registered.year - 1) == []
    assert ids("office", proposer=org.member.pk) == [assigned.pk, registered.pk, submitted.pk]
    assert ids("office", key="true") == []
    assert ids("member", mine="true") == [assigned.pk, registered.pk, submitted.pk, draft.pk]
    item = _ok(who["member2"].get("/api/v1/proposals", {"q": "已立案"}))["items"][0]
    assert item == {
        "id": registered.pk,
        "number": registered.number,
        "title": "已立案的提案",
        "year": registered.year,
        "state": "registered",
        "state_label": "已立案",
        "category": {"id": category.pk, "name": "经济建设"},
        "proposer": {
            "kind": "individual",
            "name": "张委员",
            "member_id": org.member.pk,
            "collective_id": None,
            "cosigner_count": 0,
        },
        "is_key": False,
        "is_excellent": False,
        "submitted_at": _iso(registered.submitted_at),
        "registered_at": _iso(registered.registered_at),
        "imported": False,
    }


def test_list_pages_and_caps_the_page_size(org, category, who):
    made = [make.registered(org, category, title=f"提案{i}") for i in range(5)]
    newest_first = [p.pk for p in reversed(made)]
    body = _ok(who["office"].get("/api/v1/proposals", {"limit": 2, "offset": 1}))
    assert body["count"] == 5
    assert [i["id"] for i in body["items"]] == newest_first[1:3]
    assert [i["number"] for i in body["items"]] == [made[3].number, made[2].number]
    assert len(_ok(who["office"].get("/api/v1/proposals", {"limit": 1000}))["items"]) == 5
    assert len(_ok(who["office"].get("/api/v1/proposals", {"limit": 0}))["items"]) == 1
    assert [i["id"] for i in _ok(who["office"].get("/api/v1/proposals", {"offset": -3}))["items"]] == newest_first


def test_list_query_count_does_not_grow_with_page_size(org, category, who):
    collective = CollectiveProposer.objects.create(name="民盟新建区委")
    collective.contacts.add(org.users["member2"])
    for i in range(12):
        if i % 3 == 0:
            p = proposal_create_draft(author=org.users["member2"], data={
                "title": f"集体提案{i}", "analysis": "a", "suggestions": "s", "category_id": category.pk,
                "collective_id": collective.pk})  # fmt: skip
            p = proposal_act(proposal_id=p.pk, action="submit", actor=org.users["member2"])
        else:
            p = make.submitted(org, category, title=f"提案{i}", cosigner_ids=[org.member2.pk] if i % 3 == 1 else [])
            if p.state == "cosigning":
                proposal_act(proposal_id=p.pk, action="cosign", actor=org.users["member2"])
        proposal_act(proposal_id=p.pk, action="register", actor=org.users["office"])
    for k in ["office", "member", "member2"]:
        who[k].get("/api/v1/proposals")  # token's last-use stamp is written once a minute: get it out of the way
        counts = {}
        for limit in [1, 3, 12]:
            with CaptureQueriesContext(connection) as ctx:
                body = _ok(who[k].get("/api/v1/proposals", {"limit": limit}))
            assert len(body["items"]) == limit
            counts[limit] = len(ctx.captured_queries)
        assert counts[1] == counts[3] == counts[12], (k, counts)
        assert counts[12] <= 7, (k, counts)
    kinds = sorted(i["proposer"]["kind"] for i in who["office"].get("/api/v1/proposals", {"limit": 12}).json()["items"])
    assert kinds == ["collective"] * 4 + ["individual"] * 4 + ["joint"] * 4


# Attachments ----------------------------------------------------------------------------------------------------


def test_a_pdf_is_stored_with_its_checksum_and_downloads_unchanged(org, category, who):
    p = make.draft(org, category)
    body = _ok(who["member"].upload(p.pk, "调研报告.pdf", PDF), 201)
    att = Attachment.objects.get()
    assert body == {
        "id": att.pk,
        "name": "调研报告.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "reply_id": None,
        "uploaded_at": _iso(att.uploaded_at),
    }
    assert att.sha256 == hashlib.sha256(PDF).hexdigest()
    assert who["member"].detail(p.pk)["attachments"] == [body]
    download = who["member"].get(f"/api/v1/attachments/{att.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    # others may not read a draft's attachment; after submission the office may
    assert who["office"].get(f"/api/v1/attachments/{att.pk}").status_code == 404
    proposal_act(proposal_id=p.pk, action="submit", actor=org.users["member"])
    office_copy = who["office"].get(f"/api/v1/attachments/{att.pk}")
    assert b"".join(office_copy.streaming_content) == PDF
    assert who["unit"].get(f"/api/v1/attachments/{att.pk}").status_code == 404
    assert who["member"].get("/api/v1/attachments/999999").status_code == 404


def test_an_exe_renamed_pdf_is_refused(org, category, who):
    p = make.draft(org, category)
    before = _snapshot(p.pk)
    response = who["member"].upload(p.pk, "报告.pdf", EXE)
    assert (response.status_code, response.json()) == (
        422,
        {"message": "只能上传 PDF、Word、Excel 或图片文件。", "errors": [{"field": "file", "message": "类型不支持"}]},
    )
    assert _snapshot(p.pk) == before


def test_an_oversize_file_is_refused(org, category, who, settings):
    limit = len(PDF) + 16
    settings.PROPOSALS = {"ATTACHMENT_MAX_BYTES": limit}
    p = make.draft(org, category)
    before = _snapshot(p.pk)
    response = who["member"].upload(p.pk, "报告.pdf", PDF + b"%" * 17)
    assert response.status_code == 422
    assert response.json()["message"].startswith("文件超过")
    assert response.json()["errors"] == [{"field": "file", "message": "过大"}]
    assert _snapshot(p.pk) == before
    assert _ok(who["member"].upload(p.pk, "报告.pdf", PDF + b"%" * 16), 201)["size"] == limit


def test_who_may_attach_and_delete(org, category, who):
    p = make.draft(org, category, cosigner_ids=[org.member2.pk])
    # no file at all
    response = who["member"].client.post(f"/api/v1/proposals/{p.pk}/attachments", {}, **who["member"].headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["file"]
    assert who["member2"].upload(p.pk, "a.pdf", PDF).status_code == 404  # a draft is the author's alone
    att = _ok(who["member"].upload(p.pk, "a.pdf", PDF), 201)
    proposal_act(proposal_id=p.pk, action="submit", actor=org.users["member"])
    before = _snapshot(p.pk)
    assert who["member2"].upload(p.pk, "b.pdf", PDF).status_code == 403  # visible now, but not theirs
    assert who["member"].upload(p.pk, "b.pdf", PDF).status_code == 409  # submitted
    assert who["member2"].delete(f"/api/v1/attachments/{att['id']}").status_code == 403
    response = who["member"].delete(f"/api/v1/attachments/{att['id']}")
    assert (response.status_code, response.json()) == (409, {"message": "已提交的附件不能删除。"})
    assert who["unit"].delete(f"/api/v1/attachments/{att['id']}").status_code == 404
    assert _snapshot(p.pk) == before

    draft = make.draft(org, category)
    mine = _ok(who["member"].upload(draft.pk, "c.pdf", PDF), 201)
    response = who["member"].delete(f"/api/v1/attachments/{mine['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert not Attachment.objects.filter(pk=mine["id"]).exists()
    assert AuditEntry.objects.filter(action="proposal.remove_attachment").count() == 1


def test_a_reply_attachment_is_read_with_its_reply(org, category, who):
    p = make.registered(org, category)
    p = proposal_act(proposal_id=p.pk, action="assign", actor=org.users["office"],
                     payload={"mode": "single", "units": [{"unit_id": org.unit.pk, "role": "single"}]})  # fmt: skip
    a = p.assignments.get()
    assignment_act(assignment_id=a.pk, action="accept_assignment", actor=org.users["unit"])
    assignment_act(assignment_id=a.pk, action="draft_reply", actor=org.users["unit"],
                   payload={"text": "答复", "grade": "A"})  # fmt: skip
    reply_id = a.replies.get().pk
    assert who["member"].upload(p.pk, "r.pdf", PDF, reply_id=reply_id).status_code == 403
    att = _ok(who["unit"].upload(p.pk, "答复附件.pdf", PDF, reply_id=reply_id), 201)
    assert att["reply_id"] == reply_id
    assert who["unit"].detail(p.pk)["assignments"][0]["reply"]["attachments"] == [att]
    assert who["unit"].detail(p.pk)["attachments"] == []
    # the proposer reads neither the draft reply nor its file; after approval both
    assert who["member"].get(f"/api/v1/attachments/{att['id']}").status_code == 404
    assert who["unit-leader"].get(f"/api/v1/attachments/{att['id']}").status_code == 200
    assignment_act(assignment_id=a.pk, action="sign_reply", actor=org.users["unit-leader"])
    assert who["unit"].upload(p.pk, "late.pdf", PDF, reply_id=reply_id).status_code == 409
    assignment_act(assignment_id=a.pk, action="approve_reply", actor=org.users["office"])
    assert who["member"].get(f"/api/v1/attachments/{att['id']}").status_code == 200
    assert who["member"].detail(p.pk)["assignments"][0]["reply"]["attachments"] == [att]


# The contract ---------------------------------------------------------------------------------------------------

OPERATIONS = {
    ("get", "/api/v1/proposals"),
    ("post", "/api/v1/proposals"),
    ("get", "/api/v1/proposals/{proposal_id}"),
    ("patch", "/api/v1/proposals/{proposal_id}"),
    ("post", "/api/v1/proposals/{proposal_id}/actions/{action}"),
    ("post", "/api/v1/assignments/{assignment_id}/actions/{action}"),
    ("post", "/api/v1/proposals/{proposal_id}/attachments"),
    ("get", "/api/v1/attachments/{attachment_id}"),
    ("delete", "/api/v1/attachments/{attachment_id}"),
}


def test_every_operation_is_documented():
    schema = api.get_openapi_schema()
    ops = {(m, path): op for path, methods in schema["paths"].items() for m, op in methods.items()}
    mine = {k: op for k, op in ops.items() if op.get("tags") == ["proposals"] and k in OPERATIONS}
    assert set(mine) == OPERATIONS
    for key, op in mine.items():
        assert op["summary"] and len(op["description"]) > 80, key
        assert op["security"] == [{"BearerToken": []}, {"SessionCookie": []}], key
    acting = mine[("post", "/api/v1/proposals/{proposal_id}/actions/{action}")]
    action_param = next(p for p in acting["parameters"] if p["name"] == "action")
    assert action_param["schema"]["enum"] == [a.value for a in ProposalAction]
    assert set(acting["requestBody"]["content"]["application/json"]["examples"]) == {a.value for a in ProposalAction}
    for name in ProposalAction:
        assert f"- `{name.value}` ({wf.PROPOSAL_ACTIONS[name.value].label})" in acting["description"]


def test_the_action_enums_and_bodies_follow_the_workflow_table():
    people_actions = {n for n, s in wf.PROPOSAL_ACTIONS.items() if wf.SYSTEM not in s.who} - {"edit"}
    unit_actions = {n for n, s in wf.ASSIGNMENT_ACTIONS.items() if wf.SYSTEM not in s.who}
    assert {a.value for a in ProposalAction} == people_actions
    assert {a.value for a in AssignmentAction} == unit_actions
    schema = api.get_openapi_schema()["paths"]
    for path, actions in [
        ("/api/v1/proposals/{proposal_id}/actions/{action}", people_actions),
        ("/api/v1/assignments/{assignment_id}/actions/{action}", unit_actions),
    ]:
        body = schema[path]["post"]["requestBody"]["content"]["application/json"]
        assert {s["title"] for s in body["schema"]["anyOf"]} == actions
        assert set(body["examples"]) == actions
