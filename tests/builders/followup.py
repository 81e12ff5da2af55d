"""Outcome documents and recommendations of the follow-up (成果转化), made through its real services."""

import datetime

from zhengxie.followup import services
from zhengxie.followup.choices import DocumentKind, Source


def make_document(
    org,
    *,
    recommendations=None,
    source=Source.CONSULTATION,
    source_id=1,
    year=None,
    actor=None,
    title="关于发展南矶湿地观鸟经济的建议案",
) -> int:
    """A draft outcome document by the secretariat; by default two recommendations, to ``org.unit`` (weight 2) and
    to ``org.other_unit`` (weight 1)."""
    if recommendations is None:
        recommendations = [
            {"text": "建设观鸟步道和观测点", "unit_id": org.unit.pk, "weight": 2},
            {"text": "开展观鸟研学活动", "unit_id": org.other_unit.pk, "weight": 1},
        ]
    return services.outcome_document_create(
        actor=actor or org.users["staff"],
        source=source,
        source_id=source_id,
        source_title="南矶湿地观鸟经济专题协商",
        source_url=f"/consultations/{source_id}/",
        year=year or datetime.date.today().year,
        kind=DocumentKind.FORMAL_RECOMMENDATION,
        title=title,
        body="经专题协商，提出如下建议。",
        recommendations=recommendations,
    )


def recommendation_ids(document_id: int) -> list[int]:
    from zhengxie.followup.models import Recommendation

    return list(
        Recommendation.objects.filter(document_id=document_id).order_by("position").values_list("pk", flat=True)
    )
