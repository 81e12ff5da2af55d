"""The department's page, a recommendation's page and a document's page: a department sees only its own
recommendations; answers, progress and evidence through the forms; the secretariat sends a document."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.followup import services
from zhengxie.followup.models import Evidence, OutcomeDocument, Recommendation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ids(page: str) -> list[int]:
    import re

    return [int(m) for m in re.findall(r'data-testid="recommendation-row" data-id="(\d+)"', page)]


def test_a_department_sees_only_its_own_recommendations(org, client_for):
    # given two documents, each with a recommendation to each unit
    first, second = make_document(org), make_document(org, source_id=2)
    mine = [recommendation_ids(first)[0], recommendation_ids(second)[0]]
    theirs = [recommendation_ids(first)[1], recommendation_ids(second)[1]]
    # then the unit's page lists its two and not the other unit's
    page = client_for(org.users["unit"]).get("/followup/department/?tab=all").content.decode()
    assert sorted(_ids(page)) == sorted(mine)
    page2 = client_for(org.users["unit2"]).get("/followup/department/?tab=all").content.decode()
    assert sorted(_ids(page2)) == sorted(theirs)
    # and another department's recommendation is not found, its document shows only the reader's own
    assert client_for(org.users["unit"]).get(f"/followup/recommendations/{theirs[0]}/").status_code == 404
    doc_page = client_for(org.users["unit"]).get(f"/followup/documents/{first}/").content.decode()
    assert _ids(doc_page) == [mine[0]]
    assert _ids(client_for(org.users["staff"]).get(f"/followup/documents/{first}/").content.decode()) == [
        mine[0],
        theirs[0],
    ]


def test_the_department_answers_and_updates_through_the_page(org, client_for):
    rec_id = recommendation_ids(make_document(org))[0]
    c = client_for(org.users["unit"])
    page = c.get(f"/followup/recommendations/{rec_id}/").content.decode()
    assert 'data-action="answer"' in page and 'data-action="update_progress"' not in page
    r = c.post(f"/followup/recommendations/{rec_id}/actions/answer/", {"status": "adopted", "note": "已采纳"})
    assert r.status_code == 302
    r = c.post(f"/followup/recommendations/{rec_id}/actions/update_progress/", {"percent": "150", "note": "x"})
    assert r.status_code == 422
    assert Recommendation.objects.get(pk=rec_id).percent == 0
    r = c.post(
        f"/followup/recommendations/{rec_id}/actions/update_progress/", {"percent": "60", "note": "已完成方案设计"}
    )
    assert r.status_code == 302
    page = c.get(f"/followup/recommendations/{rec_id}/").content.decode()
    assert "已更新落实进度：60%" in page
    assert "落实中" in page and "已完成方案设计" in page and "not_answered" not in page
    rec = Recommendation.objects.get(pk=rec_id)
    assert (rec.state, rec.percent) == ("in_progress", 60)


def test_another_department_cannot_post_an_answer(org, client_for):
    rec_id = recommendation_ids(make_document(org))[0]
    r = client_for(org.users["unit2"]).post(
        f"/followup/recommendations/{rec_id}/actions/answer/", {"status": "adopted", "note": "x"}
    )
    assert r.status_code == 404
    r = client_for(org.users["staff"]).post(
        f"/followup/recommendations/{rec_id}/actions/answer/", {"status": "adopted", "note": "x"}
    )
    assert r.status_code == 403
    assert Recommendation.objects.get(pk=rec_id).state == "not_answered"


def test_evidence_is_uploaded_once_adopted_and_downloaded_by_those_who_see_it(org, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rec_id = recommendation_ids(make_document(org))[0]
    c = client_for(org.users["unit"])
    upload = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    assert c.post(f"/followup/recommendations/{rec_id}/evidence/", {"file": upload}).status_code == 409
    services.recommendation_act(
        recommendation_id=rec_id,
        action="answer",
        actor=org.users["unit"],
        payload={"status": "adopted", "note": "采纳"},
    )
    upload = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    assert c.post(f"/followup/recommendations/{rec_id}/evidence/", {"file": upload}).status_code == 302
    row = Evidence.objects.get()
    url = f"/followup/recommendations/{rec_id}/evidence/{row.pk}/"
    assert b"".join(c.get(url).streaming_content) == PDF
    assert b"".join(client_for(org.users["leader"]).get(url).streaming_content) == PDF
    assert client_for(org.users["unit2"]).get(url).status_code == 404
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert (
        client_for(org.users["unit"]).post(f"/followup/recommendations/{rec_id}/evidence/", {"file": bad}).status_code
        == 422
    )
    assert Evidence.objects.count() == 1


def test_the_secretariat_sends_a_document_from_its_page(org, client_for):
    doc_id = make_document(org)
    c = client_for(org.users["staff"])
    assert 'data-action="send"' in c.get(f"/followup/documents/{doc_id}/").content.decode()
    assert (
        'data-action="send"'
        not in client_for(org.users["leader"]).get(f"/followup/documents/{doc_id}/").content.decode()
    )
    r = c.post(f"/followup/documents/{doc_id}/actions/send/", {"sent_to": "区委、区政府", "date": "2026-01-05"})
    assert r.status_code == 302
    page = c.get(f"/followup/documents/{doc_id}/").content.decode()
    assert "已报送区委、区政府" in page and "已报送" in page
    assert OutcomeDocument.objects.get(pk=doc_id).state == "sent"


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    return len(ctx.captured_queries), page


def test_the_department_page_reads_the_same_number_of_queries_for_2_or_12_recommendations(org, client_for):
    c = client_for(org.users["unit"])
    for i in range(2):
        make_document(org, source_id=i + 1)
    c.get("/followup/department/?tab=all")  # the session is read once
    few, page = _queries(c, "/followup/department/?tab=all")
    assert len(_ids(page)) == 2
    for i in range(10):
        make_document(org, source_id=i + 10)
    many, page = _queries(c, "/followup/department/?tab=all")
    assert len(_ids(page)) == 12
    assert many == few
