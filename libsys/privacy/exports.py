"""A reader's data as files for her: JSON, or an xlsx workbook with one sheet per part."""

import json

from libsys.core.spreadsheets import append_row, set_widths, style_header, workbook_bytes


def data_json(data: dict) -> bytes:
    """The export as indented UTF-8 JSON (Vietnamese letters as they are)."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def data_xlsx(data: dict) -> bytes:
    """The export as a workbook: her record (field, value), then loans, holds, visits, fines."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "reader"
    style_header(append_row(sheet, ["field", "value"]))
    for name, value in data["reader"].items():
        append_row(sheet, [name, "" if value is None else value])
    set_widths(sheet, [20, 60])
    for part in ("loans", "holds", "visits", "fines"):
        sheet = workbook.create_sheet(part)
        rows = data[part]
        if not rows:
            continue
        headers = list(rows[0])
        style_header(append_row(sheet, headers))
        for row in rows:
            append_row(sheet, ["" if row[name] is None else row[name] for name in headers])
        set_widths(sheet, [22] * len(headers))
    return workbook_bytes(workbook)
