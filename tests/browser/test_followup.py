"""A department's follow-up in Chromium, on a phone (390 px) and a desktop (1366 px): from the menu to its
recommendations, it answers one as adopted, updates its progress and attaches an evidence file; the timeline shows
each step, the pages fit the screen and pass axe, and the secretariat sees the document's computed progress."""

import pytest
from playwright.sync_api import expect

from tests.builders.followup import make_document, recommendation_ids

from .axe import axe_violations
from .layout import layout_problems

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("width", [390, 1366])
def test_the_department_answers_updates_and_attaches_evidence(
    live_org, page, live_server, sign_in, width, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    # given a consultation's document: weight 2 to the housing bureau, weight 1 to the education bureau
    doc = make_document(live_org)
    mine, theirs = recommendation_ids(doc)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("demo-unit")

    # when the unit opens 建议办理 from the menu
    if width < 992:
        page.locator(".navbar-toggler").click()
    page.locator("[data-nav=followup_department]").click()

    # then only its own recommendation is listed, waiting for an answer
    rows = page.get_by_test_id("recommendation-row")
    expect(rows).to_have_count(1)
    expect(page.get_by_test_id("count-to_answer")).to_have_text("1")
    assert layout_problems(page) == []
    assert axe_violations(page, live_server) == []

    # when it answers the recommendation as adopted
    rows.first.get_by_role("link", name="建设观鸟步道和观测点").click()
    page.locator("[data-action=answer]").click()
    page.get_by_label("已采纳").check()
    page.get_by_label("答复意见").fill("已纳入湿地公园提升工程。")
    page.locator("[data-submit=answer]").click()
    expect(page.get_by_role("alert").filter(has_text="已答复：已采纳")).to_be_visible()

    # and updates its progress to 60 % and attaches the plan
    page.locator("[data-action=update_progress]").click()
    page.get_by_label("落实进度（%）").fill("60")
    page.get_by_label("进展说明").fill("步道一期已建成。")
    page.locator("[data-submit=update_progress]").click()
    expect(page.get_by_role("alert").filter(has_text="已更新落实进度：60%")).to_be_visible()
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "步道建设方案.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("[data-submit=evidence]").click()

    # then the timeline holds each step, the file among them, in words
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("li")).to_have_count(4)
    expect(timeline).to_contain_text("答复采纳情况")
    expect(timeline).to_contain_text("落实进度 0% → 60%")
    expect(page.get_by_test_id("evidence")).to_contain_text("步道建设方案.pdf")
    expect(page.get_by_test_id("state")).to_have_text("落实中")
    assert layout_problems(page) == []
    assert axe_violations(page, live_server) == []

    # and the secretariat's document page shows (2×60 + 1×0) / 3 = 40 %
    page.context.clear_cookies()
    sign_in("demo-staff")
    page.goto(f"{live_server.url}/followup/documents/{doc}/")
    expect(page.get_by_test_id("progress")).to_contain_text("40.0%")
    expect(page.get_by_test_id("recommendation-row")).to_have_count(2)
    assert theirs != mine
