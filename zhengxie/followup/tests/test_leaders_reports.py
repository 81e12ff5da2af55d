"""The leaders' downloads: the year's 成果转化情况报告 (.docx) and the list of recommendations under the page's filters
(.xlsx), opened and read back."""

import io
from urllib.parse import quote

import openpyxl
from django.utils import timezone
from docx import Document

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.followup import services
from zhengxie.followup.choices import Source

YEAR = timezone.localdate().year


def _act(org, rec_id, action, payload, who="unit"):
    return services.recommendation_act(recommendation_id=rec_id, action=action, actor=org.users[who], payload=payload)


def _year_of_work(org):
    """A consultation's recommendation proposal (sent, with an instruction; one recommendation adopted at 60 %, one
    not adopted) and a supervision's findings (one recommendation, a text that looks like a formula)."""
    consultation = make_document(org)
    services.document_act(
        document_id=consultation,
        action="send",
        actor=org.users["staff"],
        payload={"sent_to": "区委、区政府", "date": timezone.localdate().isoformat()},
    )
    services.document_act(
        document_id=consultation,
        action="record_instruction",
        actor=org.users["staff"],
        payload={
            "leader": "区委书记 王某",
            "level": "main",
            "date": timezone.localdate().isoformat(),
            "text": "请有关部门认真研究落实。",
        },
    )
    a, b = recommendation_ids(consultation)
    _act(org, a, "answer", {"status": "adopted", "note": "采纳"})
    _act(org, a, "update_progress", {"percent": 60, "note": "步道已开工"})
    _act(org, b, "answer", {"status": "not_adopted", "note": "不具备条件"}, who="unit2")
    supervision = make_document(
        org,
        source=Source.SUPERVISION,
        source_id=7,
        title="关于西部物流园区建设的监督意见",
        recommendations=[{"text": '=HYPERLINK("http://x")完善园区道路', "unit_id": org.unit.pk}],
    )
    return consultation, supervision


def _docx(response) -> Document:
    return Document(io.BytesIO(response.content))


def test_the_report_holds_the_figures_the_tables_and_every_document(org, client_for):
    _year_of_work(org)

    response = client_for(org.users["leader"]).get("/followup/overview/report.docx", {"year": YEAR})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(f'成果转化情况报告-{YEAR}.docx')}"
    doc = _docx(response)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"政协南昌市新建区委员会{YEAR}年度成果转化情况报告"
    assert f"{YEAR}年度共形成成果文件2份（已报送1份），提出建议3条，涉及2个承办单位；收到领导批示1件。" in texts
    overall = next(t for t in texts if t.startswith("截至"))
    assert "已答复2条（占66.7%），其中采纳或部分采纳1条、未采纳1条；已落实0条，正在落实1条；尚未答复1条" in overall
    assert overall.endswith("建议总体落实进度40.0%。")
    sources, units = doc.tables
    assert [[c.text for c in row.cells] for row in sources.rows] == [
        ["来源", "成果文件", "建议", "已答复", "采纳（含部分）", "未采纳", "已落实", "滞后", "落实进度"],
        ["协商", "1", "2", "2", "1", "1", "0", "0", "60.0%"],
        ["民主监督", "1", "1", "0", "0", "0", "0", "0", "0.0%"],
        ["合计", "2", "3", "2", "1", "1", "0", "0", "40.0%"],
    ]
    assert [[c.text for c in row.cells][:2] + [row.cells[-1].text] for row in units.rows] == [
        ["承办单位", "建议", "落实进度"],
        ["区住建局", "2", "40.0%"],
        ["区教体局", "1", "—"],
    ]
    assert "（2）《关于西部物流园区建设的监督意见》" in texts
    at = texts.index("（1）《关于发展南矶湿地观鸟经济的建议案》")
    assert texts[at + 1].startswith("类型：建议案；来源：协商·南矶湿地观鸟经济专题协商；报送：")
    assert texts[at + 1].endswith("；落实进度：60.0%")
    assert texts[at + 2].startswith("领导批示：区委书记 王某（主要领导，") and texts[at + 2].endswith(
        "：请有关部门认真研究落实。"
    )
    assert texts[at + 3] == "1. 建设观鸟步道和观测点"
    assert texts[at + 4].startswith("承办单位：区住建局；状态：落实中；进度：60%；最近更新：")
    assert texts[at + 5] == "2. 开展观鸟研学活动"
    assert texts[at + 6].startswith("承办单位：区教体局；状态：未采纳；进度：0%")
    # every paragraph lies before the section's properties, so Word shows all of them
    assert doc.element.body[-1].tag.endswith("sectPr")


def test_a_filtered_report_says_so_and_holds_only_what_the_filter_selects(org, client_for):
    _year_of_work(org)

    response = client_for(org.users["staff"]).get(
        "/followup/overview/report.docx", {"year": YEAR, "source": "supervision"}
    )

    texts = [p.text for p in _docx(response).paragraphs]
    assert "（来源：民主监督）" in texts
    assert "（1）《关于西部物流园区建设的监督意见》" in texts
    assert [t for t in texts if "步道" in t or "研学" in t or "建议案》" in t] == []


def test_the_list_holds_every_recommendation_under_the_filters_as_text(org, client_for):
    _year_of_work(org)
    c = client_for(org.users["leader"])

    everything = c.get("/followup/overview/recommendations.xlsx", {"year": YEAR})
    one_unit = c.get("/followup/overview/recommendations.xlsx", {"year": YEAR, "unit": org.other_unit.pk})

    assert everything.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(everything.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith(f"{YEAR}年度建议落实情况（截至")
    assert rows[1] == [
        "年度",
        "来源",
        "议题",
        "成果文件",
        "文件类型",
        "文件进度",
        "序号",
        "建议内容",
        "承办单位",
        "状态",
        "落实进度（%）",
        "权重",
        "落实期限",
        "最近更新",
        "滞后",
    ]
    assert [(r[1], r[7], r[8], r[9], r[10], r[5]) for r in rows[2:]] == [
        ("民主监督", '=HYPERLINK("http://x")完善园区道路', "区住建局", "未答复", 0, 0),
        ("协商", "建设观鸟步道和观测点", "区住建局", "落实中", 60, 60),
        ("协商", "开展观鸟研学活动", "区教体局", "未采纳", 0, 60),
    ]
    # the formula-like text stays text
    formula_like = sheet.cell(row=3, column=8)
    assert formula_like.data_type == "s"
    narrowed = openpyxl.load_workbook(io.BytesIO(one_unit.content)).active
    values = [[c.value for c in row] for row in narrowed.iter_rows()]
    assert values[0][0].endswith("（承办单位：区教体局）")
    assert [r[7] for r in values[2:]] == ["开展观鸟研学活动"]


def test_the_page_links_its_filters_to_both_downloads(org, client_for):
    _year_of_work(org)

    html = client_for(org.users["leader"]).get("/followup/", {"year": YEAR, "state": "in_progress"}).content.decode()

    assert f'href="/followup/overview/recommendations.xlsx?year={YEAR}&amp;state=in_progress"' in html
    assert f'href="/followup/overview/report.docx?year={YEAR}&amp;state=in_progress"' in html
