"""The attendance sheet of an activity (考勤表) as .xlsx: the activity, one row per invitee with sign-up, check-in,
leave and final status, and the totals. Read with a fixed number of queries however many invitees there are."""

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhengxie.core import spreadsheets

from . import activities
from .models import Activity, AttendanceStatus

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = [6, 14, 16, 18, 18, 14, 10, 30, 24, 10]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def attendance_header() -> list[str]:
    return [
        _("序号"),
        _("姓名"),
        _("界别"),
        _("报名时间"),
        _("签到时间"),
        _("签到方式"),
        _("请假"),
        _("请假理由"),
        _("审批意见"),
        _("考勤"),
    ]


def _invitations(activity: Activity) -> list:
    invitations = list(
        activity.invitations.select_related("member__sector", "leave").order_by(
            "member__sector__sort_order", "member__name", "member_id"
        )
    )
    for inv in invitations:
        inv.activity = activity  # activities.expected reads it
    return invitations


def attendance_rows(invitations: list) -> list[list]:
    rows = []
    for n, inv in enumerate(invitations, start=1):
        leave = inv.leave if hasattr(inv, "leave") else None
        if inv.checked_in_at is None:
            how = ""
        elif inv.checked_in_by_staff:
            how = _("工作人员登记")
        else:
            how = _("扫码签到")
        if inv.status:
            status = inv.get_status_display()
        elif not activities.expected(inv):
            status = _("未报名")
        else:
            status = ""
        rows.append(
            [
                n,
                inv.member.name,
                inv.member.sector.name,
                _when(inv.signed_up_at),
                _when(inv.checked_in_at),
                how,
                leave.get_state_display() if leave else "",
                leave.reason if leave else "",
                leave.comment if leave else "",
                status,
            ]
        )
    return rows


def attendance_workbook(activity: Activity) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("考勤表")
    spreadsheets.append(sheet, [_("%(t)s 考勤表") % {"t": activity.title}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(WIDTHS))
    organiser = activity.organiser.name if activity.organiser_id else _("机关")
    for label, value in [
        (_("类别"), activity.kind.name),
        (_("时间"), f"{_when(activity.start)} – {_when(activity.end)}"),
        (_("地点"), activity.place),
        (_("组织单位"), organiser),
        (_("参加方式"), activity.get_attendance_display()),
        (_("状态"), activity.get_state_display()),
    ]:
        spreadsheets.append(sheet, [label, value])
        sheet.merge_cells(start_row=sheet.max_row, start_column=2, end_row=sheet.max_row, end_column=len(WIDTHS))
    spreadsheets.append(sheet, [])
    header_row = sheet.max_row + 1
    spreadsheets.append(sheet, attendance_header())
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    invitations = _invitations(activity)
    for row in attendance_rows(invitations):
        spreadsheets.append(sheet, row)
    spreadsheets.append(sheet, [])
    counts = {s: 0 for s in AttendanceStatus.values}
    for inv in invitations:
        if inv.status:
            counts[inv.status] += 1
    spreadsheets.append(sheet, [_("合计"), _("受邀 %(n)d 人") % {"n": len(invitations)}])
    for value, label in AttendanceStatus.choices:
        spreadsheets.append(sheet, ["", f"{label} {counts[value]}"])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    return spreadsheets.workbook_bytes(book)
