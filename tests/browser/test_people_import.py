"""The secretariat imports members in Chromium: the preview marks the row in error in words, dark enough on its red
row to pass axe, and nothing is written before the import is confirmed."""

import pytest
from playwright.sync_api import expect

from tests.builders.people import member_row, xlsx_bytes
from zhengxie.people.models import Member

from .axe import axe_violations


@pytest.fixture(autouse=True)
def _batches_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_the_member_import_preview_marks_the_row_in_error_readably(live_org, page, live_server, sign_in, tmp_path):
    # given a file of a good member and one whose status is not a status
    path = tmp_path / "委员名单.xlsx"
    path.write_bytes(xlsx_bytes([member_row(live_org, 40), member_row(live_org, 41, 状态="退休")]))
    members = Member.objects.count()
    sign_in("demo-staff")
    # when the secretariat uploads it
    assert page.goto(f"{live_server.url}/people/members/import/").status == 200
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="上传并预览").click()
    # then the third line alone is marked, the reason written in it, the page passes axe, and nothing is written
    expect(page.get_by_test_id("import-error-count")).to_have_text("1")
    expect(page.locator("tr.import-error")).to_have_count(1)
    expect(page.locator('tr.import-error[data-line="3"]')).to_contain_text("状态应填写：在任、辞去、撤销。")
    assert axe_violations(page, live_server) == []
    assert Member.objects.count() == members
