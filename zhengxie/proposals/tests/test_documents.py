"""Documents: a proposal and a reply as .docx and PDF, lists and statistics as .xlsx, the draft annual report as
.docx — read back and checked, and refused (404/403) to those who may not see what they hold."""

import datetime
import io

import docx
import openpyxl
import pytest
from django.urls import reverse
from docx.oxml.ns import qn

from tests.builders.statistics import REPORT_DAY, SH, at, build_scenario
from tests.documents import pdf_font_names, pdf_text
from zhengxie.proposals.models import Reply

pytestmark = pytest.mark.django_db

CJK_FONTS = {"仿宋", "黑体", "宋体"}
ON_REPORT_DAY = datetime.datetime.combine(REPORT_DAY, datetime.time(9), tzinfo=SH)


@pytest.fixture
def scenario(org, category):
    return build_scenario(org, category)


def _reply_of(proposal, unit) -> Reply:
    return Reply.objects.filter(assignment__proposal=proposal, assignment__unit=unit).order_by("-id").first()


def _get(client_for, user, name, **kwargs):
    query = kwargs.pop("query", None)
    return client_for(user).get(reverse(f"proposals:{name}", kwargs=kwargs), query)


# Reading documents back ----------------------------------------------------------------------------------------


def _docx(response) -> docx.document.Document:
    return docx.Document(io.BytesIO(response.content))


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _east_asian_fonts(document) -> set[str]:
    """The w:eastAsia fonts named by the document's defaults, styles and runs."""
    fonts = set()
    for root in (document.element, document.styles.element, document.sections[0].header.part.element):
        for element in root.iter(qn("w:rFonts")):
            if element.get(qn("w:eastAsia")):
                fonts.add(element.get(qn("w:eastAsia")))
    return fonts


def _xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


# The proposal ----------------------------------------------------------------------------------------------------


def test_proposal_pdf_renders_chinese_with_an_embedded_cjk_font(scenario, client_for):
    p1 = scenario.p["P1"]
    response = _get(client_for, scenario.org.users["office"], "proposal_pdf", pk=p1.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    fonts = pdf_font_names(response.content)
    assert any("CJK" in f for f in fonts), fonts
    text = pdf_text(response.content)
    assert "\ufffd" not in text
    for expected in [
        "政协南昌市新建区委员会",
        "关于加快新能源汽车充电桩建设的建议",
        f"案号：{p1.number}",
        "2026年2月10日",
        "李委员、王委员",
        "经济建设",
        "大会提案",
        "新建区住房和城乡建设局（主办",
        "新建区教育体育局（会办",
        "情况分析",
        "的现状与问题。",
        "具体建议",
        "一、关于加快新能源汽车充电桩建设的建议的具体措施。",
    ]:
        assert expected in text, expected


def test_proposal_docx_is_the_formal_form(scenario, client_for):
    p1 = scenario.p["P1"]
    response = _get(client_for, scenario.org.users["member2"], "proposal_docx", pk=p1.pk)  # a co-signer
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = _docx(response)
    assert [p.text for p in document.paragraphs] == [
        "政协南昌市新建区委员会",
        "提\u3000案",
        "情况分析",
        "关于加快新能源汽车充电桩建设的建议的现状与问题。",
        "具体建议",
        "一、关于加快新能源汽车充电桩建设的建议的具体措施。",
    ]
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in document.tables[0].rows}
    assert rows["案号"] == ["案号", p1.number, "类别", "经济建设"]
    assert rows["提案形式"] == ["提案形式", "大会提案", "日期", "2026年2月10日"]
    assert rows["第一提案人"][1].startswith("张委员\n界别：经济\u3000党派：中国国民党革命委员会")
    assert rows["联名提案人"][1] == "李委员、王委员"
    assert rows["案由"][1] == "关于加快新能源汽车充电桩建设的建议"
    assert rows["建议承办单位"][1] == "新建区住房和城乡建设局"
    assert rows["承办单位"][1] == (
        "新建区住房和城乡建设局（主办，办理期限 2026年5月10日）\n新建区教育体育局（会办，办理期限 2026年5月10日）"
    )
    assert [p.text for p in document.sections[0].header.paragraphs] == [f"案号：{p1.number}\t2026年2月10日"]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # Chinese text is set in Chinese faces: defaults, styles and every run name one in w:eastAsia
    assert _east_asian_fonts(document) <= CJK_FONTS and "仿宋" in _east_asian_fonts(document)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None
    runs = [r for p in document.paragraphs for r in p.runs if r.text]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) in CJK_FONTS for r in runs)


def test_collective_proposal_names_the_collective(scenario, client_for):
    p4 = scenario.p["P4"]
    document = _docx(_get(client_for, scenario.org.users["office"], "proposal_docx", pk=p4.pk))
    rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert rows["提案者"] == "民革新建区基层委员会（集体提案）"
    assert "联名提案人" not in rows and "承办单位" not in rows


def test_a_draft_is_printed_for_its_author_only(scenario, client_for):
    p12, users = scenario.p["P12"], scenario.org.users  # returned for revision: a draft again
    response = _get(client_for, users["member"], "proposal_docx", pk=p12.pk)
    assert response.status_code == 200
    assert dict((r.cells[0].text, r.cells[1].text) for r in _docx(response).tables[0].rows)["案号"] == "（未立案）"
    assert _get(client_for, users["office"], "proposal_docx", pk=p12.pk).status_code == 404
    assert _get(client_for, users["office"], "proposal_pdf", pk=p12.pk).status_code == 404


def test_a_unit_cannot_download_another_units_proposal(scenario, client_for):
    users, p = scenario.org.users, scenario.p
    # P2 is assigned to the housing bureau only; P13's dispute moved it from there to the education bureau
    for name in ("proposal_docx", "proposal_pdf"):
        assert _get(client_for, users["unit2"], name, pk=p["P2"].pk).status_code == 404
        assert _get(client_for, users["unit"], name, pk=p["P13"].pk).status_code == 404
        assert _get(client_for, users["unit"], name, pk=p["P2"].pk).status_code == 200
        assert _get(client_for, users["unit2"], name, pk=p["P13"].pk).status_code == 200
        assert _get(client_for, users["unit"], name, pk=999999).status_code == 404
        assert _get(client_for, users["admin"], name, pk=p["P2"].pk).status_code == 403
        response = _get(client_for, None, name, pk=p["P2"].pk)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# The reply -------------------------------------------------------------------------------------------------------


def test_reply_docx_and_pdf(scenario, client_for):
    p2, org = scenario.p["P2"], scenario.org
    reply = _reply_of(p2, org.unit)
    response = _get(client_for, org.users["member"], "reply_docx", pk=reply.pk)  # P2's proposer
    assert response.status_code == 200
    document = _docx(response)
    texts = [p.text for p in document.paragraphs]
    assert texts[:4] == [
        "A类",
        "新建区住房和城乡建设局",
        f"关于政协南昌市新建区委员会第{p2.number}号提案的答复",
        "张委员：",
    ]
    assert f"您提出的《关于完善社区养老服务的建议》（第{p2.number}号）收悉。现答复如下：" in texts
    assert "区住建局答复：已研究办理。" in texts and "第二段。" in texts
    assert "答复类别：A类：所提问题已经解决或采纳" in texts
    assert texts[-5:] == [
        "新建区住房和城乡建设局",
        "2026年3月16日",
        f"联系人：{org.users['unit']}",  # the drafter, as no one else was named
        f"签发人：{org.users['unit-leader']}",
        "承办方式：单办",
    ]
    assert [p.text for p in document.sections[0].header.paragraphs] == [f"案号：{p2.number}\t2026年3月16日"]
    assert _east_asian_fonts(document) <= CJK_FONTS
    pdf = _get(client_for, org.users["member"], "reply_pdf", pk=reply.pk)
    assert pdf.status_code == 200 and any("CJK" in f for f in pdf_font_names(pdf.content))
    text = pdf_text(pdf.content)
    for expected in [
        "A类",
        "新建区住房和城乡建设局",
        "区住建局答复：已研究办理。",
        "2026年3月16日",
        str(org.users["unit-leader"]),
    ]:
        assert expected in text, expected


def test_reply_shows_the_office_corrected_grade(scenario, client_for):
    reply = _reply_of(scenario.p["P3"], scenario.org.unit)  # drafted A, corrected to C by the office
    document = _docx(_get(client_for, scenario.org.users["office"], "reply_docx", pk=reply.pk))
    assert document.paragraphs[0].text == "C类"
    assert "答复类别：C类：因条件限制暂不能解决，留作参考" in _docx_text(document)


def test_replies_only_for_those_who_may_read_them(scenario, client_for):
    users, org, p = scenario.org.users, scenario.org, scenario.p
    p1_reply = _reply_of(p["P1"], org.unit)
    p2_reply = _reply_of(p["P2"], org.unit)
    p13_reply = _reply_of(p["P13"], org.other_unit)
    for name in ("reply_docx", "reply_pdf"):
        # another unit's reply: 404
        assert _get(client_for, users["unit2"], name, pk=p2_reply.pk).status_code == 404
        assert _get(client_for, users["unit"], name, pk=p13_reply.pk).status_code == 404
        # a member who did not propose it sees the registered proposal, not its reply
        assert _get(client_for, users["member"], name, pk=p13_reply.pk).status_code == 404
        # the co-handler sees the lead unit's signed reply; the merged proposal's proposer sees it too
        assert _get(client_for, users["unit2"], name, pk=p1_reply.pk).status_code == 200
        assert _get(client_for, users["member2"], name, pk=p1_reply.pk).status_code == 200
        assert _get(client_for, users["leader"], name, pk=p13_reply.pk).status_code == 200
        assert _get(client_for, users["office"], name, pk=999999).status_code == 404
        assert _get(client_for, users["staff"], name, pk=p2_reply.pk).status_code == 403


def test_a_units_draft_reply_is_marked_and_kept_within_the_unit(scenario, client_for):
    from zhengxie.proposals.actions import assignment_act
    from zhengxie.proposals.models import Assignment

    users, org, p = scenario.org.users, scenario.org, scenario.p
    assignment = Assignment.objects.get(proposal=p["P3"], unit=org.other_unit)
    with at(ON_REPORT_DAY):
        assignment_act(
            assignment_id=assignment.pk,
            action="draft_reply",
            actor=users["unit2"],
            payload={"text": "正在研究。", "grade": "B"},
        )
    draft = _reply_of(p["P3"], org.other_unit)
    document = _docx(_get(client_for, users["unit2"], "reply_docx", pk=draft.pk))
    assert [x.text for x in document.paragraphs[:2]] == ["B类", "（草稿，未经提案委审核）"]
    assert _get(client_for, users["member2"], "reply_docx", pk=draft.pk).status_code == 404  # P3's proposer
    assert _get(client_for, users["unit"], "reply_docx", pk=draft.pk).status_code == 404  # the other separate unit


# Lists -----------------------------------------------------------------------------------------------------------


def _rows(workbook) -> list[dict]:
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_list_xlsx_has_the_lists_rows_and_filters(scenario, client_for):
    users, p = scenario.org.users, scenario.p
    response = _get(client_for, users["office"], "list_xlsx", query={"year": "2026", "received": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = _rows(_xlsx(response))
    assert len(rows) == 10
    assert list(rows[0]) == [
        "案号",
        "年度",
        "案由",
        "类别",
        "提案人",
        "提案者类别",
        "联名人",
        "界别",
        "党派",
        "提案形式",
        "状态",
        "提交日期",
        "立案日期",
        "承办单位",
        "重点提案",
        "优秀提案",
    ]
    by_title = {r["案由"]: r for r in rows}
    first = by_title["关于加快新能源汽车充电桩建设的建议"]
    assert {
        k: first[k]
        for k in (
            "案号",
            "年度",
            "类别",
            "提案人",
            "提案者类别",
            "联名人",
            "界别",
            "党派",
            "提案形式",
            "状态",
            "承办单位",
            "重点提案",
            "优秀提案",
        )
    } == {
        "案号": p["P1"].number,
        "年度": 2026,
        "类别": "经济建设",
        "提案人": "张委员",
        "提案者类别": "联名",
        "联名人": "李委员、王委员",
        "界别": "经济",
        "党派": "中国国民党革命委员会",
        "提案形式": "大会提案",
        "状态": "已办结",
        "承办单位": "新建区住房和城乡建设局（主办）、新建区教育体育局（会办）",
        "重点提案": "是",
        "优秀提案": None,
    }
    assert first["提交日期"].date() == datetime.date(2026, 1, 7)
    assert first["立案日期"].date() == datetime.date(2026, 2, 10)
    assert by_title["关于发展总部经济的建议"]["提案人"] == "民革新建区基层委员会"
    assert by_title["关于发展总部经济的建议"]["提案者类别"] == "集体"
    # the same filters as the page: one unit's overdue work
    with at(ON_REPORT_DAY):
        overdue = _get(
            client_for,
            users["office"],
            "list_xlsx",
            query={"unit": str(scenario.org.other_unit.pk), "handling": "overdue"},
        )
    assert sorted(r["案由"] for r in _rows(_xlsx(overdue))) == ["关于优化营商环境的建议", "关于学校午餐供应的建议"]


def test_list_xlsx_holds_only_what_the_user_may_see(scenario, client_for):
    users = scenario.org.users
    rows = _rows(_xlsx(_get(client_for, users["unit2"], "list_xlsx")))
    assert sorted(r["案由"] for r in rows) == [
        "关于优化营商环境的建议",
        "关于加快新能源汽车充电桩建设的建议",
        "关于学校午餐供应的建议",
    ]
    member_rows = _rows(_xlsx(_get(client_for, scenario.member4.user, "list_xlsx")))
    # a member sees registered proposals and their own (P9, withdrawn as a draft, is member4's)
    assert sorted(r["案号"] or r["案由"] for r in member_rows) == sorted(
        [scenario.p[k].number for k in ("P1", "P2", "P3", "P4", "P13")] + ["关于公园管理的建议"]
    )
    assert _get(client_for, users["office"], "list_xlsx", query={"year": "abc"}).status_code == 400
    assert _get(client_for, users["admin"], "list_xlsx").status_code == 403


# Statistics workbook and annual report --------------------------------------------------------------------------


def test_statistics_xlsx_one_sheet_per_breakdown(scenario, client_for):
    with at(ON_REPORT_DAY):
        response = _get(client_for, scenario.org.users["leader"], "statistics_xlsx", query={"year": "2026"})
    assert response.status_code == 200
    book = _xlsx(response)
    assert book.sheetnames == [
        "总体情况",
        "办理进度",
        "提案者类别",
        "集体提案者",
        "提案类别",
        "界别",
        "党派",
        "承办单位",
        "答复类别",
        "满意度测评",
        "重点提案",
        "优秀提案",
    ]

    def table(name):
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0][0] == "2026年度提案工作统计（截至2026年6月1日）"
        return rows[1:]

    assert table("总体情况") == [
        ("项目", "数量"),
        ("收到提案", 10),
        ("\u3000其中：大会提案", 4),
        ("\u3000\u3000\u3000\u3000平时提案", 6),
        ("待审查", 1),
        ("立案", 5),
        ("并案", 1),
        ("转为意见建议", 1),
        ("不予立案", 1),
        ("撤回", 1),
        ("提出提案的委员（含联名）", 3),
        ("重点提案", 1),
        ("优秀提案", 1),
    ]
    assert table("提案者类别")[1:] == [
        ("委员个人提案", 8, 3, "60.0%"),
        ("委员联名提案", 1, 1, "20.0%"),
        ("集体提案", 1, 1, "20.0%"),
    ]
    assert table("提案类别")[1:] == [
        ("经济建设", 5, 3, "60.0%"),
        ("社会建设", 5, 2, "40.0%"),
        ("文化建设", 0, 0, "0.0%"),
    ]
    assert table("界别")[1:] == [("经济", 5, 2, "40.0%"), ("教育", 4, 2, "40.0%"), ("集体提案", 1, 1, "20.0%")]
    assert table("承办单位") == [
        ("承办单位", "交办件数", "应答复", "已答复", "按期答复", "按期答复率", "当前逾期"),
        ("新建区住房和城乡建设局", 3, 3, 3, 2, "66.7%", 0),
        ("新建区教育体育局", 3, 2, 0, 0, "—", 2),
    ]
    assert [r[:2] for r in table("答复类别")[1:]] == [
        ("A类：所提问题已经解决或采纳", 1),
        ("B类：所提问题正在解决或列入计划解决", 2),
        ("C类：因条件限制暂不能解决，留作参考", 1),
    ]
    assert table("满意度测评")[1:] == [
        ("满意", 1, "25.0%"),
        ("基本满意", 1, "25.0%"),
        ("不满意", 1, "25.0%"),
        ("未测评", 1, "25.0%"),
    ]
    assert [r[:3] for r in table("重点提案")[1:]] == [
        (scenario.p["P1"].number, "关于加快新能源汽车充电桩建设的建议", "张委员")
    ]
    assert [r[:3] for r in table("优秀提案")[1:]] == [(scenario.p["P2"].number, "关于完善社区养老服务的建议", "张委员")]


def test_annual_report_draft(scenario, client_for):
    with at(ON_REPORT_DAY):
        response = _get(client_for, scenario.org.users["office"], "annual_report_docx", query={"year": "2026"})
    assert response.status_code == 200
    document = _docx(response)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "政协南昌市新建区委员会关于2026年度提案工作情况的报告（草稿）"
    assert texts[1] == "（统计截至2026年6月1日）"
    assert (
        "2026年度，共收到提案10件，其中委员个人提案8件、委员联名提案1件、集体提案1件；大会提案4件、平时提案6件。"
        "共有3名委员提出或联名提出提案。"
    ) in texts
    assert (
        "经审查，立案5件（占收到提案的50.0%），并案处理1件，转为意见建议1件，不予立案1件，提案人撤回1件，尚在审查中1件。"
        in texts
    )
    assert "从提案内容看：经济建设5件（50.0%），社会建设5件（50.0%）。" in texts
    assert (
        "立案提案交由2个承办单位办理，共6件次，其中主办、单办、分办5件次。截至2026年6月1日，已答复3件次（占应答复的60.0%），"
        "其中按期答复2件次（按期答复率66.7%）；目前超过办理期限尚未答复的2件次。"
    ) in texts
    assert (
        "提案人对答复的满意度测评：满意1件次（25.0%），基本满意1件次（25.0%），不满意1件次（25.0%），未测评1件次（25.0%）。"
        in texts
    )
    assert f"重点提案：{scenario.p['P1'].number}《关于加快新能源汽车充电桩建设的建议》（张委员）。" in texts
    # the tables are filled in: the summary, then one per breakdown
    assert len(document.tables) == 12
    assert [c.text for c in document.tables[0].rows[1].cells] == ["收到提案", "10"]
    units = next(t for t in document.tables if t.rows[0].cells[0].text == "承办单位")
    assert [[c.text for c in row.cells] for row in units.rows[1:]] == [
        ["新建区住房和城乡建设局", "3", "3", "3", "2", "66.7%", "0"],
        ["新建区教育体育局", "3", "2", "0", "0", "—", "2"],
    ]
    assert _east_asian_fonts(document) <= CJK_FONTS


def test_session_report_is_titled_by_the_session(scenario, client_for):
    from zhengxie.people.models import Session

    session = Session.objects.get(term=scenario.org.term, number=5)
    response = _get(client_for, scenario.org.users["office"], "annual_report_docx", query={"session": session.pk})
    assert (
        _docx(response).paragraphs[0].text == "政协南昌市新建区委员会关于第十七届第五次会议提案工作情况的报告（草稿）"
    )
    assert (
        _get(client_for, scenario.org.users["office"], "annual_report_docx", query={"session": "999999"}).status_code
        == 404
    )
    assert (
        _get(
            client_for,
            scenario.org.users["office"],
            "statistics_xlsx",
            query={"year": "2026", "term": str(scenario.org.term.pk)},
        ).status_code
        == 400
    )


def test_members_and_units_cannot_download_statistics(scenario, client_for):
    users = scenario.org.users
    for name in ("statistics", "statistics_xlsx", "annual_report_docx"):
        for key in ("member", "member2", "unit", "unit-leader", "staff", "admin"):
            assert _get(client_for, users[key], name).status_code == 403, (name, key)
        assert _get(client_for, users["overseer"], name).status_code == 200, name
