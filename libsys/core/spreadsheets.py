"""Spreadsheets for every download: registers now, statistics exports next (xlsx, CSV).

What a cell holds is data, never a formula: a title typed or imported as "=1+1" (or
"+...", "-...", "@...") must not run when a librarian opens the file. In xlsx a text is
written as an explicit string cell; CSV has no types, so such a text gets a leading "'".
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written, not at start-up
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DAY_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = "#,##0"


def csv_safe(value):
    """A CSV field that no spreadsheet reads as a formula: such a text gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_text(cell):
    """Keep a text cell a string: openpyxl reads a text starting with "=" as a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def append_row(sheet: Worksheet, values: Sequence) -> list:
    """Add a row below the last one (as `sheet.append`, but text stays text); its cells."""
    sheet.append(list(values))
    return [as_text(cell) for cell in sheet[sheet.max_row][: len(values)]]


def style_header(cells: Iterable) -> None:
    """Bold, centred, wrapped and boxed: the column headings of a table."""
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    for cell in cells:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)


def set_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    """Column widths, in characters, from column A on."""
    from openpyxl.utils import get_column_letter

    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as the bytes of an xlsx file."""
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def table_xlsx(
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[float],
    money_columns: Sequence[int] = (),
    total_row: Sequence | None = None,
) -> bytes:
    """A one-sheet workbook printed A4 landscape: title, subtitle, headings, lines, total.

    Days show as dd/mm/yyyy and whole amounts in `money_columns` (0-based) with thousands
    separators; the headings stay in view when scrolling and on every printed page.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # the longest sheet name Excel accepts
    columns = len(headers)
    for text in (title, subtitle):
        (cell,) = append_row(sheet, [text])
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=cell.row, start_column=1, end_row=cell.row, end_column=columns)
    sheet["A1"].font = Font(bold=True, size=14)
    style_header(append_row(sheet, headers))
    lines = list(rows) + ([total_row] if total_row else [])
    for line in lines:
        for position, cell in enumerate(append_row(sheet, line)):
            if isinstance(cell.value, date):
                cell.number_format = DAY_FORMAT
            elif position in money_columns and isinstance(cell.value, int):
                cell.number_format = MONEY_FORMAT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if total_row:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    set_widths(sheet, widths)
    sheet.freeze_panes = "A4"
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "3:3"
    return workbook_bytes(workbook)
