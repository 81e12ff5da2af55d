"""Lists of opinion reports as workbooks (.xlsx): the reports of the list with its current filters, one row each.

Rows come from four flat reads (the reports, their confirmed co-authors, their levels, their instructions) whatever
the number of reports, and every row goes through ``core.spreadsheets.append`` so that typed text stays text.
"""

import openpyxl
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.core import spreadsheets

from .choices import CoAuthorState, LeaderLevel, Level, ProposerKind, ReportState
from .models import CoAuthor, Instruction, ReportLevel

COLUMNS = [
    (gettext_lazy("编号"), 12),
    (gettext_lazy("年度"), 8),
    (gettext_lazy("标题"), 40),
    (gettext_lazy("类别"), 12),
    (gettext_lazy("报送方式"), 10),
    (gettext_lazy("作者"), 24),
    (gettext_lazy("界别"), 14),
    (gettext_lazy("状态"), 10),
    (gettext_lazy("提交日期"), 12),
    (gettext_lazy("签发日期"), 12),
    (gettext_lazy("报送"), 24),
    (gettext_lazy("采用"), 40),
    (gettext_lazy("领导批示"), 40),
]


def _date(value):
    return timezone.localtime(value).date() if value else None


def _rows(queryset: QuerySet):
    ids = queryset.order_by().values("pk")
    coauthors: dict[int, list[str]] = {}
    for report_id, name in (
        CoAuthor.objects.filter(report__in=ids, state=CoAuthorState.CONFIRMED)
        .order_by("id")
        .values_list("report_id", "member__name")
    ):
        coauthors.setdefault(report_id, []).append(name)
    levels = {value: str(label) for value, label in Level.choices}
    reported: dict[int, list[str]] = {}
    adopted: dict[int, list[str]] = {}
    for report_id, level, adopted_on, publication in (
        ReportLevel.objects.filter(report__in=ids)
        .order_by("id")
        .values_list("report_id", "level", "adopted_on", "publication")
    ):
        reported.setdefault(report_id, []).append(levels.get(level, level))
        if adopted_on:
            adopted.setdefault(report_id, []).append(
                f"{levels.get(level, level)} {adopted_on:%Y-%m-%d} {publication}".strip()
            )
    leader_levels = {value: str(label) for value, label in LeaderLevel.choices}
    instructions: dict[int, list[str]] = {}
    for report_id, level, leader, date in (
        Instruction.objects.filter(report__in=ids)
        .order_by("date", "id")
        .values_list("report_id", "level", "leader", "date")
    ):
        instructions.setdefault(report_id, []).append(f"{leader_levels.get(level, level)} {leader} {date:%Y-%m-%d}")
    states = {value: str(label) for value, label in ReportState.choices}
    kinds = {value: str(label) for value, label in ProposerKind.choices}
    fields = (
        "pk",
        "number",
        "year",
        "title",
        "category__name",
        "proposer_kind",
        "lead_member__name",
        "collective__name",
        "lead_sector__name",
        "state",
        "submitted_at",
        "signed_off_at",
    )
    for (
        pk,
        number,
        year,
        title,
        category,
        kind,
        lead,
        collective,
        sector,
        state,
        submitted,
        signed,
    ) in queryset.values_list(*fields).iterator(chunk_size=2000):
        authors = [collective] if collective else ([lead] if lead else []) + coauthors.get(pk, [])
        yield [
            number,
            year,
            title,
            category or "",
            kinds.get(kind, kind),
            "、".join(a for a in authors if a),
            sector or "",
            states.get(state, state),
            _date(submitted),
            _date(signed),
            "、".join(reported.get(pk, [])),
            "；".join(adopted.get(pk, [])),
            "；".join(instructions.get(pk, [])),
        ]


def reports_xlsx(queryset: QuerySet) -> bytes:
    """The reports of ``queryset`` (already restricted to what the reader may see and filtered), one row each."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("社情民意信息"))
    spreadsheets.set_widths(sheet, [width for _label, width in COLUMNS])
    spreadsheets.append_header(sheet, [str(label) for label, _width in COLUMNS])
    for row in _rows(queryset):
        spreadsheets.append(sheet, row)
    return spreadsheets.workbook_bytes(book)
