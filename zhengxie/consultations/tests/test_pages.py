"""The pages: a plan built, taken through its steps and amended from the browser's forms; a consultation's page with
its stages, warnings and outcome; members' views; the lists read a fixed number of statements."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.builders import consultations as make
from zhengxie.consultations.models import ConsultationPlan
from zhengxie.consultations.services import suggestion_submit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_staff_build_take_through_and_amend_a_plan_from_the_pages(org, client_for):
    staff = client_for(org.users["staff"])
    # given a draft made on the list page
    response = staff.post("/consultations/plans/new/", {"year": 2026, "title": ""})
    plan = ConsultationPlan.objects.get()
    assert response.url == f"/consultations/plans/{plan.pk}/"
    base = f"/consultations/plans/{plan.pk}/act/"
    # when two items are added and the four steps recorded
    for topic, month in (("南矶湿地观鸟经济发展", "5"), ("数字燃气安全", "6")):
        r = staff.post(base + "add_item/", {"form": "topical", "topic": topic, "planned_month": month})
        assert r.status_code == 302
    refused = staff.post(base + "revise/", {"date": "", "body": "区委办"})
    assert refused.status_code == 422
    assert "请填写日期" in _text(refused)
    for action, date in (("revise", "2026-02-10"), ("review", "2026-02-17"), ("decide", "2026-02-24")):
        assert staff.post(base + action + "/", {"date": date, "body": "机构", "document_number": ""}).status_code == 302
    r = staff.post(
        base + "publish/", {"date": "2026-03-03", "body": "区政协办公室", "document_number": "3号"}, follow=True
    )
    # then the page says so and shows the steps, without codes
    page = _text(r)
    assert "已发布第1版协商计划" in page
    assert "区政协办公室" in page and "主席会议审议" in page
    assert "published" not in page.replace('data-testid="plan-state"', "")
    # and an amendment is a new version whose page shows the difference
    r = staff.post(base + "amend/", {"reason": "调整"}, follow=True)
    v2 = ConsultationPlan.objects.get(version=2)
    assert r.redirect_chain[-1][0] == f"/consultations/plans/{v2.pk}/"
    item = v2.items.get(topic="数字燃气安全")
    staff.post(
        f"/consultations/plans/{v2.pk}/act/update_item/",
        {"item_id": item.pk, "form": "forum", "topic": "数字燃气安全", "planned_month": "7"},
    )
    page = _text(staff.get(f"/consultations/plans/{v2.pk}/"))
    assert "与第1版相比（第2版）" in page
    assert "计划月份 <del>6月</del> → <ins>7月</ins>" in page
    assert "协商形式 <del>专题协商会</del> → <ins>协商座谈会</ins>" in page


def test_members_read_the_published_plan_and_suggest_topics(org, client_for):
    plan = make.published_plan(org)
    draft = make.draft_plan(org, year=2027)
    member = client_for(org.users["member"])
    assert member.get(f"/consultations/plans/{plan.pk}/").status_code == 200
    assert member.get(f"/consultations/plans/{draft.pk}/").status_code == 404
    listing = _text(member.get("/consultations/plans/"))
    assert plan.title in listing and draft.title not in listing
    page = _text(member.get(f"/consultations/plans/{plan.pk}/"))
    assert 'data-testid="actions"' not in page
    r = member.post("/consultations/suggestions/new/", {"year": 2026, "title": "青少年爱国主义教育", "reason": "理由"})
    assert r.status_code == 302
    mine = _text(member.get("/consultations/suggestions/"))
    assert "青少年爱国主义教育" in mine and "待选用" in mine


def test_the_consultation_page_shows_stages_warnings_materials_and_outcome(org, client_for):
    c = make.in_research(org, make.key_research(org, title="总部经济发展研究"))
    make.with_meeting(org, c, start=timezone.now() + datetime.timedelta(days=5))
    staff = client_for(org.users["staff"])
    upload = SimpleUploadedFile("会议材料.pdf", PDF, content_type="application/pdf")
    r = staff.post(f"/consultations/{c.pk}/materials/", {"file": upload, "stage": "meeting"}, follow=True)
    page = _text(r)
    assert "已上传材料：会议材料.pdf" in page
    assert 'data-testid="warning-notice"' in page and "会前15个工作日" in page
    assert 'aria-current="step">4. 协商会' in page
    make.act(org, c, "record_meeting", briefing="通报")
    r = staff.post(f"/consultations/{c.pk}/act/finish_meeting/", follow=True)
    assert "已进入成果报送阶段" in _text(r)
    r = staff.post(
        f"/consultations/{c.pk}/act/create_outcome/",
        {
            "kind": "research_report",
            "title": "总部经济调研报告",
            "rec_text_1": "建设总部楼宇",
            "rec_unit_1": org.unit.pk,
            "rec_weight_1": "2",
            "rec_text_2": "出台扶持政策",
            "rec_unit_2": org.unit.pk,
        },
        follow=True,
    )
    page = _text(r)
    assert "已形成成果文件：总部经济调研报告" in page
    assert re.search(r'data-testid="document-link">总部经济调研报告</a>.*?<td data-label="建议数">2</td>', page)


def test_lists_read_a_fixed_number_of_statements(org, client_for):
    staff = client_for(org.users["staff"])
    make.published_plan(org)
    make.key_research(org)
    suggestion_submit(actor=org.users["member"], year=2026, title="选题")
    counts = {}
    for url in ("/consultations/plans/", "/consultations/", "/consultations/suggestions/"):
        with CaptureQueriesContext(connection) as small:
            staff.get(url)
        counts[url] = len(small)
    make.published_plan(org, year=2027)
    for n in range(5):
        make.key_research(org, title=f"课题{n}")
        suggestion_submit(actor=org.users["member"], year=2026, title=f"选题{n}")
    for url, n in counts.items():
        with CaptureQueriesContext(connection) as big:
            assert staff.get(url).status_code == 200
        assert len(big) <= n, url
