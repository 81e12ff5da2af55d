"""The annual plan: items edited only in a draft, four recorded steps to publication (audited with who took them),
a published version that never changes, amendments as new versions with their difference, members reading published
versions only."""

import datetime

import pytest

from tests.builders import consultations as make
from zhengxie.audit.models import AuditEntry
from zhengxie.consultations.models import ConsultationPlan, PlanItem, PlanStep
from zhengxie.consultations.read_models import plan_detail
from zhengxie.consultations.selectors import visible_plans
from zhengxie.consultations.services import plan_act, plan_create, suggestion_submit
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict

pytestmark = pytest.mark.django_db


def _snapshot(plan):
    plan.refresh_from_db()
    items = list(PlanItem.objects.filter(plan=plan).order_by("id").values())
    steps = list(PlanStep.objects.filter(plan=plan).order_by("id").values())
    return plan.state, plan.title, plan.published_on, items, steps


def test_the_plan_goes_through_its_recorded_steps_to_publication(org):
    # given a draft with two items
    plan = make.draft_plan(org)
    # when the secretariat records the four steps
    plan = make.take_steps(org, plan)
    # then it is published, each step recorded with its date, body and number, and audited with who took it
    assert plan.state == "published"
    assert plan.published_on == datetime.date(2026, 3, 3)
    assert list(plan.steps.values_list("action", "date", "body", "document_number")) == [
        ("revise", datetime.date(2026, 2, 10), "区委办公室、区政府办公室", ""),
        ("review", datetime.date(2026, 2, 17), "区政协主席会议", ""),
        ("decide", datetime.date(2026, 2, 24), "区委常委会", "新办字〔2026〕12号"),
        ("publish", datetime.date(2026, 3, 3), "区政协办公室", "新政协字〔2026〕3号"),
    ]
    audited = AuditEntry.objects.filter(object_id=str(plan.pk), action__startswith="consultation_plan.")
    rows = list(audited.order_by("id").values_list("action", "actor_id"))
    staff = org.users["staff"].pk
    assert rows[-4:] == [
        ("consultation_plan.revise", staff),
        ("consultation_plan.review", staff),
        ("consultation_plan.decide", staff),
        ("consultation_plan.publish", staff),
    ]


def test_a_leader_records_the_chair_s_meeting_review(org):
    plan = make.take_steps(org, make.draft_plan(org), until="revise")
    payload = {"date": "2026-02-20", "body": "主席会议", "document_number": ""}
    plan_act(plan_id=plan.pk, action="review", actor=org.users["leader"], payload=payload)
    plan.refresh_from_db()
    assert plan.state == "reviewed"
    assert plan.steps.get(action="review").recorded_by == org.users["leader"]


@pytest.mark.parametrize("who, refusal", [("member", NotVisible), ("unit", NotVisible), ("leader", NotAllowed)])
def test_only_the_secretariat_edits_items_and_nothing_changes_on_refusal(org, who, refusal):
    # members and units do not see a draft at all; leaders see it but do not edit it
    plan = make.draft_plan(org)
    before = _snapshot(plan)
    with pytest.raises(refusal):
        plan_act(plan_id=plan.pk, action="add_item", actor=org.users[who], payload=make.ITEMS[0])
    assert _snapshot(plan) == before


def test_an_empty_draft_cannot_be_sent_on(org):
    plan = make.draft_plan(org, items=[])
    with pytest.raises(StateConflict, match="计划还没有项目"):
        make.take_steps(org, plan, until="revise")
    assert _snapshot(plan)[0] == "draft"


def test_a_step_needs_its_date_and_body(org):
    plan = make.draft_plan(org)
    with pytest.raises(InvalidInput) as refused:
        plan_act(plan_id=plan.pk, action="revise", actor=org.users["staff"], payload={"body": ""})
    assert set(refused.value.errors) == {"date", "body"}
    assert plan.steps.count() == 0


@pytest.mark.parametrize(
    "action, payload",
    [
        ("add_item", make.ITEMS[0]),
        ("update_item", {**make.ITEMS[0], "item_id": 0}),
        ("remove_item", {"item_id": 0}),
        ("revise", {"date": "2026-04-01", "body": "区委办"}),
        ("return_to_draft", {"note": "改"}),
    ],
)
def test_a_published_version_never_changes(org, action, payload):
    # given a published plan
    plan = make.published_plan(org)
    if "item_id" in payload:
        payload = {**payload, "item_id": plan.items.first().pk}
    before = _snapshot(plan)
    # when anyone tries to change it
    with pytest.raises(StateConflict):
        plan_act(plan_id=plan.pk, action=action, actor=org.users["staff"], payload=payload)
    # then nothing of it changed
    assert _snapshot(plan) == before


def test_an_amendment_is_a_new_version_with_its_difference(org):
    # given a published plan with two items
    v1 = make.published_plan(org)
    before = _snapshot(v1)
    first, second = v1.items.order_by("planned_month")
    # when it is amended: one item changed, one removed, one added, and the new version taken through its steps
    v2 = plan_act(plan_id=v1.pk, action="amend", actor=org.users["staff"], payload={"reason": "区委要求调整"})
    staff = org.users["staff"]
    new_first = v2.items.get(lineage=first.lineage)
    plan_act(
        plan_id=v2.pk,
        action="update_item",
        actor=staff,
        payload={**make.ITEMS[0], "item_id": new_first.pk, "planned_month": 9, "counterpart": "区林业局"},
    )
    plan_act(
        plan_id=v2.pk, action="remove_item", actor=staff, payload={"item_id": v2.items.get(lineage=second.lineage).pk}
    )
    plan_act(
        plan_id=v2.pk,
        action="add_item",
        actor=staff,
        payload={"form": "counterpart", "topic": "青少年爱国主义教育", "planned_month": 10},
    )
    v2 = make.take_steps(org, v2, day=datetime.date(2026, 7, 1))
    # then v1 is as it was, v2 is version 2, published, and the difference is field by field
    assert _snapshot(v1) == before
    assert (v2.version, v2.state, v2.previous_id) == (2, "published", v1.pk)
    detail = plan_detail(staff, v2)
    assert [v.version for v in detail.versions] == [1, 2]
    diff = detail.diff
    assert [i.topic for i in diff.added] == ["青少年爱国主义教育"]
    assert [i.topic for i in diff.removed] == ["数字燃气安全"]
    assert [(c.topic, [(f.field, f.old, f.new) for f in c.changes]) for c in diff.changed] == [
        ("南矶湿地观鸟经济发展", [("counterpart", "区文广新旅局", "区林业局"), ("planned_month", "5月", "9月")])
    ]
    # and only the latest version may be amended
    with pytest.raises(StateConflict, match="已有修订版本"):
        plan_act(plan_id=v1.pk, action="amend", actor=staff, payload={"reason": "再改"})


def test_members_see_published_versions_only(org):
    published = make.published_plan(org)
    draft = plan_act(plan_id=published.pk, action="amend", actor=org.users["staff"], payload={"reason": "调整"})
    assert list(visible_plans(org.users["member"])) == [published]
    assert set(visible_plans(org.users["staff"])) == {published, draft}
    assert set(visible_plans(org.users["leader"])) == {published, draft}
    assert list(visible_plans(org.users["unit"])) == []


def test_a_year_has_one_first_plan(org):
    make.draft_plan(org)
    with pytest.raises(StateConflict):
        plan_create(actor=org.users["staff"], year=2026)
    assert ConsultationPlan.objects.count() == 1


def test_suggestions_keep_their_source_and_are_selected_into_the_draft(org):
    # given a member's suggestion and a leader's topic entered by staff
    mine = suggestion_submit(actor=org.users["member"], year=2026, title="预制菜产业链发展", reason="产业基础好")
    leader = suggestion_submit(
        actor=org.users["staff"], year=2026, title="总部经济", source="leader", source_name="区委书记"
    )
    # a member cannot enter a topic as a leader's
    with pytest.raises(NotAllowed):
        suggestion_submit(actor=org.users["member"], year=2026, title="x", source="leader", source_name="区长")
    # when staff select the member's into the plan draft
    plan = make.draft_plan(org, items=[])
    plan_act(
        plan_id=plan.pk,
        action="add_item",
        actor=org.users["staff"],
        payload={"form": "topical", "topic": mine.title, "planned_month": 8, "suggestion_id": mine.pk},
    )
    # then the item names its suggestion, and each suggestion its source
    assert plan.items.get().suggestion == mine
    assert (mine.source, mine.member, leader.source, leader.source_name) == ("member", org.member, "leader", "区委书记")
