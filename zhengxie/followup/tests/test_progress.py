"""A document's and a source's progress: the weighted average of their recommendations' percents, not-adopted
ones left out (worked by hand in ``progress.py``'s docstring)."""

from decimal import Decimal

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.followup import services
from zhengxie.followup.choices import Source
from zhengxie.followup.models import OutcomeDocument


def _act(org, rec_id, action, payload, who="unit"):
    return services.recommendation_act(recommendation_id=rec_id, action=action, actor=org.users[who], payload=payload)


def test_progress_is_the_weighted_average(org):
    # given four recommendations to the unit, weights 3, 1, 2, 4
    unit = org.unit.pk
    doc_id = make_document(
        org,
        recommendations=[
            {"text": "甲", "unit_id": unit, "weight": 3},
            {"text": "乙", "unit_id": unit, "weight": 1},
            {"text": "丙", "unit_id": unit, "weight": 2},
            {"text": "丁", "unit_id": unit, "weight": 4},
        ],
    )
    a, b, c, d = recommendation_ids(doc_id)
    assert OutcomeDocument.objects.get(pk=doc_id).progress == Decimal("0.0")
    # when the first is at 50 %, the second done, the third not answered and the fourth not adopted
    _act(org, a, "answer", {"status": "adopted", "note": "采纳"})
    _act(org, a, "update_progress", {"percent": 50, "note": "过半"})
    _act(org, b, "answer", {"status": "partly_adopted", "note": "部分采纳"})
    _act(org, b, "update_progress", {"percent": 100, "note": "完成"})
    _act(org, d, "answer", {"status": "not_adopted", "note": "不具备条件"})
    # then (3×50 + 1×100 + 2×0) / (3 + 1 + 2) = 41.7 %
    doc = OutcomeDocument.objects.get(pk=doc_id)
    assert doc.progress == Decimal("41.7")
    assert doc.recommendation_count == 4
    summary = services.documents_for_sources(source=Source.CONSULTATION, source_ids=[1, 2])
    assert [s.progress for s in summary[1]] == [Decimal("41.7")]
    assert summary[2] == []
    assert summary[1][0].recommendation_count == 4
    assert summary[1][0].url == f"/followup/documents/{doc_id}/"


def test_a_source_s_progress_runs_over_all_its_documents(org):
    # given two documents of the same consultation: weights 2 and 1 (default), then one of weight 1
    first = make_document(org)
    second = make_document(org, recommendations=[{"text": "戊", "unit_id": org.unit.pk}])
    a, _b = recommendation_ids(first)
    (c,) = recommendation_ids(second)
    # when the weight-2 one is done and the other document's one at 40 %
    _act(org, a, "answer", {"status": "adopted", "note": "采纳"})
    _act(org, a, "update_progress", {"percent": 100, "note": "完成"})
    _act(org, c, "answer", {"status": "adopted", "note": "采纳"})
    _act(org, c, "update_progress", {"percent": 40, "note": "推进"})
    # then the consultation is at (2×100 + 1×0 + 1×40) / 4 = 60 %, a source without documents at None
    assert services.progress_for_sources(source=Source.CONSULTATION, source_ids=[1, 9]) == {
        1: Decimal("60.0"),
        9: None,
    }


def test_a_document_whose_every_recommendation_is_not_adopted_has_no_progress(org):
    doc_id = make_document(org, recommendations=[{"text": "甲", "unit_id": org.unit.pk}])
    (a,) = recommendation_ids(doc_id)
    _act(org, a, "answer", {"status": "not_adopted", "note": "不采纳"})
    assert OutcomeDocument.objects.get(pk=doc_id).progress is None


def test_unanswered_recommendations_are_counted_per_source(org):
    doc_id = make_document(org)
    a, _b = recommendation_ids(doc_id)
    _act(org, a, "answer", {"status": "adopted", "note": "采纳"})
    assert services.unanswered_for_sources(source=Source.CONSULTATION, source_ids=[1, 3]) == {1: 1, 3: 0}
