"""Batch 立案 and 交办 by the proposal office, from the pages and the API: each proposal goes through the workflow
engine on its own (validated, audited, in its own transaction), one refusal neither stops nor undoes the others, the
result lists each outcome in words, and bad input changes nothing. Also: the review queue names proposals by what a
person reads, not by database ids."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import proposals as make
from zhengxie.accounts.services import api_token_issue
from zhengxie.api import api
from zhengxie.audit.models import AuditEntry
from zhengxie.proposals.batch import MAX_BATCH
from zhengxie.proposals.choices import ProposalState
from zhengxie.proposals.models import Assignment, Proposal

pytestmark = pytest.mark.django_db

P = ProposalState


def _states(*proposals) -> list[str]:
    return [Proposal.objects.get(pk=p.pk).state for p in proposals]


def _outcomes(response) -> list[tuple[int, bool, str]]:
    return [(o.id, o.done, o.message) for o in response.context["outcomes"]]


def _api(user):
    client = Client()
    token = api_token_issue(user=user)[0]

    def post(action, body):
        return client.post(
            f"/api/v1/proposals/batch-actions/{action}",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return post


# Pages -----------------------------------------------------------------------------------------------------------


def test_review_queue_offers_batch_register_with_a_confirmation(org, category, client_for):
    a = make.submitted(org, category, title="关于增设公交线路的建议")
    body = client_for(org.users["office"]).get(reverse("proposals:review")).content.decode()
    assert 'data-testid="batch-register"' in body
    assert 'data-confirm="所选提案将逐件立案，每件占用本年度的下一个案号。确定立案？"' in body
    assert f'name="ids" value="{a.pk}" form="batch-register"' in body
    assert 'data-batch-all="register"' in body


def test_review_queue_names_proposals_by_title_proposer_and_date_not_by_id(org, category, client_for):
    p = make.submitted(org, category, title="关于增设公交线路的建议")
    p.refresh_from_db()
    body = client_for(org.users["office"]).get(reverse("proposals:review")).content.decode()
    heading = body.split(f'id="h-review-{p.pk}"', 1)[1].split("</h2>", 1)[0]
    assert f"#{p.pk}" not in heading
    assert "关于增设公交线路的建议" in heading
    assert org.member.name in body
    assert p.submitted_at.astimezone().strftime("%Y-%m-%d") in body


def test_review_queue_merges_into_a_proposal_chosen_by_title_not_by_id(org, category, client_for):
    # given two submitted proposals (no numbers yet) and a registered one
    lead = make.submitted(org, category, title="关于增设公交线路的建议")
    other = make.submitted(org, category, title="关于增开公交班次的建议")
    registered = make.registered(org, category, title="关于公交站台的建议")
    office = client_for(org.users["office"])
    # the merge list offers them by number or, without one, by title
    body = office.get(reverse("proposals:review")).content.decode()
    datalist = body.split('<datalist id="merge-candidates">', 1)[1].split("</datalist>", 1)[0]
    assert f'value="{registered.number}"' in datalist and 'value="关于增设公交线路的建议"' in datalist
    assert "#" not in datalist
    # when the office merges the other into the lead by its title
    response = office.post(reverse("proposals:act", args=[other.pk, "merge"]), {"into": "关于增设公交线路的建议"})
    # then it is merged into it (and the lead registered by the same decision)
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.merged_into_id == lead.pk
    assert _states(lead) == [P.REGISTERED]


def test_a_title_shared_by_two_proposals_does_not_choose_one(org, category, client_for):
    make.submitted(org, category, title="同名提案")
    make.submitted(org, category, title="同名提案")
    third = make.submitted(org, category, title="第三件")
    before = AuditEntry.objects.count()
    response = client_for(org.users["office"]).post(
        reverse("proposals:act", args=[third.pk, "merge"]), {"into": "同名提案"}
    )
    assert response.status_code == 422
    assert _states(third) == [P.SUBMITTED]
    assert AuditEntry.objects.count() == before


def test_batch_register_registers_each_and_reports_the_refused_without_undoing_the_others(org, category, client_for):
    # given two submitted proposals, one already registered, and member2's draft (not visible to the office)
    a = make.submitted(org, category, title="第一件")
    done_before = make.registered(org, category, title="已立案的")
    b = make.submitted(org, category, title="第二件")
    hidden = make.draft(org, category, author="member2", title="草稿")
    audit_before = AuditEntry.objects.filter(action="proposal.register").count()
    # when the office registers all four at once, the refused ones between the others
    response = client_for(org.users["office"]).post(
        reverse("proposals:batch", args=["register"]), {"ids": [a.pk, done_before.pk, hidden.pk, b.pk]}
    )
    # then the two submitted are registered with the next numbers, in the order chosen, each audited
    assert response.status_code == 200
    a.refresh_from_db()
    b.refresh_from_db()
    done_before.refresh_from_db()
    assert (a.state, b.state) == (P.REGISTERED, P.REGISTERED)
    assert int(b.number) == int(a.number) + 1 == int(done_before.number) + 2
    assert AuditEntry.objects.filter(action="proposal.register").count() == audit_before + 2
    # and the result lists each outcome in words
    assert _outcomes(response) == [
        (a.pk, True, f"已立案，案号 {a.number}"),
        (done_before.pk, False, "当前状态（已立案）不能执行“立案”。"),
        (hidden.pk, False, "提案不存在或您无权查看。"),
        (b.pk, True, f"已立案，案号 {b.number}"),
    ]
    body = response.content.decode()
    assert "完成 2 件，未完成 2 件。" in body
    assert f"{a.number} 第一件" in body
    assert "草稿" not in body  # a proposal the office may not see is not named
    assert "不存在或无权查看的提案" in body
    assert _states(hidden) == [P.DRAFT]


def test_batch_register_with_nothing_chosen_is_refused_and_changes_nothing(org, category, client_for):
    a = make.submitted(org, category)
    before = AuditEntry.objects.count()
    response = client_for(org.users["office"]).post(reverse("proposals:batch", args=["register"]), {})
    assert response.status_code == 422
    assert "请至少选择一件提案。" in response.content.decode()
    assert _states(a) == [P.SUBMITTED]
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("ids", [["x"], ["99999999999999999999"], ["-3"], ["12", "0"]])
def test_batch_page_refuses_ids_that_are_no_proposal_ids(org, category, client_for, ids):
    a = make.submitted(org, category)
    before = AuditEntry.objects.count()
    response = client_for(org.users["office"]).post(reverse("proposals:batch", args=["register"]), {"ids": ids})
    assert response.status_code == 422
    assert "所选提案无效。" in response.content.decode()
    assert _states(a) == [P.SUBMITTED]
    assert AuditEntry.objects.count() == before


def test_batch_refuses_an_action_that_is_not_a_batch_action(org, category, client_for):
    a = make.submitted(org, category)
    response = client_for(org.users["office"]).post(reverse("proposals:batch", args=["reject"]), {"ids": [a.pk]})
    assert response.status_code == 404
    assert _states(a) == [P.SUBMITTED]


def test_assign_queue_lists_registered_proposals_with_the_assign_form(org, category, client_for):
    r = make.registered(org, category, title="待交办的提案", suggested_unit_ids=[org.unit.pk])
    make.submitted(org, category, title="待审查的提案")
    response = client_for(org.users["office"]).get(reverse("proposals:review_assign"))
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"]] == [r.pk]
    body = response.content.decode()
    assert "待交办的提案" in body and "待审查的提案" not in body
    assert org.unit.name in body  # its suggested unit
    assert f'name="ids" value="{r.pk}"' in body
    assert 'name="mode"' in body and 'name="due_date"' in body and 'name="lead_unit"' in body


def test_assign_queue_reads_a_fixed_number_of_statements(org, category, client_for):
    client = client_for(org.users["office"])
    make.registered(org, category, title="一", suggested_unit_ids=[org.unit.pk])
    client.get(reverse("proposals:review_assign"))  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("proposals:review_assign")).status_code == 200
    for n in range(4):
        make.registered(org, category, title=f"再{n}", suggested_unit_ids=[org.unit.pk, org.other_unit.pk])
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("proposals:review_assign"))
    assert len(response.context["page"].object_list) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_batch_assign_assigns_each_to_the_same_units_and_deadline(org, category, client_for):
    # given two registered proposals and one still under review
    r1 = make.registered(org, category, title="交办一")
    r2 = make.registered(org, category, title="交办二")
    pending = make.submitted(org, category, title="尚未立案")
    # when the office assigns all three to the unit (lead) and the other unit (co), with one deadline
    response = client_for(org.users["office"]).post(
        reverse("proposals:batch", args=["assign"]),
        {
            "ids": [r1.pk, pending.pk, r2.pk],
            "mode": "lead",
            "lead_unit": org.unit.pk,
            "other_units": [org.other_unit.pk],
            "due_date": "",
        },
    )
    # then the two registered are assigned alike, the third refused with its reason
    assert response.status_code == 200
    assert _states(r1, pending, r2) == [P.ASSIGNED, P.SUBMITTED, P.ASSIGNED]
    for p in (r1, r2):
        rows = sorted(Assignment.objects.filter(proposal=p).values_list("unit_id", "role"))
        assert rows == sorted([(org.unit.pk, "lead"), (org.other_unit.pk, "co")])
    dues = set(Assignment.objects.filter(proposal__in=[r1, r2]).values_list("due_date", flat=True))
    assert len(dues) == 1
    assert [(pk, done) for pk, done, _m in _outcomes(response)] == [(r1.pk, True), (pending.pk, False), (r2.pk, True)]
    assert _outcomes(response)[1][2] == "当前状态（待审查）不能执行“交办”。"
    assert AuditEntry.objects.filter(action="proposal.assign").count() == 2


def test_batch_assign_with_bad_input_shows_the_form_again_and_changes_nothing(org, category, client_for):
    r1 = make.registered(org, category, title="交办一")
    before = AuditEntry.objects.count()
    response = client_for(org.users["office"]).post(
        reverse("proposals:batch", args=["assign"]), {"ids": [r1.pk], "lead_unit": org.unit.pk}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["mode"]
    assert response.context["chosen"] == {r1.pk}
    assert f'name="ids" value="{r1.pk}" data-batch-item="assign" id="pick-{r1.pk}" ' in response.content.decode()
    assert _states(r1) == [P.REGISTERED]
    assert AuditEntry.objects.count() == before


def test_batch_assign_with_nothing_chosen_keeps_the_form_filled_in(org, category, client_for):
    r1 = make.registered(org, category, title="交办一")
    body = {"mode": "single", "lead_unit": org.unit.pk}
    response = client_for(org.users["office"]).post(reverse("proposals:batch", args=["assign"]), body)
    assert response.status_code == 422
    assert response.context["message"] == "请至少选择一件提案。"
    assert response.context["form"].cleaned_data["lead_unit"] == org.unit
    assert 'data-testid="batch-error"' in response.content.decode()
    assert _states(r1) == [P.REGISTERED]


# API -------------------------------------------------------------------------------------------------------------


def test_api_batch_register_answers_each_outcome_in_order(org, category):
    a = make.submitted(org, category, title="第一件")
    b = make.submitted(org, category, title="第二件")
    response = _api(org.users["office"])("register", {"ids": [b.pk, a.pk, b.pk, 10**12]})
    assert response.status_code == 200, response.content
    a.refresh_from_db()
    b.refresh_from_db()
    body = response.json()
    assert body["done"] == 2 and body["refused"] == 1
    assert body["results"] == [
        {
            "id": b.pk,
            "number": b.number,
            "title": "第二件",
            "done": True,
            "status": 200,
            "message": f"已立案，案号 {b.number}",
        },
        {
            "id": a.pk,
            "number": a.number,
            "title": "第一件",
            "done": True,
            "status": 200,
            "message": f"已立案，案号 {a.number}",
        },
        {"id": 10**12, "number": "", "title": "", "done": False, "status": 404, "message": "提案不存在或您无权查看。"},
    ]
    assert int(a.number) == int(b.number) + 1  # numbered in the order sent


def test_api_batch_assign_validates_the_shared_input_once_and_changes_nothing(org, category):
    r = make.registered(org, category)
    post = _api(org.users["office"])
    before = AuditEntry.objects.count()
    response = post("assign", {"ids": [r.pk], "mode": "sideways"})
    assert response.status_code == 422
    assert response.json()["message"] == "交办方式无效。"
    assert response.json()["errors"][0]["field"] == "mode"
    assert _states(r) == [P.REGISTERED]
    assert AuditEntry.objects.count() == before


def test_api_batch_assign(org, category):
    r = make.registered(org, category)
    body = {"ids": [r.pk], "mode": "single", "units": [{"unit_id": org.unit.pk, "role": "single"}]}
    response = _api(org.users["office"])("assign", body)
    assert response.status_code == 200
    assert response.json()["results"][0]["done"] is True
    assert _states(r) == [P.ASSIGNED]


@pytest.mark.parametrize(
    "ids, message",
    [
        (None, "请选择要处理的提案。"),
        ([], "请至少选择一件提案。"),
        (list(range(1, MAX_BATCH + 2)), f"一次最多处理{MAX_BATCH}件提案。"),
        (["1"], "所选提案无效。"),
        ([True], "所选提案无效。"),
        ([2**63], "所选提案无效。"),
        ([0], "所选提案无效。"),
        ("1,2", "请选择要处理的提案。"),
    ],
)
def test_api_batch_refuses_a_bad_list_of_ids(org, category, ids, message):
    a = make.submitted(org, category)
    body = {} if ids is None else {"ids": ids}
    response = _api(org.users["office"])("register", body)
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert response.json()["errors"][0]["field"] == "ids"
    assert _states(a) == [P.SUBMITTED]


def test_api_batch_is_the_offices_alone(org, category):
    a = make.submitted(org, category)
    for role in ("member", "leader", "unit", "admin"):
        response = _api(org.users[role])("register", {"ids": [a.pk]})
        assert response.status_code == 403
    assert _states(a) == [P.SUBMITTED]


def test_api_batch_is_documented_with_a_bounded_id_list():
    op = api.get_openapi_schema()["paths"]["/api/v1/proposals/batch-actions/{action}"]["post"]
    variants = op["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    assert {v["title"] for v in variants} == {"register", "assign"}
    for v in variants:
        assert "ids" in v["required"]
        assert v["properties"]["ids"]["maxItems"] == MAX_BATCH
        assert v["properties"]["ids"]["minItems"] == 1
    assert set(op["responses"]) >= {200, 403, 422}
