"""Member and unit lists as .xlsx, in the import's columns so that an export can be corrected and imported again.

Rows come from the selectors (only what the user may see, with the list's filters); ID numbers and mobiles are
masked unless the user may see that member's personal data.
"""

from collections.abc import Iterable

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from zhengxie.core import spreadsheets
from zhengxie.core.validators import mask_id_number, mask_mobile

from . import selectors
from .choices import Gender, MemberStatus, UnitKind
from .imports import LIST_SEPARATOR, MEMBER_COLUMNS, NO, UNIT_COLUMNS, YES, Column, choice_words
from .models import Party, Sector, SpecialCommittee

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Kept as text so that spreadsheet programs do not turn 18-digit ID numbers into rounded numbers.
TEXT_COLUMNS = {"id_number", "mobile", "contact_phone", "birth_date"}
WIDTHS = {"id_number": 22, "mobile": 14, "work_unit": 28, "special_committees": 28, "name": 14, "address": 36}


def _workbook(sheets: list[tuple[str, tuple[Column, ...] | list[str], Iterable[list]]]) -> bytes:
    """One sheet per ``(title, header, rows)``; a header of ``Column``s gets the import's widths and text formats."""
    book = openpyxl.Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        labels = []
        for index, column in enumerate(header, start=1):
            letter = get_column_letter(index)
            if isinstance(column, Column):
                sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 12)
                if column.key in TEXT_COLUMNS:
                    sheet.column_dimensions[letter].number_format = "@"
                column = column.header
            else:
                sheet.column_dimensions[letter].width = 16 if index == 1 else 80
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = Font(bold=True)
            labels.append(cell)
        spreadsheets.append(sheet, labels)
        for row in rows:
            spreadsheets.append(sheet, row)
    return spreadsheets.workbook_bytes(book)


def _labels(choices) -> dict[str, str]:
    return {value: word for word, value in choice_words(choices).items()}


def _member_rows(*, user, filters: dict):
    genders, statuses = _labels(Gender.choices), _labels(MemberStatus.choices)
    members = selectors.member_list(user=user, filters=filters).prefetch_related("special_committees")
    for m in members.iterator(chunk_size=1000):
        reveal = selectors.can_see_personal_data(user=user, member=m)
        yield [
            m.name,
            genders[m.gender],
            m.ethnicity,
            m.birth_date.isoformat(),
            m.id_number if reveal else mask_id_number(m.id_number),
            m.mobile if reveal else mask_mobile(m.mobile),
            m.work_unit,
            m.title,
            m.sector.name,
            m.party.name,
            LIST_SEPARATOR.join(c.name for c in m.special_committees.all()),
            YES if m.is_standing_committee else NO,
            statuses[m.status],
        ]


def _unit_rows(*, user, filters: dict):
    kinds = _labels(UnitKind.choices)
    for u in selectors.unit_list(user=user, filters=filters).iterator(chunk_size=1000):
        yield [u.name, u.short_name, kinds[u.kind], u.contact_phone, u.address]


def member_workbook(*, user, filters: dict) -> bytes:
    return _workbook([(_("委员名单"), MEMBER_COLUMNS, _member_rows(user=user, filters=filters))])


def unit_workbook(*, user, filters: dict) -> bytes:
    return _workbook([(_("承办单位名单"), UNIT_COLUMNS, _unit_rows(user=user, filters=filters))])


def _names(model) -> str:
    return LIST_SEPARATOR.join(model.objects.values_list("name", flat=True))


def member_template() -> bytes:
    """An empty member sheet and a sheet explaining each column with the names the import accepts."""
    words = LIST_SEPARATOR.join
    notes = [
        ["姓名", _("必填。")],
        ["性别", _("必填，填写：%(words)s。") % {"words": words(choice_words(Gender.choices))}],
        ["民族", _("不填时新委员记为汉族，已有委员保持不变。")],
        ["出生日期", _("可不填，由身份证号得出；填写时格式如 1975-06-01，且须与身份证号一致。")],
        ["身份证号", _("必填，18位。按身份证号识别已有委员：再次导入时更新其信息，不会重复添加。")],
        ["手机号", _("必填，11位。")],
        ["界别", _("必填，填写：%(words)s。") % {"words": _names(Sector)}],
        ["党派", _("必填，填写：%(words)s。") % {"words": _names(Party)}],
        ["专门委员会", _("多个时用“、”分隔，可填：%(words)s。") % {"words": _names(SpecialCommittee)}],
        ["常委", _("填写“是”或“否”，不填为否。")],
        [
            "状态",
            _("填写：%(words)s；不填时新委员为在任，已有委员保持不变。")
            % {"words": words(choice_words(MemberStatus.choices))},
        ],
    ]
    return _workbook([(_("委员"), MEMBER_COLUMNS, []), (_("填写说明"), [_("列"), _("说明")], notes)])


def unit_template() -> bytes:
    notes = [
        ["名称", _("必填。按名称识别已有单位：再次导入时更新其信息，不会重复添加。")],
        ["简称", _("可不填。")],
        [
            "类别",
            _("填写：%(words)s；不填时新单位为政府部门，已有单位保持不变。")
            % {"words": LIST_SEPARATOR.join(choice_words(UnitKind.choices))},
        ],
        ["联系电话", _("可不填。")],
        ["地址", _("可不填。")],
    ]
    return _workbook([(_("承办单位"), UNIT_COLUMNS, []), (_("填写说明"), [_("列"), _("说明")], notes)])
