"""The outputs read back: the 报送 document of a report per level (.docx), the bulletin (社情民意专报: its numbering,
.docx and PDF), and the reports list as .xlsx — each holding the right text, and refused to those who may not see
what it holds."""

import io
import time

import docx
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx.oxml.ns import qn

from tests.builders.opinion_outputs import reported, scenario
from tests.documents import pdf_font_names, pdf_text
from zhengxie.core.exceptions import InvalidInput, NotAllowed
from zhengxie.opinions import bulletins
from zhengxie.opinions.models import Bulletin, BulletinItem

pytestmark = pytest.mark.django_db


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def _east_asian_fonts(content: bytes) -> set[str]:
    document = docx.Document(io.BytesIO(content))
    return {
        e.get(qn("w:eastAsia"))
        for root in (document.element, document.styles.element)
        for e in root.iter(qn("w:rFonts"))
        if e.get(qn("w:eastAsia"))
    }


# The 报送 document -----------------------------------------------------------------------------------------------


def test_the_submission_document_holds_the_report_for_each_level_it_went_to(org, client_for):
    # given a joint report reported to the city and the province
    s = scenario(org)
    url = reverse("opinions:submission_docx", args=[s.joint.pk, "province"])
    # when the secretariat downloads its document to the province
    response = client_for(org.users["staff"]).get(url)
    # then it is a Word document in the formal layout with the report's text, authors and destination
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = _docx_text(response.content)
    lines = text.split("\n")
    assert lines[0] == "政协南昌市新建区委员会"
    assert lines[1] == "社情民意信息"
    assert f"编号：{s.joint.number}" in lines
    assert "报送：省政协" in lines
    assert "关于加快老旧小区加装电梯的建议" in lines
    assert "近年来，我区老旧小区加装电梯需求日益增长。" in lines
    assert "一是完善资金补贴政策。" in lines
    assert "（反映人：张委员（南昌市新建区某单位）、李委员（南昌市新建区某单位））" in lines
    assert "报：省政协" in lines
    assert {"仿宋", "黑体", "宋体"} <= _east_asian_fonts(response.content)


def test_the_submission_document_only_for_levels_reported_and_readers_of_the_report(org, client_for):
    s = scenario(org)
    staff, member, member2 = org.users["staff"], org.users["member"], org.users["member2"]

    def get(user, pk, level):
        return client_for(user).get(reverse("opinions:submission_docx", args=[pk, level])).status_code

    assert get(staff, s.joint.pk, "national") == 404  # never reported there
    assert get(staff, s.joint.pk, "nowhere") == 404
    assert get(staff, s.by_staff.pk, "city") == 404  # not reported at all
    assert get(member, s.joint.pk, "city") == 200  # its author
    assert get(member2, s.joint.pk, "city") == 200  # its co-author
    assert get(member, s.solo2.pk, "city") == 404  # someone else's
    assert get(org.users["unit"], s.joint.pk, "city") == 403
    assert get(None, s.joint.pk, "city") == 302


# Bulletins -------------------------------------------------------------------------------------------------------


def test_issues_are_numbered_in_sequence_per_kind_and_year(org):
    s = scenario(org)
    staff = org.users["staff"]
    first = bulletins.bulletin_create(actor=staff, data={"kind": "special", "report_ids": [s.joint.pk]})
    second = bulletins.bulletin_create(
        actor=staff, data={"kind": "special", "title": "民生专题", "report_ids": [s.solo2.pk, s.joint.pk]}
    )
    other = bulletins.bulletin_create(actor=staff, data={"kind": "info", "report_ids": [s.solo2.pk]})
    assert [(b.kind, b.year, b.number) for b in (first, second, other)] == [
        ("special", s.year, 1),
        ("special", s.year, 2),
        ("info", s.year, 1),
    ]
    assert list(BulletinItem.objects.filter(bulletin=second).values_list("report_id", "position")) == [
        (s.solo2.pk, 1),
        (s.joint.pk, 2),
    ]


def test_only_signed_off_reports_by_staff_and_editors_and_nothing_written_on_refusal(org):
    s = scenario(org)
    with pytest.raises(InvalidInput):
        bulletins.bulletin_create(actor=org.users["staff"], data={"report_ids": [s.joint.pk, s.by_staff.pk]})
    with pytest.raises(InvalidInput):
        bulletins.bulletin_create(actor=org.users["staff"], data={"report_ids": [s.archived.pk]})
    with pytest.raises(InvalidInput):
        bulletins.bulletin_create(actor=org.users["staff"], data={"report_ids": []})
    with pytest.raises(InvalidInput):
        bulletins.bulletin_create(actor=org.users["staff"], data={"report_ids": [s.joint.pk, s.joint.pk]})
    for role in ("leader", "member", "office", "unit"):
        with pytest.raises(NotAllowed):
            bulletins.bulletin_create(actor=org.users[role], data={"report_ids": [s.joint.pk]})
    assert Bulletin.objects.count() == 0
    assert BulletinItem.objects.count() == 0


def test_the_bulletin_page_creates_an_issue_and_offers_its_documents(org, client_for):
    s = scenario(org)
    staff = client_for(org.users["staff"])
    form = staff.get(reverse("opinions:bulletin_new"))
    assert form.status_code == 200
    html = form.content.decode()
    assert f'value="{s.joint.pk}"' in html and f'value="{s.solo2.pk}"' in html
    assert f'value="{s.by_staff.pk}"' not in html  # only signed-off or reported reports are offered
    response = staff.post(
        reverse("opinions:bulletin_new"), {"kind": "special", "title": "", "report_ids": [s.solo2.pk, s.joint.pk]}
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("opinions:bulletin_detail", args=[bulletin.pk])
    page = staff.get(response["Location"], follow=True).content.decode()
    assert f"已编发社情民意专报 {s.year}年第1期，收录2篇。" in page
    assert reverse("opinions:bulletin_docx", args=[bulletin.pk]) in page
    refused = staff.post(reverse("opinions:bulletin_new"), {"kind": "special", "report_ids": []})
    assert refused.status_code == 422
    assert Bulletin.objects.count() == 1


def test_the_bulletin_documents_hold_the_issue_and_each_report(org, client_for):
    s = scenario(org)
    bulletin = bulletins.bulletin_create(
        actor=org.users["staff"], data={"kind": "special", "report_ids": [s.solo2.pk, s.joint.pk]}
    )
    leader = client_for(org.users["leader"])
    word = leader.get(reverse("opinions:bulletin_docx", args=[bulletin.pk]))
    assert word.status_code == 200
    text = _docx_text(word.content).split("\n")
    assert text[:3] == ["政协南昌市新建区委员会", "社情民意专报", f"{s.year}年第1期"]
    assert ["1. 关于增加中小学课后服务供给的建议", "2. 关于加快老旧小区加装电梯的建议"] == [
        line for line in text if line[:2] in ("1.", "2.")
    ]
    assert text.count("近年来，我区老旧小区加装电梯需求日益增长。") == 2
    assert "（反映人：李委员（南昌市新建区某单位））" in text
    assert "本期共2篇" in text
    pdf = leader.get(reverse("opinions:bulletin_pdf", args=[bulletin.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    printed = pdf_text(pdf.content)
    for words in (
        "社情民意专报",
        f"{s.year}年第1期",
        "关于增加中小学课后服务供给的建议",
        "关于加快老旧小区加装电梯的建议",
    ):
        assert words in printed
    assert any(name.endswith("+Noto-Serif-CJK-SC") for name in pdf_font_names(pdf.content))


def test_the_bulletin_pages_and_documents_are_for_staff_editors_and_leaders(org, client_for):
    s = scenario(org)
    bulletin = bulletins.bulletin_create(actor=org.users["staff"], data={"report_ids": [s.joint.pk]})
    for name in ("bulletin_detail", "bulletin_docx", "bulletin_pdf"):
        url = reverse(f"opinions:{name}", args=[bulletin.pk])
        assert client_for(org.users["member"]).get(url).status_code == 403
        assert client_for(org.users["office"]).get(url).status_code == 403
        assert client_for(org.users["leader"]).get(url).status_code == 200
    assert (
        client_for(org.users["staff"]).get(reverse("opinions:bulletin_detail", args=[bulletin.pk + 1])).status_code
        == 404
    )
    assert client_for(org.users["leader"]).get(reverse("opinions:bulletin_new")).status_code == 403


def test_a_thirty_report_bulletin_docx_takes_under_three_seconds(org, client_for):
    reports = [reported(org, org.users["member"], title=f"关于第{i}项民生问题的建议") for i in range(30)]
    bulletin = bulletins.bulletin_create(actor=org.users["staff"], data={"report_ids": [r.pk for r in reports]})
    client = client_for(org.users["staff"])
    began = time.monotonic()
    response = client.get(reverse("opinions:bulletin_docx", args=[bulletin.pk]))
    elapsed = time.monotonic() - began
    assert response.status_code == 200
    assert _docx_text(response.content).count("一是完善资金补贴政策。") == 30
    assert elapsed < 3.0


# The list as a workbook -------------------------------------------------------------------------------------------


def test_the_list_workbook_has_the_current_filters_rows(org, client_for):
    s = scenario(org)
    response = client_for(org.users["staff"]).get(reverse("opinions:list_xlsx"), {"year": s.year, "adopted": "city"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["编号", "年度", "标题"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == s.joint.number and row[2] == "关于加快老旧小区加装电梯的建议"
    assert row[5] == "张委员、李委员"
    assert row[10] == "市政协、省政协"
    assert row[11].startswith("市政协 ") and row[11].endswith("南昌政协社情民意专报第12期")
    assert "市委副书记" in row[12]


def test_a_member_downloads_only_their_own_reports(org, client_for):
    s = scenario(org)
    response = client_for(org.users["member2"]).get(reverse("opinions:list_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    titles = sorted(row[2].value for row in sheet.iter_rows(min_row=2))
    assert titles == sorted([s.joint.title, s.solo2.title])
    assert client_for(org.users["unit"]).get(reverse("opinions:list_xlsx")).status_code == 403
    assert client_for(org.users["staff"]).get(reverse("opinions:list_xlsx"), {"member": "x"}).status_code == 400


def test_the_bulletin_list_reads_a_fixed_number_of_queries(org, client_for):
    s = scenario(org)
    staff = client_for(org.users["staff"])
    url = reverse("opinions:bulletin_list")
    bulletins.bulletin_create(actor=org.users["staff"], data={"report_ids": [s.joint.pk]})
    staff.get(url)  # the session and the menu read once
    with CaptureQueriesContext(connection) as one:
        assert staff.get(url).status_code == 200
    for _i in range(3):
        bulletins.bulletin_create(actor=org.users["staff"], data={"report_ids": [s.joint.pk, s.solo2.pk]})
    with CaptureQueriesContext(connection) as four:
        page = staff.get(url).content.decode()
    assert page.count('href="/opinions/bulletins/') >= 4 * 3
    assert len(four.captured_queries) == len(one.captured_queries)
