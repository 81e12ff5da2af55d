"""The to-do lists: a department's recommendations to answer and its stale ones; the secretariat's documents to
send."""

import datetime

from django.utils import timezone

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.core.todo import todo_for
from zhengxie.followup import services
from zhengxie.followup.models import Recommendation


def _followup(user):
    """This module's items (the leaders' overview adds its own of the same kind, ``todo_leaders``)."""
    mine = ("/followup/recommendations/", "/followup/documents/")
    return [(i.title, i.url) for i in todo_for(user) if i.kind == "成果转化" and i.url.startswith(mine)]


def test_a_department_s_list_holds_what_it_must_answer_and_what_went_stale(org, settings):
    settings.ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = 20
    doc_id = make_document(
        org,
        recommendations=[
            {"text": "建设观鸟步道", "unit_id": org.unit.pk},
            {"text": "开展观鸟研学", "unit_id": org.unit.pk},
            {"text": "建设游客中心", "unit_id": org.other_unit.pk},
        ],
    )
    a, b, c = recommendation_ids(doc_id)
    services.recommendation_act(
        recommendation_id=b, action="answer", actor=org.users["unit"], payload={"status": "adopted", "note": "采纳"}
    )
    # the second was last updated two months ago (a backdated row stands in for the passing time)
    Recommendation.objects.filter(pk=b).update(last_update_at=timezone.now() - datetime.timedelta(days=60))
    items = _followup(org.users["unit"])
    assert len(items) == 2
    assert set(items) == {
        ("待答复：建设观鸟步道", f"/followup/recommendations/{a}/"),
        ("久未更新，请更新落实进度：开展观鸟研学", f"/followup/recommendations/{b}/"),
    }
    assert _followup(org.users["unit2"]) == [("待答复：建设游客中心", f"/followup/recommendations/{c}/")]
    assert _followup(org.users["staff"]) == [
        ("待报送：关于发展南矶湿地观鸟经济的建议案", f"/followup/documents/{doc_id}/")
    ]
    assert _followup(org.users["member"]) == []
    assert _followup(org.users["office"]) == []
