"""The leader's follow-up overview in Chromium, on a phone (390 px) and a desktop (1366 px): the charts are drawn,
filtering by source narrows the list, the stale recommendation is marked, the page fits the screen and passes axe,
and the 成果转化情况报告 downloads as a Word document holding the year's recommendations."""

import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.followup import services
from zhengxie.followup.choices import Source

from .axe import axe_violations
from .layout import layout_problems


def _year_of_work(org):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=60)):
        consultation = make_document(org)
    services.recommendation_act(
        recommendation_id=recommendation_ids(consultation)[0],
        action="answer",
        actor=org.users["unit"],
        payload={"status": "adopted", "note": "采纳"},
    )
    make_document(
        org,
        source=Source.SUPERVISION,
        source_id=7,
        title="关于西部物流园区建设的监督意见",
        recommendations=[{"text": "完善园区道路", "unit_id": org.unit.pk}],
    )


@pytest.mark.parametrize("width", [390, 1366])
def test_the_leader_filters_sees_the_charts_and_downloads_the_report(live_org, page, live_server, sign_in, width):
    # given a consultation's two recommendations (one stale) and a supervision's one
    _year_of_work(live_org)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("demo-leader")

    # when the leader opens the follow-up from the menu
    if width < 992:
        page.locator(".navbar-toggler").click()
    page.locator("[data-nav=followup_overview]").click()

    # then the year's three recommendations are listed, the stale one marked, and the charts drawn
    expect(page.locator("[data-recommendation]")).to_have_count(3)
    expect(page.locator("[data-stale]")).to_have_count(1)
    expect(page.get_by_test_id("followup-count")).to_have_text("共 3 条")
    expect(page.locator("[data-chart=state] svg")).to_have_count(1)
    expect(page.locator("[data-chart=source] svg")).to_have_count(1)
    expect(page.locator("[data-chart=units] svg")).to_have_count(1)
    assert layout_problems(page) == []
    assert axe_violations(page, live_server) == []

    # when they narrow it to democratic supervision
    page.get_by_label("来源", exact=True).select_option(label="民主监督")
    with page.expect_navigation():
        page.get_by_test_id("followup-filter-submit").click()

    # then only its recommendation is left, and the report of what is shown downloads
    expect(page.locator("[data-recommendation]")).to_have_count(1)
    expect(page.locator("[data-recommendation] .zx-card-title")).to_have_text("完善园区道路")
    with page.expect_download() as download:
        page.get_by_test_id("followup-report").click()
    assert download.value.suggested_filename == f"成果转化情况报告-{timezone.localdate().year}.docx"
    texts = [p.text for p in Document(io.BytesIO(open(download.value.path(), "rb").read())).paragraphs]
    assert "（1）《关于西部物流园区建设的监督意见》" in texts
    assert "1. 完善园区道路" in texts
