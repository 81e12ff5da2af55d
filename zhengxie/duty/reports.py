"""The duty archive (履职档案) gathered for one member and year (or term), and its documents: the member's annual
duty report (年度履职报告) as .docx and PDF, and the committee's table (履职统计表) as .xlsx.

The figures come from ``points.member_archive`` (the one computation) and ranks from ``selectors.Ranks``; the
builders take a member the caller has already obtained through ``selectors.archive_members`` and decide nothing
about access. PDFs are WeasyPrint renderings with Debian's Noto CJK fonts; Word documents name Chinese fonts in
``w:eastAsia`` so that Word shows the Chinese text in a Chinese face on any machine.
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhengxie.core import spreadsheets
from zhengxie.core.documents import (
    BODY_FONT,
    HEADING_FONT,
    TITLE_FONT,
    add_heading,
    add_paragraph,
    add_run,
    chinese_date,
    docx_bytes,
    new_document,
    render_pdf,
)

from .activities import visible_activities
from .choices import DutyKind
from .models import ATTENDANCE_PREFIXES, ActivityKind, Invitation, Speech
from .points import Archive, Rules, member_archive, rules_for
from .selectors import Ranks, ledger
from .services import archive_sections, source_links


def signed(value: Decimal) -> str:
    """Points as shown: ``+5``, ``-10``, ``0``, ``+0.5``."""
    text = plain(value)
    return f"+{text}" if value > 0 else text


def plain(value) -> str:
    """A decimal figure without trailing zeros: 47.00 → 47, 0.50 → 0.5."""
    d = Decimal(str(value))
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# Labels ----------------------------------------------------------------------------------------------------------


def activity_kind_names() -> dict[str, str]:
    return dict(ActivityKind.objects.values_list("code", "name"))


def kind_label(kind: str, activity_kinds: dict[str, str]) -> str:
    """``attended.plenary`` → 出席（全体会议）; ``proposal_registered_lead`` → 提案立案（第一提案人）."""
    if kind in DutyKind.values:
        return str(DutyKind(kind).label)
    prefix, _dot, rest = kind.partition(".")
    if prefix in ATTENDANCE_PREFIXES and rest:
        what = _("各类活动") if rest == "*" else activity_kinds.get(rest, rest)
        return _("%(action)s（%(kind)s）") % {"action": ATTENDANCE_PREFIXES[prefix], "kind": what}
    return kind


# The archive of one member ---------------------------------------------------------------------------------------


@dataclass
class RecordRow:
    """One ledger row as the archive shows it: a reversal (冲销) is marked, as is the row it cancels."""

    id: int
    year: int
    date: datetime.date
    kind: str
    kind_label: str
    source_label: str
    url: str
    quantity: Decimal
    points: Decimal | None
    reversal: bool
    reversed: bool
    reverses_id: int | None
    note: str


@dataclass
class AnnualArchive:
    """Everything the archive page and the annual report show for one member and year."""

    member: object
    year: int
    archive: Archive
    kinds: list[dict]
    records: list[RecordRow]
    minimums: list[dict]
    rank: int | None
    sector_rank: int | None
    committee_size: int
    sector_size: int
    ruleset_version: int
    base_points: Decimal
    # Parts other apps add (``services.archive_section_add``: the year's study hours against the requirement), shown
    # on the page, in the report's .docx and PDF, and in the API alike.
    sections: list[dict] = field(default_factory=list)
    generated_on: datetime.date = field(default_factory=timezone.localdate)


def _source_urls(rows, user) -> dict[tuple[str, int], str]:
    """Links to the sources the viewer may open: a proposal, or the activity of an invitation or a speech.
    Without a user (documents) there are no links."""
    if user is None:
        return {}
    by_type: dict[str, set[int]] = {}
    for r in rows:
        by_type.setdefault(r.source_type, set()).add(r.source_id)
    urls = {}
    for source_type, ids in by_type.items():  # rows of other apps (proposals): the apps' own links
        urls.update({(source_type, pk): url for pk, url in source_links(source_type, user, ids).items()})
    activity_of: dict[tuple[str, int], int] = {}
    if by_type.get("duty.invitation"):
        for pk, activity_id in Invitation.objects.filter(pk__in=by_type["duty.invitation"]).values_list(
            "pk", "activity_id"
        ):
            activity_of[("duty.invitation", pk)] = activity_id
    if by_type.get("duty.speech"):
        for pk, activity_id in Speech.objects.filter(pk__in=by_type["duty.speech"]).values_list("pk", "activity_id"):
            activity_of[("duty.speech", pk)] = activity_id
    if activity_of:
        visible = set(visible_activities(user).filter(pk__in=set(activity_of.values())).values_list("pk", flat=True))
        for key, activity_id in activity_of.items():
            if activity_id in visible:
                urls[key] = reverse("duty:activity_detail", args=[activity_id])
    return urls


def record_rows(
    rows, *, rules_by_year: dict[int, Rules], user=None, names: dict[str, str] | None = None
) -> list[RecordRow]:
    """The ledger rows with labels, links and each row's points under its year's rules (before yearly caps, which
    apply to the total of a rule item). ``names``: ``activity_kind_names()`` if the caller has them already."""
    rows = list(rows)
    reversed_ids = {r.reverses_id for r in rows if r.reverses_id}
    urls = _source_urls(rows, user)
    names = activity_kind_names() if names is None else names
    out = []
    for r in rows:
        rules = rules_by_year[r.year]
        item = rules.item_for(r.kind)
        pts = None
        if item is not None:
            pts = (rules.unit_points(item, r.kind, r.share_count) * r.quantity * r.sign).quantize(Decimal("0.01"))
        out.append(
            RecordRow(
                id=r.pk,
                year=r.year,
                date=r.occurred_on,
                kind=r.kind,
                kind_label=kind_label(r.kind, names),
                source_label=r.source_label,
                url=urls.get((r.source_type, r.source_id), ""),
                quantity=r.quantity,
                points=pts,
                reversal=r.sign < 0,
                reversed=r.pk in reversed_ids,
                reverses_id=r.reverses_id,
                note=r.note,
            )
        )
    return out


def _kind_rows(archive: Archive, rules: Rules, names: dict[str, str] | None = None) -> list[dict]:
    """Points by rule item, in the rule table's order (items without a rule last)."""
    order = {item.kind: i for i, item in enumerate(rules.items)}
    names = activity_kind_names() if names is None else names
    rows = []
    for key, entry in archive.by_kind.items():
        label = entry["label"] if key in order else kind_label(key, names)
        rows.append(
            {
                "kind": key,
                "label": label,
                "count": entry["count"],
                "quantity": Decimal(entry["quantity"]),
                "points": Decimal(entry["points"]),
                "capped": entry["capped"],
                "has_rule": key in order,
            }
        )
    rows.sort(key=lambda r: (order.get(r["kind"], len(order)), r["kind"]))
    return rows


def minimum_rows(archive: Archive, ruleset) -> list[dict]:
    missing = {m["code"]: m for m in archive.missing}
    return [
        {
            "code": rule["code"],
            "label": rule["label"],
            "required": rule["count"],
            "done": missing[rule["code"]]["done"] if rule["code"] in missing else None,
            "met": rule["code"] not in missing,
        }
        for rule in ruleset.minimums
    ]


def annual_archive(*, member, year: int, user=None) -> AnnualArchive:
    """The member's year: the live archive, every ledger row (with links the ``user`` may open), minimums and
    ranks in the committee and the sector. The year's rules, the activity kinds' names and the ranks (with the
    committee's and the sector's sizes) are each read once."""
    rules = rules_for(year)  # a read: never leaves a rule table behind
    rs = rules.rs
    archive = member_archive(member=member, year=year, rules=rules)
    ranks = Ranks(year)
    names = activity_kind_names()
    return AnnualArchive(
        member=member,
        year=year,
        archive=archive,
        kinds=_kind_rows(archive, rules, names),
        records=record_rows(ledger(member=member, year=year), rules_by_year={year: rules}, user=user, names=names),
        minimums=minimum_rows(archive, rs),
        rank=ranks.committee(archive.score),
        sector_rank=ranks.sector(member.sector_id, archive.score),
        committee_size=ranks.committee_size(),
        sector_size=ranks.sector_size(member.sector_id),
        ruleset_version=rs.version,
        base_points=rs.base_points,
        sections=archive_sections(member=member, year=year, user=user),
    )


@dataclass
class TermArchive:
    """A member's term (届): each year's figures and every record of the term."""

    member: object
    term: object
    years: list[dict]
    records: list[RecordRow]


def term_archive(*, member, term, user=None, today: datetime.date | None = None) -> TermArchive:
    today = today or timezone.localdate()
    first, last = term.starts_on.year, min(term.ends_on.year, max(today.year, term.starts_on.year))
    years, rules_by_year = [], {}
    for year in range(first, last + 1):
        rules_by_year[year] = rules_for(year)
        arch = member_archive(member=member, year=year, rules=rules_by_year[year])
        years.append(
            {
                "year": year,
                "total": arch.total,
                "score": arch.score,
                "grade": arch.grade,
                "missing": arch.missing,
                "alerts": arch.alerts,
            }
        )
    rows = ledger(member=member, years=(first, last)).order_by("year", "occurred_on", "id")
    return TermArchive(
        member=member, term=term, years=years, records=record_rows(rows, rules_by_year=rules_by_year, user=user)
    )


# The annual report (.docx) ---------------------------------------------------------------------------------------


def _cell(cell, text, *, bold: bool = False, size: float = 10.5, align=None) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    add_run(
        paragraph, "" if text is None else str(text), size=size, bold=bold, font=HEADING_FONT if bold else BODY_FONT
    )


def _table(doc, header: list[str], rows: list[list], widths: list[float], *, left: tuple[int, ...] = (0,)):
    """A grid table; the ``left`` columns hold text (left-aligned), the others figures (centred)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            _cell(cell, value, align=None if i in left else WD_ALIGN_PARAGRAPH.CENTER)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Mm(width)
    return table


def rank_text(rank: int | None, size: int) -> str:
    if rank is None:
        return _("暂无")
    return _("第 %(r)d 名（共 %(n)d 人）") % {"r": rank, "n": size}


def report_title(a: AnnualArchive) -> str:
    return _("%(y)d年度委员履职报告") % {"y": a.year}


def summary_rows(a: AnnualArchive) -> list[tuple[str, str]]:
    arch = a.archive
    return [
        (_("履职积分合计"), plain(arch.total)),
        (_("基础分"), plain(a.base_points)),
        (_("综合得分"), plain(arch.score)),
        (_("等次"), arch.grade or _("暂无")),
        (_("全委排名"), rank_text(a.rank, a.committee_size)),
        (_("界别排名"), rank_text(a.sector_rank, a.sector_size)),
    ]


def pdf_summary(a: AnnualArchive) -> list[tuple[str, str, str]]:
    """The report's figure boxes: (label, figure, note)."""

    def rank(value, size):
        if value is None:
            return _("暂无"), ""
        return _("第 %(r)d 名") % {"r": value}, _("共 %(n)d 人") % {"n": size}

    arch = a.archive
    return [
        (_("履职积分合计"), plain(arch.total), ""),
        (_("基础分"), plain(a.base_points), ""),
        (_("综合得分"), plain(arch.score), ""),
        (_("等次"), arch.grade or _("暂无"), ""),
        (_("全委排名"), *rank(a.rank, a.committee_size)),
        (_("界别排名"), *rank(a.sector_rank, a.sector_size)),
    ]


NUMERALS = "一二三四五六七八九十"


def section_met(part: dict) -> str:
    """Whether another app's part of the archive (the study hours) is met, in words; empty when it has no target."""
    if part.get("met") is None:
        return ""
    return str(_("已达到")) if part["met"] else str(_("未达到"))


def record_cells(r: RecordRow) -> list[str]:
    label = r.kind_label
    if r.reversal:
        label = _("冲销：%(k)s") % {"k": label}
    elif r.reversed:
        label = _("%(k)s（已冲销）") % {"k": label}
    return [
        r.date.strftime("%Y-%m-%d"),
        label,
        r.source_label + (f"（{r.note}）" if r.note else ""),
        plain(r.quantity),
        signed(r.points) if r.points is not None else "—",
    ]


def annual_report_docx(a: AnnualArchive, *, committee: str) -> bytes:
    m = a.member
    doc = new_document(font_size=12, margins=(25, 25, 25, 22))
    doc.core_properties.title = f"{m.name} {report_title(a)}"
    add_paragraph(doc, committee, font=TITLE_FONT, size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(
        doc, report_title(a), font=TITLE_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12
    )
    head = doc.add_table(rows=3, cols=4)
    head.style = "Table Grid"
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    pairs = [
        [(_("姓名"), m.name), (_("界别"), m.sector.name)],
        [(_("党派"), m.party.name), (_("年度"), _("%(y)d年") % {"y": a.year})],
    ]
    for row, cells in zip(pairs, head.rows, strict=False):
        for i, (label, value) in enumerate(row):
            _cell(cells.cells[2 * i], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            _cell(cells.cells[2 * i + 1], value)
    last = head.rows[2].cells
    _cell(last[0], _("工作单位及职务"), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(last[1].merge(last[3]), "　".join(x for x in (m.work_unit, m.title) if x))
    for row in head.rows:
        row.cells[0].width = row.cells[2].width = Mm(32)
        row.cells[1].width = row.cells[3].width = Mm(50)

    numbers = iter(NUMERALS)

    def heading(text) -> None:
        add_heading(doc, _("%(n)s、%(t)s") % {"n": next(numbers), "t": text}, size=14)

    heading(_("履职积分"))
    rows = [
        [k["label"], k["count"], plain(k["quantity"]), plain(k["points"]) + (_("（已达上限）") if k["capped"] else "")]
        for k in a.kinds
    ]
    if not rows:
        rows = [[_("本年度暂无履职记录"), "", "", ""]]
    _table(doc, [_("项目"), _("次数"), _("数量"), _("积分")], rows, [80, 20, 22, 38])
    heading(_("得分、等次与排名"))
    _table(doc, [_("项目"), _("结果")], [list(r) for r in summary_rows(a)], [60, 100])
    heading(_("基本履职要求"))
    if a.minimums:
        _table(
            doc,
            [_("要求"), _("应完成"), _("完成情况")],
            [
                [
                    m_["label"],
                    m_["required"],
                    _("已达到") if m_["met"] else _("未达到（已完成 %(d)d）") % {"d": m_["done"]},
                ]
                for m_ in a.minimums
            ],
            [90, 25, 45],
        )
    else:
        add_paragraph(doc, _("本年度未设基本履职要求。"))
    for part in a.sections:
        heading(part["title"])
        rows = [[row["label"], row["value"]] for row in part["rows"]]
        if part.get("met") is not None:
            rows.append([_("完成情况"), section_met(part)])
        _table(doc, [_("项目"), _("结果")], rows, [60, 100])
    if a.archive.alerts:
        heading(_("履职预警"))
        for alert in a.archive.alerts:
            add_paragraph(doc, _("%(l)s（%(n)d 次）") % {"l": alert["label"], "n": alert["count"]})
    add_heading(doc, _("履职记录明细"), size=14)
    if a.records:
        _table(
            doc,
            [_("日期"), _("类别"), _("来源"), _("数量"), _("积分")],
            [record_cells(r) for r in a.records],
            [24, 42, 62, 14, 18],
            left=(0, 1, 2),
        )
    else:
        add_paragraph(doc, _("本年度暂无履职记录。"))
    add_paragraph(
        doc,
        _("积分按%(y)d年度积分规则（第%(v)d版）计算；单项积分的年度上限计入合计。生成日期：%(d)s")
        % {"y": a.year, "v": a.ruleset_version, "d": chinese_date(a.generated_on)},
        size=9,
        space_before=12,
    )
    return docx_bytes(doc)


# The annual report (PDF) -----------------------------------------------------------------------------------------


def pdf_context(a: AnnualArchive, *, committee: str) -> dict:
    """What the PDF's template (``duty/archive/report_pdf.html``) is rendered with."""
    return {
        "a": a,
        "committee": committee,
        "title": report_title(a),
        "summary": pdf_summary(a),
        "records": [record_cells(r) for r in a.records],
        "kinds": [{**k, "quantity": plain(k["quantity"]), "points": plain(k["points"])} for k in a.kinds],
        "sections": [{**part, "met_text": section_met(part)} for part in a.sections],
        "generated": chinese_date(a.generated_on),
    }


def annual_report_pdf(a: AnnualArchive, *, committee: str) -> bytes:
    context = pdf_context(a, committee=committee)
    return render_pdf("duty/archive/report_pdf.html", context, stylesheet="duty/archive/report_print.css")


# The committee's table (.xlsx) -----------------------------------------------------------------------------------


def table_header(rule_items) -> tuple[list[str], list[float]]:
    header = [
        _("序号"),
        _("姓名"),
        _("界别"),
        _("党派"),
        _("积分合计"),
        _("综合得分"),
        _("等次"),
        _("全委排名"),
        _("界别排名"),
        _("未达基本要求"),
        _("预警"),
    ]
    widths = [6, 12, 14, 14, 10, 10, 8, 10, 10, 30, 26]
    header += [str(i.label) for i in rule_items]
    widths += [12] * len(rule_items)
    return header, widths


def committee_table_xlsx(rows, *, year: int, ranks: Ranks, title: str) -> bytes:
    """``rows``: MemberYearScore rows (already limited to what the user may see and filtered), with member,
    sector and party selected. One column per rule item of the year, with the member's points under it."""
    rule_items = rules_for(year).items
    header, widths = table_header(rule_items)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("履职统计")[:31])
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C3"
    cell = WriteOnlyCell(sheet, value=title)
    cell.font = Font(bold=True, size=13)
    spreadsheets.append(sheet, [cell])
    cells = []
    for value in header:
        c = WriteOnlyCell(sheet, value=value)
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", wrap_text=True)
        cells.append(c)
    spreadsheets.append(sheet, cells)
    for n, row in enumerate(rows, start=1):
        m = row.member
        spreadsheets.append(
            sheet,
            [
                n,
                m.name,
                m.sector.name,
                m.party.name,
                row.total,
                row.score,
                row.grade,
                ranks.committee(row.score),
                ranks.sector(row.sector_id, row.score),
                "；".join(f"{x['label']}（{x['done']}/{x['required']}）" for x in row.missing),
                "；".join(f"{x['label']}（{x['count']}）" for x in row.alerts),
                *[Decimal(row.by_kind[i.kind]["points"]) if i.kind in row.by_kind else None for i in rule_items],
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
