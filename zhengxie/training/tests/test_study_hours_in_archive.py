"""A member's study hours in every form of their duty archive — the page, the annual report's .docx and PDF and the
API — from the same provider (``services.archive_section``); and the home to-do's archive item, which names the
missing minimum duties and the missing hours in one item when both apply."""

import datetime
import io

import docx
import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tests.builders import training as make
from zhengxie.core.todo import todo_for
from zhengxie.duty import reports
from zhengxie.duty.models import MemberYearScore
from zhengxie.duty.points import ensure_year
from zhengxie.training import services

pytestmark = pytest.mark.django_db

ARCHIVE = "/activities/archive/?year={y}"


@pytest.fixture
def six_hours(org):
    """member attended a 6-hour class in 2026 (the requirement is the default 12); member2 attended nothing."""
    activity, _tc = make.training_class(org, hours="6")
    make.mark_present_and_close(org, activity, [org.member])


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_the_annual_report_docx_shows_the_study_hours(org, six_hours, client_for):
    response = client_for(org.users["member"]).get(reverse("duty:archive_docx", args=[org.member.pk]), {"year": 2026})
    assert response.status_code == 200
    text = _docx_text(response.content)
    # a numbered heading after the minimum duties, the figures and whether the requirement is met
    assert "三、基本履职要求" in text
    assert "四、学习培训学时" in text
    for row in ("已完成学时 | 6", "年度应完成学时 | 12", "完成情况 | 未达到"):
        assert row in text, row


def test_the_docx_says_met_once_the_hours_reach_the_requirement(org, six_hours, client_for):
    services.requirement_set(actor=org.users["staff"], year=2026, hours="6")
    response = client_for(org.users["staff"]).get(reverse("duty:archive_docx", args=[org.member.pk]), {"year": 2026})
    text = _docx_text(response.content)
    assert "年度应完成学时 | 6" in text and "完成情况 | 已达到" in text


def test_the_annual_report_pdf_shows_the_study_hours(org, six_hours, client_for):
    # the PDF is rendered from this HTML (its text is not readable back from the subset fonts)
    archive = reports.annual_archive(member=org.member, year=2026)
    html = render_to_string("duty/archive/report_pdf.html", reports.pdf_context(archive, committee="区政协"))
    assert '<table class="section" data-key="study_hours">' in html
    assert "<h2>学习培训学时</h2>" in html
    assert '<tr><th>已完成学时</th><td class="num">6</td></tr>' in html
    assert '<tr><th>年度应完成学时</th><td class="num">12</td></tr>' in html
    assert '<span class="missing">未达到</span>' in html
    response = client_for(org.users["staff"]).get(reverse("duty:archive_pdf", args=[org.member.pk]), {"year": 2026})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_archive_api_shows_the_study_hours(org, six_hours, client_for):
    body = client_for(org.users["staff"]).get(f"/api/v1/members/{org.member.pk}/duty", {"year": 2026}).json()
    assert body["sections"] == [
        {
            "key": "study_hours",
            "title": "学习培训学时",
            "rows": [{"label": "已完成学时", "value": "6"}, {"label": "年度应完成学时", "value": "12"}],
            "met": False,
            "figures": {"hours": "6", "required": "12", "short": "6"},
        }
    ]
    # the member's own archive through the API says the same as the study-hours endpoint
    own = client_for(org.users["member"]).get(f"/api/v1/members/{org.member.pk}/duty", {"year": 2026}).json()
    hours = client_for(org.users["member"]).get(f"/api/v1/members/{org.member.pk}/study-hours", {"year": 2026}).json()
    assert own["sections"][0]["figures"]["hours"] == services.plain(hours["hours"]) == "6"
    # a member without hours: zero, short of all of them
    other = client_for(org.users["staff"]).get(f"/api/v1/members/{org.member2.pk}/duty", {"year": 2026}).json()
    assert other["sections"][0]["figures"] == {"hours": "0", "required": "12", "short": "12"}


def test_the_archive_page_and_the_documents_read_the_same_figures(org, six_hours, client_for):
    html = client_for(org.users["member"]).get(reverse("duty:my_archive"), {"year": 2026}).content.decode()
    assert 'data-key="study_hours" data-met="0"' in html
    assert 'data-label="已完成学时">6</dd>' in html


# The to-do item leading to the archive ---------------------------------------------------------------------------


def _archive_items(user, year):
    url = ARCHIVE.format(y=year)
    return [(i.title, i.kind, i.due) for i in todo_for(user) if i.url == url]


def _short_of_minimums(org, year) -> str:
    ensure_year(year, force=True)
    missing = MemberYearScore.objects.get(member=org.member, year=year).missing
    assert missing  # the demo rule table's minimums: nothing done yet
    return "、".join(m["label"] for m in missing)


def test_hours_short_alone_from_the_first_of_september(org):
    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(year, 8, 31, 10, tzinfo=tz)):
        assert _archive_items(org.users["member"], year) == []
    with time_machine.travel(datetime.datetime(year, 9, 2, 10, tzinfo=tz)):
        # before the minimum duties' warning day (1 October): the hours alone, as the training item
        assert _archive_items(org.users["member"], year) == [
            ("学习培训学时未达要求（已完成 0 / 应完成 12）", "学习培训", datetime.date(year, 12, 31))
        ]


def test_both_reasons_make_one_item_with_one_link(org):
    year = timezone.localdate().year
    labels = _short_of_minimums(org, year)
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(year, 10, 2, 10, tzinfo=tz)):
        items = _archive_items(org.users["member"], year)
        every = [i.url for i in todo_for(org.users["member"])]
    assert items == [
        (
            f"本年度尚未达到的基本履职要求：{labels}；学习培训学时未达要求（已完成 0 / 应完成 12）",
            "履职",
            datetime.date(year, 12, 31),
        )
    ]
    assert every.count(ARCHIVE.format(y=year)) == 1


def test_minimums_alone_when_the_hours_are_met(org):
    year = timezone.localdate().year
    labels = _short_of_minimums(org, year)
    services.requirement_set(actor=org.users["staff"], year=year, hours="0")
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(year, 10, 2, 10, tzinfo=tz)):
        assert _archive_items(org.users["member"], year) == [
            (f"本年度尚未达到的基本履职要求：{labels}", "履职", datetime.date(year, 12, 31))
        ]


def test_staff_get_no_archive_item(org):
    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(year, 10, 2, 10, tzinfo=tz)):
        assert _archive_items(org.users["staff"], year) == []
