"""The search finds outcome documents and recommendations, each by those who may see it, and follows the
department's answer once it commits."""

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.followup import services
from zhengxie.search.selectors import search_entries


def found(user, query, **kw) -> set[tuple[str, int]]:
    return {(e.kind, e.object_id) for e in search_entries(user=user, query=query, **kw)}


def test_documents_and_recommendations_are_found_by_who_may_see_them(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = make_document(org)
    mine, theirs = recommendation_ids(doc)
    assert found(org.users["staff"], "观鸟") == {
        ("outcome_document", doc),
        ("recommendation", mine),
        ("recommendation", theirs),
    }
    assert found(org.users["unit"], "观鸟", kind="recommendation") == {("recommendation", mine)}
    assert found(org.users["unit2"], "步道") == set()
    assert found(org.users["member"], "观鸟") == set()
    # when the department answers, its answer is found
    with django_capture_on_commit_callbacks(execute=True):
        services.recommendation_act(
            recommendation_id=mine,
            action="answer",
            actor=org.users["unit"],
            payload={"status": "adopted", "note": "纳入湿地公园提升工程"},
        )
    assert found(org.users["leader"], "湿地公园") == {("recommendation", mine)}
