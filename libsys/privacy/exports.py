"""A reader's data as files for her: JSON (keys and codes, for programs), or an xlsx workbook
in words (Vietnamese, or English when she is served in English) with one sheet per part.

The workbook says what the staff reader page says: the same field labels, names instead of
codes (gender, ethnicity, category, library, commune, statuses), days as dd/mm/yyyy.
"""

import json
from datetime import UTC, date, datetime

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from libsys.core.clock import _zone, local_today
from libsys.core.spreadsheets import (
    DAY_FORMAT,
    MONEY_FORMAT,
    append_row,
    set_widths,
    style_header,
    workbook_bytes,
)
from libsys.readers.ethnicities import ETHNICITY_NAMES
from libsys.readers.labels import GENDER_LABELS, READER_LABELS


def _iso(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def data_json(data: dict) -> bytes:
    """The export as indented UTF-8 JSON (Vietnamese letters as they are, ISO days)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_iso).encode()


READER_STATUS_LABELS = {"active": _l("Active"), "blocked": _l("Blocked"), "expired": _l("Expired")}
LOAN_STATUS_LABELS = {
    "on_loan": _l("Not yet returned"),
    "returned": _l("Returned"),
    "lost": _l("Reported lost"),
}
HOLD_STATUS_LABELS = {
    "waiting": _l("In the queue"),
    "in_transit": _l("In transit"),
    "on_shelf": _l("On the hold shelf"),
    "fulfilled": _l("Collected"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Not collected in time"),
}
YES_NO = {True: _l("Yes"), False: _l("No")}
# Each part's sheet: its name, and its columns (key in the data, heading, width).
PARTS = {
    "loans": (
        _l("Books borrowed"),
        [
            ("barcode", _l("Barcode"), 16),
            ("title", _l("Title"), 50),
            ("library", _l("Library"), 30),
            ("checked_out_at", _l("Borrowed on"), 14),
            ("due_date", _l("Due date"), 14),
            ("returned_at", _l("Returned on"), 14),
            ("status", _l("Status"), 18),
            ("renewals", _l("Renewals"), 12),
        ],
    ),
    "holds": (
        _l("Holds"),
        [
            ("title", _l("Title"), 50),
            ("pickup_library", _l("Pickup library"), 30),
            ("placed_at", _l("Placed on"), 14),
            ("status", _l("Status"), 22),
            ("closed_at", _l("Ended on"), 14),
        ],
    ),
    "visits": (
        _l("Visits to the library"),
        [("day", _l("Date"), 14), ("library", _l("Library"), 40)],
    ),
    "fines": (
        _l("Fines"),
        [
            ("amount", _l("Amount (đồng)"), 16),
            ("overdue_days", _l("Days overdue"), 14),
            ("charged_at", _l("Charged on"), 14),
            ("settled_at", _l("Settled on"), 14),
            ("waived", _l("Waived"), 12),
        ],
    ),
}
STATUS_NAMES = {"loans": LOAN_STATUS_LABELS, "holds": HOLD_STATUS_LABELS}


def _day(value):
    """A day as a day; a stored (naive UTC) time as the library's local day."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).astimezone(_zone()).date()
    return value


def _in_words(name: str, value, record: dict):
    """One value of her record as the reader page shows it (codes become names)."""
    if name == "status":
        expires = record.get("card_expires")
        if value != "blocked" and expires is not None and expires < local_today():
            value = "expired"
        return READER_STATUS_LABELS.get(value, value)
    if value is None:
        return ""
    if name == "gender":
        return GENDER_LABELS.get(value, value)
    if name == "ethnicity":
        return ETHNICITY_NAMES.get(value, value)
    if name == "language":
        return current_app.config["LANGUAGES"].get(value, value)
    if isinstance(value, bool):
        return YES_NO[value]
    return _day(value)


def _add_row(sheet, values) -> None:
    """A row of text, numbers and days (dd/mm/yyyy); words of the labels as text."""
    values = [str(value) if isinstance(value, LazyString) else value for value in values]
    for cell in append_row(sheet, ["" if value is None else value for value in values]):
        if isinstance(cell.value, date):
            cell.number_format = DAY_FORMAT


def data_xlsx(data: dict) -> bytes:
    """The export as a workbook for her: her record (information, value), then her loans,
    holds, visits and fines, each sheet with its headings even when it has no rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_l("Her details"))
    style_header(append_row(sheet, [str(_l("Information")), str(_l("Value"))]))
    record = data["reader"]
    for name, label in READER_LABELS.items():
        _add_row(sheet, [str(label), _in_words(name, record.get(name), record)])
    set_widths(sheet, [34, 60])
    for part, (title, columns) in PARTS.items():
        sheet = workbook.create_sheet(str(title)[:31])
        style_header(append_row(sheet, [str(heading) for _key, heading, _width in columns]))
        statuses = STATUS_NAMES.get(part, {})
        for row in data[part]:
            values = []
            for key, _heading, _width in columns:
                value = row[key]
                if key == "status":
                    value = statuses.get(value, value)
                elif isinstance(value, bool):
                    value = YES_NO[value]
                values.append(_day(value))
            _add_row(sheet, values)
            if part == "fines":
                sheet.cell(sheet.max_row, 1).number_format = MONEY_FORMAT
        set_widths(sheet, [width for _key, _heading, width in columns])
        sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)
