"""Documents of the proposals work: a proposal and a reply in the formal layout (.docx and PDF), any list of
proposals (.xlsx), and the year's statistics as a workbook and as the draft annual report (.docx).

The builders take objects the caller has already obtained through the selectors (what the user may see) and
return bytes; they decide nothing about access. PDFs are WeasyPrint renderings of the templates under
``proposals/documents/`` with the Noto CJK fonts Debian installs; Word documents name Chinese fonts in ``w:eastAsia``
so that Word shows the Chinese text in a Chinese face on any machine.
"""

import datetime
from dataclasses import dataclass, field

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from zhengxie.core import spreadsheets
from zhengxie.core.documents import (
    HEADING_FONT,
    TITLE_FONT,
    add_heading,
    add_left_right,
    add_page_numbers,
    add_paragraph,
    add_table,
    chinese_date,
    docx_bytes,
    formal_document,
    paragraphs,
    render_pdf,
    set_cell,
)

from .choices import AssignmentRole, AssignmentState, CosignState, ExcellentState, KeyState, ProposalState, ReplyState
from .conf import grade_label
from .models import Assignment, Cosignature, Proposal, Reply
from .statistics import proposer_label, share

PRINT_STYLESHEET = "proposals/documents/print.css"


# Helpers ---------------------------------------------------------------------------------------------------------


def reply_body(text: str, addressee: str) -> list[str]:
    """The reply's paragraphs without a salutation or an opening sentence typed at its start: the letter writes
    both itself (``reply.html``, ``reply_docx``), so they appear once whatever was typed."""
    body = paragraphs(text)
    names = {addressee, addressee.removesuffix("委员")}
    if body and body[0].rstrip("：:，, ").removeprefix("尊敬的") in names:
        body = body[1:]
    if body and "收悉" in body[0] and len(body[0]) <= 200:
        opening, _sep, rest = body[0].partition("答复如下")
        if _sep:
            rest = rest.lstrip("：:。，, ")
            body = ([rest] if rest else []) + body[1:]
        elif opening.endswith("收悉。") or opening.endswith("收悉"):
            body = body[1:]
    return body


def _assignments(proposal: Proposal) -> list[Assignment]:
    return list(proposal.assignments.exclude(state=AssignmentState.REASSIGNED).select_related("unit").order_by("id"))


def _role_order(a: Assignment) -> tuple:
    return ({"lead": 0, "single": 0, "separate": 1, "co": 2}.get(a.role, 3), a.pk)


@dataclass
class ProposalSheet:
    """What the 提案 form shows, gathered once for the .docx and the PDF."""

    committee: str
    number: str
    date: str
    title: str
    category: str
    proposal_kind: str
    lead: str
    lead_detail: str
    cosigners: list[str]
    collective: str
    analysis: list[str]
    suggestions: list[str]
    suggested_units: list[str]
    assigned: list[dict] = field(default_factory=list)
    state: str = ""


def proposal_sheet(proposal: Proposal, *, committee: str) -> ProposalSheet:
    cosignatures = (
        proposal.cosignatures.filter(state__in=[CosignState.INVITED, CosignState.CONFIRMED])
        .select_related("member")
        .order_by("id")
    )
    cosigners = [
        c.member.name if c.state == CosignState.CONFIRMED else _("%(n)s（待确认）") % {"n": c.member.name}
        for c in cosignatures
    ]
    # An imported proposal names its proposers as the records list them, members or not (历史导入).
    written = [n for n in proposal.proposer_names.split("、") if n] if proposal.imported else []
    if written:
        cosigners = written[1:]
    lead_detail = ""
    if proposal.lead_member_id:
        sector = proposal.lead_sector or proposal.lead_member.sector
        party = proposal.lead_party or proposal.lead_member.party
        lead_detail = "　".join(
            x
            for x in (
                f"{_('界别')}：{sector}",
                f"{_('党派')}：{party}",
                proposal.lead_member.work_unit,
                proposal.lead_member.title,
            )
            if x
        )
    when = proposal.registered_at or proposal.submitted_at or proposal.created_at
    assigned = [
        {"unit": a.unit.name, "role": str(AssignmentRole(a.role).label), "due": chinese_date(a.due_date)}
        for a in sorted(_assignments(proposal), key=_role_order)
    ]
    return ProposalSheet(
        committee=committee,
        number=proposal.number or _("（未立案）"),
        date=chinese_date(when),
        title=proposal.title,
        category=proposal.category.name if proposal.category_id else "",
        proposal_kind=_("大会提案") if proposal.is_session_proposal else _("平时提案"),
        lead=proposal.lead_member.name if proposal.lead_member_id else (written[0] if written else ""),
        lead_detail=lead_detail,
        cosigners=cosigners,
        collective=proposal.collective.name if proposal.collective_id else "",
        analysis=paragraphs(proposal.analysis),
        suggestions=paragraphs(proposal.suggestions),
        suggested_units=[u.name for u in proposal.suggested_units.order_by("name")],
        assigned=assigned,
        state=str(proposal.get_state_display()),
    )


@dataclass
class ReplySheet:
    committee: str
    number: str
    date: str
    proposal_title: str
    unit: str
    role: str
    grade: str
    grade_label: str
    addressee: str
    text: list[str]
    signer: str
    approved: bool
    state: str
    round: int
    contact_person: str = ""
    contact_phone: str = ""


def contact_line(sheet: ReplySheet) -> str:
    parts = []
    if sheet.contact_person:
        parts.append(f"{_('联系人')}：{sheet.contact_person}")
    if sheet.contact_phone:
        parts.append(f"{_('联系电话')}：{sheet.contact_phone}")
    return "　　".join(parts)


def reply_sheet(reply: Reply, *, committee: str) -> ReplySheet:
    proposal = reply.assignment.proposal
    name = proposer_label(proposal)
    # The reply sheet is a formal Chinese document: "张三委员" whatever the reader's interface language.
    if proposal.lead_member_id and not name.endswith("委员"):
        name += "委员"
    return ReplySheet(
        committee=committee,
        number=proposal.number or _("（未立案）"),
        date=chinese_date(reply.signed_at or reply.drafted_at),
        proposal_title=proposal.title,
        unit=reply.assignment.unit.name,
        role=str(AssignmentRole(reply.assignment.role).label),
        grade=reply.final_grade,
        grade_label=grade_label(reply.final_grade),
        addressee=name,
        text=reply_body(reply.text, name),
        signer=str(reply.signed_by) if reply.signed_by_id else "",
        approved=reply.state == ReplyState.APPROVED,
        state=str(reply.get_state_display()),
        round=reply.round,
        contact_person=reply.contact_person,
        contact_phone=reply.contact_phone,
    )


# Word ------------------------------------------------------------------------------------------------------------


def _page_header(doc, left: str, right: str) -> None:
    section = doc.sections[0]
    add_left_right(section.header.paragraphs[0], section, left, right, size=10.5)


def proposal_docx(sheet: ProposalSheet) -> bytes:
    doc = formal_document()
    doc.core_properties.title = sheet.title
    _page_header(doc, f"{_('案号')}：{sheet.number}", sheet.date)
    add_page_numbers(doc)
    add_paragraph(doc, sheet.committee, font=TITLE_FONT, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(
        doc, _("提　案"), font=TITLE_FONT, size=26, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12
    )
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def row(*pairs):
        cells = table.add_row().cells
        if len(pairs) == 1:
            merged = cells[1].merge(cells[3])
            set_cell(cells[0], pairs[0][0], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            set_cell(merged, pairs[0][1])
        else:
            for i, (label, value) in enumerate(pairs):
                set_cell(cells[2 * i], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
                set_cell(cells[2 * i + 1], value)

    row((_("案号"), sheet.number), (_("类别"), sheet.category))
    row((_("提案形式"), sheet.proposal_kind), (_("日期"), sheet.date))
    if sheet.collective:
        row((_("提案者"), sheet.collective + _("（集体提案）")))
    else:
        row((_("第一提案人"), "\n".join(x for x in (sheet.lead, sheet.lead_detail) if x)))
        row((_("联名提案人"), "、".join(sheet.cosigners) or _("无")))
    row((_("案由"), sheet.title))
    row((_("建议承办单位"), "、".join(sheet.suggested_units) or _("无")))
    if sheet.assigned:
        row(
            (
                _("承办单位"),
                "\n".join(f"{a['unit']}（{a['role']}，{_('办理期限')} {a['due']}）" for a in sheet.assigned),
            )
        )
    for cells in (r.cells for r in table.rows):
        cells[0].width = cells[2].width = Mm(30)
        cells[1].width = cells[3].width = Mm(48)
    add_heading(doc, _("情况分析"))
    for text in sheet.analysis:
        add_paragraph(doc, text, indent=True)
    add_heading(doc, _("具体建议"))
    for text in sheet.suggestions:
        add_paragraph(doc, text, indent=True)
    return docx_bytes(doc)


def reply_docx(sheet: ReplySheet) -> bytes:
    doc = formal_document()
    doc.core_properties.title = _("关于第%(n)s号提案的答复") % {"n": sheet.number}
    _page_header(doc, f"{_('案号')}：{sheet.number}", sheet.date)
    add_page_numbers(doc)
    add_paragraph(doc, f"{sheet.grade}{_('类')}", font=HEADING_FONT, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if not sheet.approved:
        add_paragraph(doc, _("（%(s)s，未经提案委审核）") % {"s": sheet.state}, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_paragraph(doc, sheet.unit, font=TITLE_FONT, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(
        doc,
        _("关于%(c)s第%(n)s号提案的答复") % {"c": sheet.committee, "n": sheet.number},
        font=TITLE_FONT,
        size=18,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=18,
    )
    add_paragraph(doc, f"{sheet.addressee}：")
    add_paragraph(
        doc,
        _("您提出的《%(t)s》（第%(n)s号）收悉。现答复如下：") % {"t": sheet.proposal_title, "n": sheet.number},
        indent=True,
    )
    for text in sheet.text:
        add_paragraph(doc, text, indent=True)
    add_paragraph(doc, f"{_('答复类别')}：{sheet.grade_label}", indent=True, space_before=12)
    add_paragraph(doc, sheet.unit, align=WD_ALIGN_PARAGRAPH.RIGHT, space_before=24)
    add_paragraph(doc, sheet.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if sheet.contact_person or sheet.contact_phone:
        add_paragraph(doc, contact_line(sheet), size=12, space_before=18)
    if sheet.signer:
        add_paragraph(doc, f"{_('签发人')}：{sheet.signer}", size=12, space_before=18)
    add_paragraph(
        doc,
        f"{_('承办方式')}：{sheet.role}" + (_("（第%(r)d次办理）") % {"r": sheet.round} if sheet.round > 1 else ""),
        size=12,
    )
    return docx_bytes(doc)


# PDF -------------------------------------------------------------------------------------------------------------


def proposal_pdf(sheet: ProposalSheet) -> bytes:
    return render_pdf("proposals/documents/proposal.html", {"sheet": sheet}, stylesheet=PRINT_STYLESHEET)


def reply_pdf(sheet: ReplySheet) -> bytes:
    return render_pdf("proposals/documents/reply.html", {"sheet": sheet}, stylesheet=PRINT_STYLESHEET)


# Lists of proposals (.xlsx) ----------------------------------------------------------------------------------------

LIST_COLUMNS = [
    ("number", gettext_lazy("案号"), 12),
    ("year", gettext_lazy("年度"), 8),
    ("title", gettext_lazy("案由"), 40),
    ("category", gettext_lazy("类别"), 12),
    ("proposer", gettext_lazy("提案人"), 16),
    ("kind", gettext_lazy("提案者类别"), 12),
    ("cosigners", gettext_lazy("联名人"), 24),
    ("sector", gettext_lazy("界别"), 14),
    ("party", gettext_lazy("党派"), 14),
    ("filing", gettext_lazy("提案形式"), 10),
    ("state", gettext_lazy("状态"), 12),
    ("submitted", gettext_lazy("提交日期"), 12),
    ("registered", gettext_lazy("立案日期"), 12),
    ("units", gettext_lazy("承办单位"), 36),
    ("key", gettext_lazy("重点提案"), 10),
    ("excellent", gettext_lazy("优秀提案"), 10),
]


def _workbook(sheets: list[tuple[str, list[str], list[float], list[list]]], *, titles: dict | None = None) -> bytes:
    """One sheet per ``(name, header, widths, rows)``; ``titles`` optionally puts a line above a sheet's header."""
    book = openpyxl.Workbook(write_only=True)
    for name, header, widths, rows in sheets:
        sheet = book.create_sheet(name[:31])
        spreadsheets.set_widths(sheet, widths)
        if titles and name in titles:
            spreadsheets.append_title(sheet, titles[name])
        spreadsheets.append_header(sheet, header)
        for row in rows:
            spreadsheets.append(sheet, row)
    return spreadsheets.workbook_bytes(book)


def _proposal_rows(queryset):
    """Rows of the list workbook from three flat queries (proposals, confirmed co-signers, live assignments of the
    same proposals): a year of a province is tens of thousands of rows, so no model instances are built."""
    ids = queryset.values("pk")
    cosigners: dict[int, list[str]] = {}
    for proposal_id, name in (
        Cosignature.objects.filter(state=CosignState.CONFIRMED, proposal__in=ids)
        .order_by("id")
        .values_list("proposal_id", "member__name")
    ):
        cosigners.setdefault(proposal_id, []).append(name)
    roles = {value: str(label) for value, label in AssignmentRole.choices}
    order = {"lead": 0, "single": 0, "separate": 1, "co": 2}
    units: dict[int, list[tuple]] = {}
    for proposal_id, role, unit, pk in (
        Assignment.objects.filter(proposal__in=ids)
        .exclude(state=AssignmentState.REASSIGNED)
        .values_list("proposal_id", "role", "unit__name", "pk")
    ):
        units.setdefault(proposal_id, []).append((order.get(role, 3), pk, f"{unit}（{roles.get(role, role)}）"))
    states = {value: str(label) for value, label in ProposalState.choices}
    kinds = {"individual": _("个人"), "joint": _("联名"), "collective": _("集体")}
    filings = {True: _("大会提案"), False: _("平时提案")}
    yes = _("是")
    fields = (
        "pk",
        "number",
        "year",
        "title",
        "category__name",
        "lead_member__name",
        "collective__name",
        "lead_sector__name",
        "lead_party__name",
        "is_session_proposal",
        "state",
        "submitted_at",
        "registered_at",
        "key_state",
        "excellent_state",
    )
    for (
        pk,
        number,
        year,
        title,
        category,
        lead,
        collective,
        sector,
        party,
        session,
        state,
        submitted,
        registered,
        key,
        excellent,
    ) in queryset.values_list(*fields).iterator(chunk_size=2000):
        names = cosigners.get(pk, [])
        kind = "collective" if collective else ("joint" if names else "individual")
        yield [
            number,
            year,
            title,
            category or "",
            collective or lead or "",
            kinds[kind],
            "、".join(names),
            sector or "",
            party or "",
            filings[session] if submitted else "",
            states.get(state, state),
            timezone.localtime(submitted).date() if submitted else None,
            timezone.localtime(registered).date() if registered else None,
            "、".join(label for _order, _pk, label in sorted(units.get(pk, []))),
            yes if key == KeyState.APPROVED else "",
            yes if excellent == ExcellentState.APPROVED else "",
        ]


def proposals_xlsx(queryset) -> bytes:
    """The proposals of ``queryset`` (already restricted to what the user may see), one row each."""
    header = [str(label) for _key, label, _w in LIST_COLUMNS]
    widths = [w for _key, _label, w in LIST_COLUMNS]
    return _workbook([(_("提案"), header, widths, _proposal_rows(queryset))])


# Statistics (.xlsx) and the annual report (.docx) -----------------------------------------------------------------


def _v(fig: dict) -> int:
    return fig["value"]


def _summary_rows(stats: dict) -> list[list]:
    t = stats["totals"]
    return [
        [_("收到提案"), _v(t["received"])],
        [_("　其中：大会提案"), _v(t["session_proposals"])],
        [_("　　　　平时提案"), _v(t["ordinary_proposals"])],
        [_("待审查"), _v(t["pending"])],
        [_("立案"), _v(t["registered"])],
        [_("并案"), _v(t["merged"])],
        [_("转为意见建议"), _v(t["converted"])],
        [_("不予立案"), _v(t["rejected"])],
        [_("撤回"), _v(t["withdrawn"])],
        [_("提出提案的委员（含联名）"), _v(t["members"])],
        [_("重点提案"), _v(t["key"])],
        [_("优秀提案"), _v(t["excellent"])],
    ]


def _pair_rows(rows: list[dict], registered_total: int) -> list[list]:
    return [
        [
            r.get("name") or r.get("label"),
            _v(r["received"]),
            _v(r["registered"]),
            share(_v(r["registered"]), registered_total),
        ]
        for r in rows
    ]


def _unit_rows(stats: dict) -> list[list]:
    return [
        [
            r["name"],
            _v(r["assigned"]),
            _v(r["owes_reply"]),
            _v(r["replied"]),
            _v(r["replied_on_time"]),
            share(_v(r["replied_on_time"]), _v(r["replied"])),
            _v(r["overdue"]),
        ]
        for r in stats["by_unit"]
    ]


def _counted_rows(rows: list[dict], label_key: str = "label") -> list[list]:
    total = sum(_v(r["count"]) for r in rows)
    return [[r[label_key], _v(r["count"]), share(_v(r["count"]), total)] for r in rows]


def _listed_rows(rows: list[dict], *, leader: bool) -> list[list]:
    return [
        [
            r["number"],
            r["title"],
            r["proposer"],
            r["category"],
            r["state_label"],
            *([r["supervising_leader"]] if leader else []),
        ]
        for r in rows
    ]


def _sections(stats: dict) -> list[tuple[str, list[str], list[float], list[list]]]:
    """The breakdown tables, shared by the workbook (one sheet each) and the report (one table each)."""
    registered = _v(stats["totals"]["registered"])
    pair = [_("收到"), _("立案"), _("占立案比例")]
    return [
        (_("办理进度"), [_("状态"), _("件数")], [18, 10], [[r["label"], _v(r["count"])] for r in stats["by_state"]]),
        (
            _("提案者类别"),
            [_("提案者类别"), *pair],
            [18, 10, 10, 12],
            _pair_rows(stats["by_proposer_type"], registered),
        ),
        (_("集体提案者"), [_("集体提案者"), *pair], [28, 10, 10, 12], _pair_rows(stats["by_collective"], registered)),
        (_("提案类别"), [_("类别"), *pair], [18, 10, 10, 12], _pair_rows(stats["by_category"], registered)),
        (_("界别"), [_("第一提案人界别"), *pair], [24, 10, 10, 12], _pair_rows(stats["by_sector"], registered)),
        (_("党派"), [_("第一提案人党派"), *pair], [24, 10, 10, 12], _pair_rows(stats["by_party"], registered)),
        (
            _("承办单位"),
            [_("承办单位"), _("交办件数"), _("应答复"), _("已答复"), _("按期答复"), _("按期答复率"), _("当前逾期")],
            [30, 10, 10, 10, 10, 12, 10],
            _unit_rows(stats),
        ),
        (_("答复类别"), [_("答复类别"), _("件次"), _("占比")], [40, 10, 10], _counted_rows(stats["by_grade"])),
        (_("满意度测评"), [_("测评结果"), _("件次"), _("占比")], [16, 10, 10], _counted_rows(stats["satisfaction"])),
        (
            _("重点提案"),
            [_("案号"), _("案由"), _("提案人"), _("类别"), _("状态"), _("督办领导")],
            [12, 40, 16, 12, 12, 14],
            _listed_rows(stats["key_proposals"], leader=True),
        ),
        (
            _("优秀提案"),
            [_("案号"), _("案由"), _("提案人"), _("类别"), _("状态")],
            [12, 40, 16, 12, 12],
            _listed_rows(stats["excellent_proposals"], leader=False),
        ),
    ]


def statistics_xlsx(stats: dict) -> bytes:
    label = stats["scope"]["label"]
    summary = _("总体情况")
    sheets = [(summary, [_("项目"), _("数量")], [28, 10], _summary_rows(stats)), *_sections(stats)]
    heading = _("%(l)s提案工作统计（截至%(d)s）") % {"l": label, "d": chinese_date(_as_of(stats))}
    return _workbook(sheets, titles={name: heading for name, *_rest in sheets})


def _as_of(stats: dict) -> datetime.date:
    return datetime.date.fromisoformat(stats["as_of"])


def report_title(stats: dict, committee: str) -> str:
    return _("%(c)s关于%(l)s提案工作情况的报告（草稿）") % {"c": committee, "l": stats["scope"]["label"]}


def _counts_sentence(rows: list[dict], total: int, *, key: str = "received", unit: str = "件") -> str:
    parts = [
        f"{r.get('name') or r.get('label')}{_v(r[key])}{unit}（{share(_v(r[key]), total)}）" for r in rows if _v(r[key])
    ]
    return "，".join(parts)


def report_paragraphs(stats: dict) -> list[tuple[str, list[str]]]:
    """The report's sections as (heading, paragraphs), with the figures written out."""
    t = {k: _v(v) for k, v in stats["totals"].items()}
    label, as_of = stats["scope"]["label"], chinese_date(_as_of(stats))
    types = {r["key"]: r for r in stats["by_proposer_type"]}
    intake = [
        _(
            "%(l)s，共收到提案%(r)d件，其中委员个人提案%(i)d件、委员联名提案%(j)d件、集体提案%(c)d件；大会提案%(s)d件、"
            "平时提案%(o)d件。共有%(m)d名委员提出或联名提出提案。"
        )
        % {
            "l": label,
            "r": t["received"],
            "i": _v(types["individual"]["received"]),
            "j": _v(types["joint"]["received"]),
            "c": _v(types["collective"]["received"]),
            "s": t["session_proposals"],
            "o": t["ordinary_proposals"],
            "m": t["members"],
        },
        _(
            "经审查，立案%(g)d件（占收到提案的%(gp)s），并案处理%(mg)d件，转为意见建议%(cv)d件，不予立案%(rj)d件，"
            "提案人撤回%(w)d件，尚在审查中%(p)d件。"
        )
        % {
            "g": t["registered"],
            "gp": share(t["registered"], t["received"]),
            "mg": t["merged"],
            "cv": t["converted"],
            "rj": t["rejected"],
            "w": t["withdrawn"],
            "p": t["pending"],
        },
    ]
    content = []
    if t["received"]:
        content.append(_("从提案内容看：%(c)s。") % {"c": _counts_sentence(stats["by_category"], t["received"])})
        content.append(
            _("从第一提案人所在界别看：%(c)s。") % {"c": _counts_sentence(stats["by_sector"], t["received"])}
        )
        content.append(_("从第一提案人党派看：%(c)s。") % {"c": _counts_sentence(stats["by_party"], t["received"])})
    units = stats["by_unit"]
    assigned = sum(_v(u["assigned"]) for u in units)
    owed = sum(_v(u["owes_reply"]) for u in units)
    replied = sum(_v(u["replied"]) for u in units)
    on_time = sum(_v(u["replied_on_time"]) for u in units)
    overdue = sum(_v(u["overdue"]) for u in units)
    grades = _counts_sentence(
        [{**r, "name": f"{r['grade']}{_('类')}"} for r in stats["by_grade"]],
        sum(_v(r["count"]) for r in stats["by_grade"]),
        key="count",
        unit=_("件次"),
    )
    rated = stats["satisfaction"]
    ratings = _counts_sentence(rated, sum(_v(r["count"]) for r in rated), key="count", unit=_("件次"))
    handling = [
        _(
            "立案提案交由%(u)d个承办单位办理，共%(a)d件次，其中主办、单办、分办%(o)d件次。截至%(d)s，已答复%(r)d件次"
            "（占应答复的%(rp)s），其中按期答复%(t)d件次（按期答复率%(tp)s）；目前超过办理期限尚未答复的%(x)d件次。"
        )
        % {
            "u": len(units),
            "a": assigned,
            "o": owed,
            "d": as_of,
            "r": replied,
            "rp": share(replied, owed),
            "t": on_time,
            "tp": share(on_time, replied),
            "x": overdue,
        },
    ]
    if grades:
        handling.append(_("从答复类别看：%(g)s。") % {"g": grades})
    if ratings:
        handling.append(_("提案人对答复的满意度测评：%(s)s。") % {"s": ratings})
    honours = [
        _("确定重点提案%(k)d件，由领导督办；评选优秀提案%(e)d件。") % {"k": t["key"], "e": t["excellent"]},
    ]
    for title, rows in ((_("重点提案"), stats["key_proposals"]), (_("优秀提案"), stats["excellent_proposals"])):
        if rows:
            honours.append(
                f"{title}：" + "；".join(f"{r['number']}《{r['title']}》（{r['proposer']}）" for r in rows) + "。"
            )
    return [
        (_("一、提案提交和审查情况"), intake),
        (_("二、提案内容分布"), content),
        (_("三、提案办理情况"), handling),
        (_("四、重点提案和优秀提案"), honours),
    ]


def annual_report_docx(stats: dict, *, committee: str) -> bytes:
    doc = formal_document()
    title = report_title(stats, committee)
    doc.core_properties.title = title
    add_page_numbers(doc)
    add_paragraph(doc, title, font=TITLE_FONT, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    add_paragraph(
        doc,
        _("（统计截至%(d)s）") % {"d": chinese_date(_as_of(stats))},
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    for heading, texts in report_paragraphs(stats):
        add_heading(doc, heading)
        for text in texts:
            add_paragraph(doc, text, indent=True)
    add_heading(doc, _("附表"))
    add_paragraph(doc, _("总体情况"), font=HEADING_FONT, size=14, space_before=6, space_after=6)
    add_table(doc, [_("项目"), _("数量")], _summary_rows(stats))
    for number, (name, header, _widths, rows) in enumerate(_sections(stats), start=1):
        add_paragraph(
            doc,
            _("附表%(n)d　%(t)s") % {"n": number, "t": name},
            font=HEADING_FONT,
            size=14,
            space_before=12,
            space_after=6,
        )
        if rows:
            add_table(doc, header, rows)
        else:
            add_paragraph(doc, _("（无）"), size=12)
    return docx_bytes(doc)
