"""What every app's documents share: their content types, Word documents whose Chinese text shows in the faces of
official documents on any machine, and PDFs that load nothing from outside.

Word documents name a Chinese font in ``w:eastAsia`` on every run and style, and drop the theme fonts Word would
otherwise prefer; Latin text is in Times. PDFs are WeasyPrint renderings of an app's templates with the Noto CJK fonts
Debian installs, named by the app's print stylesheet.
"""

import copy
import datetime
import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"

# Word: the faces of Chinese official documents (Windows ships them as 仿宋 / 黑体 / 宋体); Latin text in Times.
BODY_FONT, HEADING_FONT, TITLE_FONT, LATIN_FONT = "仿宋", "黑体", "宋体", "Times New Roman"


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A document as a download, kept by no cache: it holds what only its reader may see."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def chinese_date(value: datetime.date | datetime.datetime | None) -> str:
    """2026年3月2日; a time is read on the local (Asia/Shanghai) calendar; nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def paragraphs(text: str) -> list[str]:
    """The non-blank lines of a typed text, stripped: its paragraphs."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# Word ------------------------------------------------------------------------------------------------------------


def set_fonts(rpr, east_asian: str) -> None:
    """Explicit fonts on a run or style (theme fonts removed, or Word would prefer them)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def new_document(
    *,
    font_size: float,
    margins: tuple[float, float, float, float],
    line_spacing: float | None = None,
    header_distance: float | None = None,
) -> Document:
    """An A4 portrait document in the body font, Chinese by language, with no space after paragraphs.

    ``margins``: top, bottom, left, right in mm; ``line_spacing`` in points (exact), ``header_distance`` in mm (the
    header's and the footer's distance from the page's edge)."""
    doc = Document()
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(defaults, BODY_FONT)
    lang = defaults.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    for style in doc.styles:
        element = getattr(style, "element", None)
        if element is not None and element.find(qn("w:rPr")) is not None:
            set_fonts(element.find(qn("w:rPr")), BODY_FONT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(font_size)
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    if line_spacing is not None:
        normal.paragraph_format.line_spacing = Pt(line_spacing)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = margins
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    if header_distance is not None:
        section.header_distance = section.footer_distance = Mm(header_distance)
    return doc


def formal_document() -> Document:
    """The formal layout of the committee's documents and reports: 14 pt body on exact 28 pt lines, wide margins."""
    return new_document(font_size=14, line_spacing=28, margins=(30, 28, 28, 26), header_distance=15)


def add_run(paragraph, text: str, *, font: str = BODY_FONT, size: float | None = None, bold: bool = False):
    run = paragraph.add_run(text)
    set_fonts(run._element.get_or_add_rPr(), font)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    return run


def add_paragraph(
    container,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: float | None = None,
    bold: bool = False,
    align=None,
    indent: bool = False,
    space_before: float = 0,
    space_after: float = 0,
):
    """A paragraph of one run; ``indent``: the first line by two characters, as Chinese prose is set."""
    paragraph = container.add_paragraph()
    if text:
        add_run(paragraph, text, font=font, size=size, bold=bold)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * (size or 14))
    paragraph.paragraph_format.space_before = Pt(space_before)
    paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def add_heading(doc, text: str, *, size: float = 16):
    return add_paragraph(doc, text, font=HEADING_FONT, size=size, space_before=12, space_after=6)


def add_left_right(paragraph, section, left: str, right: str, *, size: float) -> None:
    """``left`` at the start of the line and ``right`` against the right margin (a right tab stop at the text's
    width), as a page header or a masthead's issue line sets them."""
    width = section.page_width - section.left_margin - section.right_margin
    paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    add_run(paragraph, left, size=size)
    add_run(paragraph, "\t" + right, size=size)


def add_page_numbers(doc) -> None:
    """Page numbers centred in the footer, as "— 3 —": Word's PAGE field between dashes."""
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(footer, "— ", size=10.5)
    run = add_run(footer, "", size=10.5)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
    add_run(footer, " —", size=10.5)


def add_rules(paragraph, sides: tuple[str, ...], *, size: int, color: str) -> None:
    """Single rules on the paragraph's ``sides`` ("top", "bottom"); ``size`` in eighths of a point, ``color`` hex."""
    borders = OxmlElement("w:pBdr")
    for side in sides:
        rule = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
            rule.set(qn(key), value)
        borders.append(rule)
    paragraph._p.get_or_add_pPr().append(borders)


def set_cell(cell, text: str, *, bold: bool = False, size: float = 12, align=None) -> None:
    """A table cell's text, one paragraph a line; bold text is set in the heading face."""
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing = 1.2
    if align is not None:
        paragraph.alignment = align
    lines = str(text).split("\n") if text not in (None, "") else [""]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
            paragraph.paragraph_format.line_spacing = 1.2
        add_run(paragraph, line, size=size, bold=bold, font=HEADING_FONT if bold else BODY_FONT)


def add_table(doc, header: list[str], rows: list[list]):
    """A bordered table under a bold centred header; the first column left, the others centred. Data rows are
    copies of one formatted prototype row with their texts set: a province's unit table has thousands of rows, and
    formatting each cell through python-docx takes seconds."""
    table = doc.add_table(rows=2, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        set_cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    prototype = table.rows[1]
    for i, cell in enumerate(prototype.cells):
        set_cell(cell, "-", align=None if i == 0 else WD_ALIGN_PARAGRAPH.CENTER)
    prototype = prototype._tr
    for row in rows:
        tr = copy.deepcopy(prototype)
        for text_element, value in zip(tr.iter(qn("w:t")), row, strict=True):
            text_element.text = "" if value is None else str(value)
        prototype.addprevious(tr)
    prototype.getparent().remove(prototype)
    return table


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# PDF -------------------------------------------------------------------------------------------------------------


def _refuse_fetch(url, *args, **kwargs):
    # Documents are self-contained: WeasyPrint must never load anything named in the (user-written) content.
    raise ValueError(f"documents load nothing: {url}")


def render_pdf(template: str, context: dict, *, stylesheet: str) -> bytes:
    """``template`` rendered with ``context`` and printed with the ``stylesheet`` template."""
    # Imported when a PDF is made: WeasyPrint loads pango, harfbuzz and fontconfig, which most processes never need.
    from weasyprint import CSS, HTML

    html = render_to_string(template, context)
    css = CSS(string=render_to_string(stylesheet), url_fetcher=_refuse_fetch)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[css])
