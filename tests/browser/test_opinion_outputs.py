"""The outputs of the opinion reports in Chromium, at a phone's width (390 px) and a laptop's (1366 px): the
secretariat reads the year's statistics (figures linked to the list, charts drawn, nothing scrolls sideways, no label
broken inside a word), follows a figure to its reports, compiles a bulletin (社情民意专报) from signed-off reports and
downloads it as Word and PDF."""

import pytest
from playwright.sync_api import expect

from tests.builders.opinion_outputs import scenario

from .axe import axe_violations
from .layout import layout_problems, resize


@pytest.mark.parametrize("width", [390, 1366])
def test_staff_read_the_statistics_and_download_a_bulletin(live_org, page, live_server, sign_in, width):
    s = scenario(live_org)
    sign_in("demo-staff")
    resize(page, width)

    page.goto(f"{live_server.url}/opinions/statistics/")
    totals = page.get_by_test_id("statistics-totals")
    expect(totals.locator('[data-figure="received"] .display-6')).to_have_text("4")
    expect(totals.locator('[data-figure="adopted"] .display-6')).to_have_text("1")
    expect(page.locator('[data-chart="levels"] svg')).to_have_count(1)
    expect(page.get_by_test_id("table-member")).to_contain_text("李委员")
    assert layout_problems(page) == []
    assert axe_violations(page, live_server) == []

    # a figure leads to the reports it counts
    page.get_by_test_id("statistics-more-totals").get_by_role("link", name="1").first.click()
    expect(page).to_have_url(f"{live_server.url}/opinions/?year={s.year}&adopted=city")
    expect(page.get_by_text(s.joint.title).first).to_be_visible()

    # a bulletin of two signed-off reports, in the order chosen
    page.goto(f"{live_server.url}/opinions/bulletins/")
    page.get_by_test_id("bulletin-new").click()
    page.get_by_label(s.solo2.title).check()
    page.get_by_label(s.joint.title).check()
    assert layout_problems(page) == []
    page.get_by_test_id("bulletin-create").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已编发社情民意专报 {s.year}年第1期，收录2篇。")
    expect(page.get_by_test_id("bulletin-items")).to_contain_text(s.joint.title)
    assert layout_problems(page) == []

    with page.expect_download() as word:
        page.get_by_test_id("bulletin-docx").click()
    assert word.value.suggested_filename == f"社情民意专报{s.year}年第1期.docx"
    with page.expect_download() as pdf:
        page.get_by_test_id("bulletin-pdf").click()
    assert pdf.value.suggested_filename == f"社情民意专报{s.year}年第1期.pdf"
    with open(pdf.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
