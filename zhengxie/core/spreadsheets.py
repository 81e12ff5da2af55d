"""Rows of every .xlsx the platform writes go through ``append``, so that text people typed stays text.

openpyxl stores any string that starts with ``=`` as a formula (and ``#N/A`` and the like as an error value), so a
proposal titled ``=HYPERLINK(…)`` would open as a live link in the office's list. Here every string becomes a text
cell, shown exactly as typed; one that starts with a character a spreadsheet program reads as the start of a formula
also carries the cell format's "quote prefix", the flag Excel sets itself when someone types ``'=…``, so that editing
the cell keeps it text too (docs/decisions.md, "Text in spreadsheets").
"""

import io
from collections.abc import Callable, Iterable

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# What starts a formula in Excel, WPS or LibreOffice, or does once the cell is edited or the sheet saved as CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: Cell) -> Cell:
    """``cell`` with a string value stored as a text cell (other values, numbers and dates, are left as they are)."""
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"  # the value setter made "=…" a formula and "#N/A" an error
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def text_cells(sheet, values: Iterable) -> list:
    """``values`` (plain values or cells of ``sheet``) ready for ``sheet.append``: strings as text cells."""
    row = []
    for value in values:
        if isinstance(value, Cell):
            row.append(as_text(value))
        elif isinstance(value, str):
            # a placeholder position, as openpyxl's WriteOnlyCell has: append sets the real one
            row.append(as_text(Cell(sheet, row=1, column=1, value=value)))
        else:
            row.append(value)
    return row


def append(sheet, values: Iterable) -> None:
    """``sheet.append(values)`` for a normal or a write-only worksheet, every string stored as text."""
    sheet.append(text_cells(sheet, values))


def set_widths(sheet, widths: Iterable[float]) -> None:
    """The columns' widths, from the first column on (before any row of a write-only sheet)."""
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def append_title(sheet, text: str) -> None:
    """A title line in bold, above a write-only sheet's header."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True, size=13)
    append(sheet, [cell])


def append_header(sheet, labels: Iterable) -> None:
    """A write-only sheet's header row: the labels (plain values, not lazy translations) bold and centred."""
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        cells.append(cell)
    append(sheet, cells)


def workbook_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_first_sheet(upload, read: Callable, *, formulas: bool = False):
    """``read(sheet)`` over the first sheet of an uploaded .xlsx, for the imports. Raises ``ValidationError`` in
    words for a file over ``IMPORT_MAX_BYTES`` or one that is no readable workbook; a ``ValidationError`` of
    ``read`` passes through, any other error of a damaged file is "no workbook". With ``formulas`` a formula cell is
    read as its formula (so that an import can refuse it) rather than as its cached value."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("文件超过 %(mb)s MB 的上限。") % {"mb": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:g}"}, code="too_big"
        )
    not_xlsx = ValidationError(_("无法读取该文件：请上传 Excel 工作簿（.xlsx）。"), code="not_xlsx")
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":  # every .xlsx is a zip archive
        raise not_xlsx
    upload.seek(0)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=not formulas)
    except Exception as exc:  # openpyxl raises many kinds of error on damaged or foreign zip files
        raise not_xlsx from exc
    try:
        return read(workbook.worksheets[0])
    except ValidationError:
        raise
    except Exception as exc:
        raise not_xlsx from exc
    finally:
        workbook.close()
