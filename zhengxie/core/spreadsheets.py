"""Rows of every .xlsx the platform writes go through ``append``, so that text people typed stays text.

openpyxl stores any string that starts with ``=`` as a formula (and ``#N/A`` and the like as an error value), so a
proposal titled ``=HYPERLINK(…)`` would open as a live link in the office's list. Here every string becomes a text
cell, shown exactly as typed; one that starts with a character a spreadsheet program reads as the start of a formula
also carries the cell format's "quote prefix", the flag Excel sets itself when someone types ``'=…``, so that editing
the cell keeps it text too (docs/decisions.md, "Text in spreadsheets").
"""

from collections.abc import Iterable

from openpyxl.cell import Cell

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
