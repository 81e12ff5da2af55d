"""The proposal office imports past proposals in Chromium: upload, the preview marking the row in error in words,
skipping it, confirming; the imported proposal is on the list marked 历史导入. The upload and preview pass axe."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from zhengxie.proposals.history_import import COLUMNS
from zhengxie.proposals.models import Proposal

from .axe import axe_violations


@pytest.fixture(autouse=True)
def _batches_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _file(tmp_path, rows: list[dict]) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append([row.get(c.header) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "历年提案.xlsx"
    path.write_bytes(out.getvalue())
    return str(path)


def test_office_imports_past_proposals_skipping_a_row_in_error(live_org, page, live_server, sign_in, tmp_path):
    # given a file of two past proposals, one naming a unit that does not exist
    path = _file(
        tmp_path,
        [
            {
                "年度": 2023,
                "案号": "20230012",
                "案由": "关于老旧小区加装电梯的建议",
                "提案人": "张委员",
                "主办单位": "区住建局",
                "答复类别": "A",
            },
            {"年度": 2023, "案由": "关于增设公交线路的建议", "主办单位": "区交通局"},
        ],
    )
    sign_in("demo-office")
    # when the office uploads it
    assert page.goto(f"{live_server.url}/proposals/history/import/").status == 200
    assert axe_violations(page, live_server) == []
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(path)
    with page.expect_navigation():
        page.get_by_role("button", name="上传并预览").click()
    # then the preview marks the row in error in words, and nothing is written yet
    expect(page.get_by_test_id("import-error-count")).to_have_text("1")
    expect(page.locator("tr.import-error")).to_contain_text("未知的承办单位：区交通局。")
    expect(page.get_by_test_id("proposers-matched")).to_have_text("提案人匹配 1/1")
    assert axe_violations(page, live_server) == []
    assert Proposal.objects.count() == 0
    # when it confirms without skipping, it is told nothing was imported
    with page.expect_navigation():
        page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-refused")).to_contain_text("有 1 行存在错误，未导入任何数据。")
    assert axe_violations(page, live_server) == []
    assert Proposal.objects.count() == 0
    # when it goes back to the preview, skips the row in error and confirms, the job imports the good row
    with page.expect_navigation():
        page.get_by_role("link", name="返回预览").click()
    page.get_by_label("跳过有错误的行，只导入正确的行").check()
    with page.expect_navigation():
        page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-done")).to_contain_text(
        "历史提案导入完成：新增 1 件，更新 0 件，无变化 0 件，跳过 1 行。"
    )
    # and the proposal is shown marked on the list
    with page.expect_navigation():
        page.get_by_role("link", name="查看提案列表").click()
    row = page.get_by_test_id("proposal-table").locator("tr", has_text="关于老旧小区加装电梯的建议")
    expect(row.get_by_test_id("imported")).to_have_text("历史导入")
    expect(row).to_contain_text("20230012")
    assert Proposal.objects.get().state == "closed"
