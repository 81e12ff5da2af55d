"""Recommendation and document states move only as the spec allows, and only by those who may move them; a
refusal writes nothing."""

import datetime

import pytest
from django.utils import timezone

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.followup import services
from zhengxie.followup import workflow as wf
from zhengxie.followup.choices import RecommendationState as R
from zhengxie.followup.choices import Source
from zhengxie.followup.models import Instruction, OutcomeDocument, Recommendation, RecommendationUpdate

ANSWER = {"status": "adopted", "note": "采纳"}
PROGRESS = {"percent": 30, "note": "推进中"}


def _snapshot(rec_id):
    rec = Recommendation.objects.get(pk=rec_id)
    return (
        rec.state,
        rec.percent,
        rec.last_update_at,
        RecommendationUpdate.objects.count(),
        AuditEntry.objects.count(),
    )


def _act(org, who, rec_id, action, payload):
    return services.recommendation_act(recommendation_id=rec_id, action=action, actor=org.users[who], payload=payload)


def test_the_declared_moves_are_the_spec_s():
    assert wf.RECOMMENDATION.transitions() == [
        ("not_answered", "answer", "not_adopted"),
        ("not_answered", "answer", "partly_adopted"),
        ("not_answered", "answer", "adopted"),
        ("adopted", "update_progress", "in_progress"),
        ("adopted", "update_progress", "done"),
        ("in_progress", "update_progress", "in_progress"),
        ("in_progress", "update_progress", "done"),
        ("partly_adopted", "update_progress", "in_progress"),
        ("partly_adopted", "update_progress", "done"),
    ]
    assert wf.DOCUMENT.transitions() == [("draft", "send", "sent"), ("sent", "record_instruction", "sent")]


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("unit2", NotVisible),  # another department does not even see it
        ("member", NotVisible),
        ("admin", NotVisible),
        ("staff", NotAllowed),  # the secretariat sees it, but the department answers
        ("leader", NotAllowed),
        ("office", NotVisible),  # not a key proposal's
    ],
)
@pytest.mark.parametrize(("action", "payload"), [("answer", ANSWER), ("update_progress", PROGRESS)])
def test_only_the_recommendation_s_department_answers_and_updates(org, who, refusal, action, payload):
    doc_id = make_document(org)
    rec_id = recommendation_ids(doc_id)[0]  # addressed to org.unit
    if action == "update_progress":
        _act(org, "unit", rec_id, "answer", ANSWER)
    before = _snapshot(rec_id)
    with pytest.raises(refusal):
        _act(org, who, rec_id, action, payload)
    assert _snapshot(rec_id) == before


@pytest.mark.parametrize("who", ["unit", "unit-leader"])
def test_the_department_s_staff_and_leader_answer_then_carry_out(org, who):
    rec_id = recommendation_ids(make_document(org))[0]
    _act(org, who, rec_id, "answer", {"status": "partly_adopted", "note": "部分采纳"})
    rec = Recommendation.objects.get(pk=rec_id)
    assert (rec.state, rec.answer_note, rec.percent) == (R.PARTLY_ADOPTED, "部分采纳", 0)
    _act(org, who, rec_id, "update_progress", {"percent": 40, "note": "已选址"})
    _act(org, who, rec_id, "update_progress", {"percent": 100, "note": "已建成", "date": "2020-01-02"})
    rec = Recommendation.objects.get(pk=rec_id)
    assert (rec.state, rec.percent) == (R.DONE, 100)
    timeline = list(rec.updates.values_list("action", "from_state", "to_state", "from_percent", "to_percent", "note"))
    assert timeline == [
        ("create", "", "not_answered", None, 0, ""),
        ("answer", "not_answered", "partly_adopted", None, None, "部分采纳"),
        ("update_progress", "partly_adopted", "in_progress", 0, 40, "已选址"),
        ("update_progress", "in_progress", "done", 40, 100, "已建成"),
    ]
    assert rec.updates.last().date == datetime.date(2020, 1, 2)
    actions = list(
        AuditEntry.objects.filter(object_type="followup.recommendation").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["recommendation.answer", "recommendation.update_progress", "recommendation.update_progress"]


@pytest.mark.parametrize(
    ("first", "action", "payload"),
    [
        (None, "update_progress", PROGRESS),  # not answered yet: answer first
        ("not_adopted", "update_progress", PROGRESS),  # nothing to carry out
        ("adopted", "answer", ANSWER),  # answered once
    ],
)
def test_states_move_only_as_the_spec_allows(org, first, action, payload):
    rec_id = recommendation_ids(make_document(org))[0]
    if first:
        _act(org, "unit", rec_id, "answer", {"status": first, "note": "答复"})
    before = _snapshot(rec_id)
    with pytest.raises(StateConflict):
        _act(org, "unit", rec_id, action, payload)
    assert _snapshot(rec_id) == before


def test_a_done_recommendation_takes_no_more_updates(org):
    rec_id = recommendation_ids(make_document(org))[0]
    _act(org, "unit", rec_id, "answer", ANSWER)
    _act(org, "unit", rec_id, "update_progress", {"percent": 100, "note": "完成"})
    before = _snapshot(rec_id)
    with pytest.raises(StateConflict):
        _act(org, "unit", rec_id, "update_progress", PROGRESS)
    assert _snapshot(rec_id) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "done", "note": "x"},  # not an answer
        {"status": "adopted", "note": ""},
        {"note": "x"},
    ],
)
def test_an_answer_needs_a_status_and_a_note(org, payload):
    rec_id = recommendation_ids(make_document(org))[0]
    before = _snapshot(rec_id)
    with pytest.raises(InvalidInput):
        _act(org, "unit", rec_id, "answer", payload)
    assert _snapshot(rec_id) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"percent": 101, "note": "x"},
        {"percent": -1, "note": "x"},
        {"percent": 10, "note": ""},
        {"percent": 10, "note": "x", "date": "2999-01-01"},
    ],
)
def test_progress_is_a_percent_with_a_note_not_dated_ahead(org, payload):
    rec_id = recommendation_ids(make_document(org))[0]
    _act(org, "unit", rec_id, "answer", ANSWER)
    before = _snapshot(rec_id)
    with pytest.raises(InvalidInput):
        _act(org, "unit", rec_id, "update_progress", payload)
    assert _snapshot(rec_id) == before


# The document's workflow: the secretariat sends it and records the leaders' instructions


def _doc(org, who, doc_id, action, payload):
    return services.document_act(document_id=doc_id, action=action, actor=org.users[who], payload=payload)


SEND = {"sent_to": "区委、区政府", "date": "2026-01-05"}
INSTRUCTION = {"leader": "区委书记", "level": "main", "date": "2026-01-08", "text": "请认真研究落实。"}


def _doc_snapshot(doc_id):
    d = OutcomeDocument.objects.get(pk=doc_id)
    return (d.state, d.sent_to, d.sent_on, Instruction.objects.count(), AuditEntry.objects.count())


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("unit", NotAllowed),
        ("unit2", NotAllowed),  # it holds one of theirs: they see it
        ("leader", NotAllowed),
        ("office", NotVisible),
        ("member", NotVisible),
    ],
)
def test_only_the_secretariat_sends_a_document(org, who, refusal):
    doc_id = make_document(org)
    before = _doc_snapshot(doc_id)
    with pytest.raises(refusal):
        _doc(org, who, doc_id, "send", SEND)
    assert _doc_snapshot(doc_id) == before


def test_the_secretariat_sends_then_records_instructions(org):
    doc_id = make_document(org)
    with pytest.raises(StateConflict):  # an instruction comes on a sent document
        _doc(org, "staff", doc_id, "record_instruction", INSTRUCTION)
    _doc(org, "staff", doc_id, "send", SEND)
    with pytest.raises(StateConflict):
        _doc(org, "staff", doc_id, "send", SEND)
    with pytest.raises(InvalidInput):  # before it was sent
        _doc(org, "staff", doc_id, "record_instruction", {**INSTRUCTION, "date": "2026-01-04"})
    with pytest.raises(NotAllowed):
        _doc(org, "unit", doc_id, "record_instruction", INSTRUCTION)
    _doc(org, "staff", doc_id, "record_instruction", INSTRUCTION)
    d = OutcomeDocument.objects.get(pk=doc_id)
    assert (d.state, d.sent_to, d.sent_on) == ("sent", "区委、区政府", datetime.date(2026, 1, 5))
    assert list(d.instructions.values_list("leader", "level", "text")) == [("区委书记", "main", "请认真研究落实。")]


def test_a_key_proposal_s_document_is_managed_by_the_office_too(org):
    doc_id = make_document(org, source=Source.KEY_PROPOSAL, actor=org.users["office"])
    _doc(org, "overseer", doc_id, "send", SEND)
    assert OutcomeDocument.objects.get(pk=doc_id).state == "sent"
    with pytest.raises(NotAllowed):  # but not a consultation's
        make_document(org, source=Source.CONSULTATION, actor=org.users["office"])


def test_only_managers_make_documents_and_recommendations(org):
    doc_id = make_document(org)
    count = Recommendation.objects.count()
    for who in ("unit", "leader", "member"):
        with pytest.raises(NotAllowed):
            make_document(org, actor=org.users[who])
        with pytest.raises(NotAllowed):
            services.recommendation_add(actor=org.users[who], document_id=doc_id, text="新建议", unit_id=org.unit.pk)
    assert Recommendation.objects.count() == count
    rec_id = services.recommendation_add(
        actor=org.users["staff"], document_id=doc_id, text="新建议", unit_id=org.unit.pk, weight=3
    )
    rec = Recommendation.objects.get(pk=rec_id)
    assert (rec.position, rec.weight, rec.state, rec.year) == (3, 3, R.NOT_ANSWERED, timezone.localdate().year)
    assert OutcomeDocument.objects.get(pk=doc_id).recommendation_count == 3


@pytest.mark.parametrize(
    "item",
    [
        {"text": "", "unit_id": 1},
        {"text": "x", "unit_id": 999999},
        {"text": "x", "unit_id": None},
        {"text": "x", "unit_id": "UNIT", "weight": 0},
        {"text": "x", "unit_id": "UNIT", "weight": 101},
    ],
)
def test_a_recommendation_needs_text_a_unit_and_a_sensible_weight(org, item):
    item = {**item, "unit_id": org.unit.pk if item["unit_id"] == "UNIT" else item["unit_id"]}
    before = OutcomeDocument.objects.count()
    with pytest.raises(InvalidInput):
        make_document(org, recommendations=[item])
    assert OutcomeDocument.objects.count() == before


def test_the_state_diagrams_in_the_docs_are_drawn_from_the_declarations():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "followup.md").read_text(encoding="utf-8")
    for flow in (wf.DOCUMENT, wf.RECOMMENDATION):
        assert f"```mermaid\n{flow.mermaid()}\n```" in text, flow.name
