"""The follow-up's documents for the leaders: the year's 成果转化情况报告 (.docx) and the list of recommendations under
the overview's filters (.xlsx, every row through ``core.spreadsheets.append``).

Both are built from the overview's read (``leaders.report_data``, ``leaders.export_rows``): what the reader may see,
already restricted; nothing here decides access. Word documents name Chinese fonts as ``core.documents`` sets them.
"""

import copy
import datetime
from decimal import Decimal

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from zhengxie.core import spreadsheets
from zhengxie.core.documents import (
    BODY_FONT,
    HEADING_FONT,
    TITLE_FONT,
    add_heading,
    add_page_numbers,
    add_paragraph,
    add_table,
    chinese_date,
    docx_bytes,
    formal_document,
)

from .choices import RecommendationState, Source
from .leaders import Filters, ReportData, Row, Tally


def percent(value: Decimal | int | None) -> str:
    """41.7% / 60%; a dash when there is nothing to count."""
    if value is None:
        return "—"
    return f"{value}%"


def share(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def filter_words(filters: Filters, unit_names: dict[int, str]) -> list[str]:
    """The filters in words, for the report's subtitle and the workbook's title."""
    words = []
    if filters.source:
        words.append(f"{_('来源')}：{Source(filters.source).label}")
    if filters.unit_id:
        words.append(f"{_('承办单位')}：{unit_names.get(filters.unit_id, '—')}")
    if filters.topic:
        words.append(f"{_('议题')}：{filters.topic}")
    if filters.state:
        words.append(f"{_('状态')}：{RecommendationState(filters.state).label}")
    if filters.stale:
        words.append(_("仅滞后建议"))
    return words


# Word --------------------------------------------------------------------------------------------------------------


class _Paragraphs:
    """Paragraphs of one format written fast: the first is formatted through python-docx, the rest are copies of it
    with their text set (a year's report at province scale holds ten thousand paragraphs)."""

    def __init__(self, doc, *, size: float = 14, bold: bool = False, font: str = BODY_FONT, indent: bool = False):
        self.doc = doc
        self.format = {"size": size, "bold": bold, "font": font, "indent": indent}
        self.prototype = None

    def add(self, text: str) -> None:
        if self.prototype is None:
            paragraph = add_paragraph(self.doc, text, **self.format)
            self.prototype = copy.deepcopy(paragraph._p)
            self.prototype_end = self.doc.element.body.find(qn("w:sectPr"))
            return
        p = copy.deepcopy(self.prototype)
        next(p.iter(qn("w:t"))).text = text
        # The body ends with the section's properties; a paragraph after them would be lost.
        self.prototype_end.addprevious(p)


def _tally_cells(t: Tally) -> list:
    return [t.count, t.answered, t.adopted, t.not_adopted, t.done, t.stale, percent(t.progress)]


TALLY_HEADER = [
    gettext_lazy("建议"),
    gettext_lazy("已答复"),
    gettext_lazy("采纳（含部分）"),
    gettext_lazy("未采纳"),
    gettext_lazy("已落实"),
    gettext_lazy("滞后"),
    gettext_lazy("落实进度"),
]


def report_title(data: ReportData, committee: str) -> str:
    return _("%(c)s%(y)s年度成果转化情况报告") % {"c": committee, "y": data.overview.filters.year}


def overview_paragraphs(data: ReportData) -> list[str]:
    """The report's opening figures in words."""
    o = data.overview
    t = o.total
    units = sum(1 for u in o.by_unit if u.count)
    states = {s.key: s.count for s in o.by_state}
    R = RecommendationState
    out = [
        _(
            "%(y)s年度共形成成果文件%(d)d份（已报送%(s)d份），提出建议%(n)d条，涉及%(u)d个承办单位；"
            "收到领导批示%(i)d件。"
        )
        % {
            "y": o.filters.year,
            "d": len(data.documents),
            "s": data.sent_documents,
            "n": t.count,
            "u": units,
            "i": data.instruction_count,
        },
        _(
            "截至%(d)s，已答复%(a)d条（占%(ap)s），其中采纳或部分采纳%(ad)d条、未采纳%(na)d条；"
            "已落实%(dn)d条，正在落实%(ip)d条；尚未答复%(nn)d条。建议总体落实进度%(p)s。"
        )
        % {
            "d": chinese_date(o.as_of),
            "a": t.answered,
            "ap": share(t.answered, t.count),
            "ad": t.adopted,
            "na": t.not_adopted,
            "dn": t.done,
            "ip": t.adopted - t.done,
            "nn": states.get(R.NOT_ANSWERED, 0),
            "p": percent(t.progress),
        },
        _("超过%(n)d个工作日没有更新的建议%(s)d条，已列为滞后，请相关承办单位抓紧办理。")
        % {"n": o.stale_days, "s": t.stale},
    ]
    return out


def _status_line():
    """The line under each recommendation in the report, its words translated once (thousands of rows)."""
    unit, state, progress, updated, due, stale = (
        _("承办单位"),
        _("状态"),
        _("进度"),
        _("最近更新"),
        _("落实期限"),
        _("（滞后）"),
    )

    def line(r: Row) -> str:
        text = (
            f"{unit}：{r.unit_name}；{state}：{r.state_label}；{progress}：{percent(r.percent)}；"
            f"{updated}：{chinese_date(r.last_update_at)}"
        )
        if r.due_date:
            text += f"；{due}：{chinese_date(r.due_date)}"
        return text + (stale if r.stale else "")

    return line


def report_docx(data: ReportData, *, committee: str) -> bytes:
    o = data.overview
    doc = formal_document()
    title = report_title(data, committee)
    doc.core_properties.title = title
    add_page_numbers(doc)
    add_paragraph(doc, title, font=TITLE_FONT, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    add_paragraph(doc, _("（统计截至%(d)s）") % {"d": chinese_date(o.as_of)}, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    words = filter_words(o.filters, dict(o.units))
    if words:
        add_paragraph(doc, "（" + "；".join(words) + "）", size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, "", space_after=6)

    add_heading(doc, _("一、总体情况"))
    for text in overview_paragraphs(data):
        add_paragraph(doc, text, indent=True)

    add_heading(doc, _("二、分来源落实情况"))
    source_rows = [[t.label, data.documents_by_source.get(t.key, 0), *_tally_cells(t)] for t in o.by_source if t.count]
    source_rows.append([o.total.label, len(data.documents), *_tally_cells(o.total)])
    add_table(doc, [_("来源"), _("成果文件"), *map(str, TALLY_HEADER)], source_rows)

    add_heading(doc, _("三、分承办单位落实情况"))
    unit_rows = [[t.label, *_tally_cells(t)] for t in o.by_unit]
    if unit_rows:
        add_table(doc, [_("承办单位"), *map(str, TALLY_HEADER)], unit_rows)
    else:
        add_paragraph(doc, _("（无）"), size=12)

    add_heading(doc, _("四、成果文件及建议落实情况"))
    if not data.documents:
        add_paragraph(doc, _("（无）"), size=12)
    # One prototype per format, so thousands of paragraphs are copies rather than formatted one by one.
    doc_titles = _Paragraphs(doc, size=14, bold=True, font=HEADING_FONT)
    facts = _Paragraphs(doc, size=12)
    lines = _Paragraphs(doc, size=14, indent=True)
    statuses = _Paragraphs(doc, size=12, indent=True)
    status_line = _status_line()
    for n, d in enumerate(data.documents, start=1):
        doc_titles.add(f"（{n}）《{d.title}》")
        meta = [
            f"{_('类型')}：{d.kind_label}",
            f"{_('来源')}：{d.source_label}·{d.topic}",
            f"{_('报送')}：{chinese_date(d.sent_on) if d.sent_on else _('未报送')}",
            f"{_('落实进度')}：{percent(d.progress)}",
        ]
        facts.add("；".join(meta))
        for i in d.instructions:
            facts.add(
                _("领导批示：%(l)s（%(v)s，%(d)s）：%(t)s")
                % {"l": i["leader"], "v": i["level"], "d": chinese_date(i["date"]), "t": i["text"]}
            )
        for index, r in enumerate(d.recommendations, start=1):
            lines.add(f"{index}. {r.text}")
            statuses.add(status_line(r))
    return docx_bytes(doc)


# Excel -------------------------------------------------------------------------------------------------------------

LIST_COLUMNS = [
    (gettext_lazy("年度"), 8),
    (gettext_lazy("来源"), 12),
    (gettext_lazy("议题"), 30),
    (gettext_lazy("成果文件"), 30),
    (gettext_lazy("文件类型"), 12),
    (gettext_lazy("文件进度"), 10),
    (gettext_lazy("序号"), 6),
    (gettext_lazy("建议内容"), 50),
    (gettext_lazy("承办单位"), 24),
    (gettext_lazy("状态"), 10),
    (gettext_lazy("落实进度（%）"), 12),
    (gettext_lazy("权重"), 6),
    (gettext_lazy("落实期限"), 12),
    (gettext_lazy("最近更新"), 12),
    (gettext_lazy("滞后"), 6),
]


def recommendations_xlsx(rows, *, heading: str) -> bytes:
    """One row per recommendation of ``rows`` (the overview's rows, all pages), under a title line."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("建议落实情况"))
    spreadsheets.set_widths(sheet, [width for _label, width in LIST_COLUMNS])
    spreadsheets.append_title(sheet, heading)
    spreadsheets.append_header(sheet, [str(label) for label, _width in LIST_COLUMNS])
    yes = _("是")
    for r in rows:
        spreadsheets.append(
            sheet,
            [
                r.year,
                r.source_label,
                r.topic,
                r.document_title,
                r.document_kind_label,
                float(r.document_progress) if r.document_progress is not None else None,
                r.position,
                r.text,
                r.unit_name,
                r.state_label,
                r.percent,
                r.weight,
                r.due_date,
                timezone.localtime(r.last_update_at).date(),
                yes if r.stale else "",
            ],
        )
    return spreadsheets.workbook_bytes(book)


def list_heading(filters: Filters, unit_names: dict[int, str], today: datetime.date) -> str:
    words = filter_words(filters, unit_names)
    head = _("%(y)s年度建议落实情况（截至%(d)s）") % {"y": filters.year, "d": chinese_date(today)}
    return head + ("（" + "；".join(words) + "）" if words else "")
