"""Documents of the opinion reports: the formal 报送 document of one report to one level (.docx), and the printed
bulletin (社情民意专报 / 社情民意信息, one numbered issue of signed-off reports) as .docx and PDF.

The builders take sheets (plain data gathered once from objects the caller obtained through the selectors) and
return bytes; they decide nothing about access. The layout follows the committee's documents (``core.documents``):
Word names Chinese faces in ``w:eastAsia``; PDFs are WeasyPrint renderings of ``opinions/bulletin_print.html`` with
Debian's Noto CJK fonts, loading nothing from outside.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt, RGBColor

from zhengxie.core.documents import (
    HEADING_FONT,
    TITLE_FONT,
    add_left_right,
    add_paragraph,
    add_rules,
    add_run,
    chinese_date,
    docx_bytes,
    new_document,
    paragraphs,
    render_pdf,
)

from .choices import CoAuthorState, ProposerKind
from .models import CoAuthor, OpinionReport, ReportLevel

PRINT_STYLESHEET = "opinions/bulletin_print.css"
RED = RGBColor(0xC0, 0x00, 0x00)


@dataclass
class ReportText:
    """One report as it is printed: in a 报送 document and as an article of a bulletin."""

    id: int
    number: str
    title: str
    category: str
    content: list[str]
    suggestions: list[str]
    authors: str  # 反映人: names with their work units, or the collective / the secretariat
    date: str


@dataclass
class SubmissionSheet:
    """The 报送 document of one report to one level."""

    committee: str
    level: str  # 市政协 …
    report: ReportText
    date: str


@dataclass
class BulletinSheet:
    """One issue of the bulletin (社情民意专报 / 信息)."""

    committee: str
    kind: str  # 社情民意专报
    year: int
    number: int
    title: str
    date: str
    reports: list[ReportText] = field(default_factory=list)

    @property
    def issue(self) -> str:
        return _("%(year)s年第%(number)s期") % {"year": self.year, "number": self.number}

    @property
    def editor(self) -> str:
        return _("%(committee)s办公室编") % {"committee": self.committee}


def authors_text(report: OpinionReport, coauthors: list) -> str:
    """反映人: the collective, or the first author and the confirmed co-authors with their work units, or the
    secretariat's member of staff who wrote it."""
    if report.proposer_kind == ProposerKind.COLLECTIVE and report.collective_id:
        return report.collective.name
    if report.lead_member_id:
        people = [report.lead_member, *coauthors]
        return "、".join(f"{m.name}（{m.work_unit}）" if m.work_unit else m.name for m in people)
    return report.author.display_name or report.author.get_username()


def confirmed_coauthors(report_ids: list[int]) -> dict[int, list]:
    """The confirmed co-authors of each report, in the order they were invited, in one read."""
    out: dict[int, list] = {}
    rows = CoAuthor.objects.filter(report_id__in=report_ids, state=CoAuthorState.CONFIRMED).select_related("member")
    for row in rows.order_by("id"):
        out.setdefault(row.report_id, []).append(row.member)
    return out


def report_sheet(report: OpinionReport, coauthors: list) -> ReportText:
    return ReportText(
        id=report.pk,
        number=report.number,
        title=report.title,
        category=report.category.name if report.category_id else "",
        content=paragraphs(report.content),
        suggestions=paragraphs(report.suggestions),
        authors=authors_text(report, coauthors),
        date=chinese_date(report.signed_off_at or report.submitted_at),
    )


def submission_sheet(report: OpinionReport, level: ReportLevel, *, committee: str) -> SubmissionSheet:
    """The 报送 document of ``report`` (read through the selectors, with its category, lead member, collective and
    author) to the level of ``level``."""
    coauthors = confirmed_coauthors([report.pk]).get(report.pk, [])
    return SubmissionSheet(
        committee=committee,
        level=level.get_level_display(),
        report=report_sheet(report, coauthors),
        date=chinese_date(level.reported_on),
    )


# Word ------------------------------------------------------------------------------------------------------------


def _new_document():
    """Official-document layout: 16 pt 仿宋 on exact 28 pt lines (GB/T 9704's 22 lines of 28 characters)."""
    return new_document(font_size=16, line_spacing=28, margins=(37, 35, 28, 26), header_distance=15)


def _red_line(doc) -> None:
    """The red rule under a document's masthead (版头分隔线)."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(12)
    add_rules(paragraph, ("bottom",), size=18, color="C00000")


def _masthead(doc, *, committee: str, name: str, issue: str, left: str, right: str) -> None:
    add_paragraph(doc, committee, font=TITLE_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    masthead = add_paragraph(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, space_before=6)
    run = add_run(masthead, name, font=TITLE_FONT, size=36, bold=True)
    run.font.color.rgb = RED
    add_paragraph(doc, issue, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=6)
    add_left_right(doc.add_paragraph(), doc.sections[0], left, right, size=14)
    _red_line(doc)


def _report_body(doc, report: ReportText, *, numbered: bool) -> None:
    add_paragraph(
        doc, report.title, font=TITLE_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12
    )
    for text in report.content:
        add_paragraph(doc, text, indent=True, size=16)
    if report.suggestions:
        add_paragraph(doc, _("建议："), font=HEADING_FONT, size=16, indent=True)
        for text in report.suggestions:
            add_paragraph(doc, text, indent=True, size=16)
    if report.authors:
        add_paragraph(doc, _("（反映人：%(authors)s）") % {"authors": report.authors}, size=16, indent=True)
    if numbered and report.number:
        add_paragraph(
            doc, _("（编号：%(number)s）") % {"number": report.number}, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT
        )


def _foot(doc, text: str) -> None:
    """The distribution line at the end (报：…), between two thin rules."""
    add_paragraph(doc, "", space_before=18)
    add_rules(add_paragraph(doc, text, size=14), ("top", "bottom"), size=6, color="000000")


def submission_docx(sheet: SubmissionSheet) -> bytes:
    """报送 a report to one level: the masthead (政协XX区委员会 社情民意信息), its number, the title, the text, the
    suggestions, the authors, the date, and whom it goes to."""
    doc = _new_document()
    doc.core_properties.title = sheet.report.title
    _masthead(
        doc,
        committee=sheet.committee,
        name=_("社情民意信息"),
        issue=_("编号：%(number)s") % {"number": sheet.report.number} if sheet.report.number else "",
        left=_("%(committee)s办公室") % {"committee": sheet.committee},
        right=sheet.date,
    )
    add_paragraph(doc, _("报送：%(level)s") % {"level": sheet.level}, size=16, space_after=12)
    _report_body(doc, sheet.report, numbered=False)
    if sheet.report.category:
        add_paragraph(doc, _("类别：%(category)s") % {"category": sheet.report.category}, size=14, space_before=12)
    add_paragraph(doc, sheet.committee, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT, space_before=24)
    add_paragraph(doc, sheet.date, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _foot(doc, _("报：%(level)s") % {"level": sheet.level})
    return docx_bytes(doc)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def bulletin_docx(sheet: BulletinSheet) -> bytes:
    """The issue: masthead, contents, then each report from a new page."""
    doc = _new_document()
    doc.core_properties.title = f"{sheet.kind} {sheet.issue}"
    _masthead(doc, committee=sheet.committee, name=sheet.kind, issue=sheet.issue, left=sheet.editor, right=sheet.date)
    if sheet.title:
        add_paragraph(doc, sheet.title, font=HEADING_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    add_paragraph(doc, _("本期目录"), font=HEADING_FONT, size=16, space_after=6)
    for i, report in enumerate(sheet.reports, start=1):
        add_paragraph(doc, f"{i}. {report.title}", size=14)
    for report in sheet.reports:
        _page_break(doc)
        _report_body(doc, report, numbered=True)
    _foot(doc, _("本期共%(n)s篇") % {"n": len(sheet.reports)})
    return docx_bytes(doc)


# PDF -------------------------------------------------------------------------------------------------------------


def bulletin_pdf(sheet: BulletinSheet) -> bytes:
    return render_pdf("opinions/bulletin_print.html", {"sheet": sheet}, stylesheet=PRINT_STYLESHEET)
