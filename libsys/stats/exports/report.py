"""The 6-month and annual report in the shape of the ministry's public-library table: a
row per level of library (libraries, copies held, acquisitions in copies, periodical
titles, reader cards, visits, document uses, copies per inhabitant) and the total; then the
plan targets against the figures. As xlsx or as a signed PDF."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from libsys.core.spreadsheets import append_row, set_widths, style_header
from libsys.extensions import db
from libsys.network.labels import LEVEL_LABELS
from libsys.network.models import Library
from libsys.stats.exports import document
from libsys.stats.exports.labels import Progress
from libsys.stats.periods import Period
from libsys.stats.scope import Scope, level_scope
from libsys.stats.services import IndicatorValue, indicator_values

# The ministry table's columns after the number of libraries, as indicator codes.
REPORT_CODES = (
    "holdings_copies",
    "acquired_copies",
    "periodical_titles",
    "new_cards",
    "visits",
    "document_uses",
    "copies_per_inhabitant",
)
# Its rows: the levels of library (rotation points count with the library that serves them).
REPORT_LEVELS = ("provincial", "district", "commune", "school", "other")


def _parts(scope: Scope) -> list[tuple[str, Scope, int]]:
    """(row heading, scope, number of libraries) for each row above the total."""
    if scope.library is not None:
        library = scope.library
        return [(f"{LEVEL_LABELS.get(library.level, library.level)}: {library.name}", scope, 1)]
    if scope.level is not None:
        return [(str(LEVEL_LABELS.get(scope.level, scope.level)), scope, len(scope.own_ids))]
    counts = dict(
        db.session.execute(
            select(Library.level, func.count(Library.id))
            .where(Library.level.in_(REPORT_LEVELS))
            .group_by(Library.level)
        ).all()
    )
    return [
        (str(LEVEL_LABELS[level]), level_scope(level), counts[level])
        for level in REPORT_LEVELS
        if counts.get(level)
    ]


def _in_table_order(values: list[IndicatorValue]) -> list[IndicatorValue]:
    """The values in the ministry table's column order (the registry has its own)."""
    by_code = {value.indicator.code: value for value in values}
    return [by_code[code] for code in REPORT_CODES]


def level_table(period: Period, scope: Scope, progress: Progress = None):
    """The ministry table: (headings, rows per level, total row)."""
    parts = _parts(scope)
    steps = len(parts) + 2
    rows = []
    for position, (heading, part, libraries) in enumerate(parts, start=1):
        values = _in_table_order(indicator_values(period, part, codes=REPORT_CODES))
        rows.append([heading, libraries, *(value.value for value in values)])
        if progress is not None:
            progress(position, steps)
    totals = _in_table_order(indicator_values(period, scope, codes=REPORT_CODES))
    total = [_("Total"), sum(libraries for _h, _s, libraries in parts)]
    total += [value.value for value in totals]
    headings = [_("Level of library"), _("Libraries")]
    headings += [str(value.indicator.label) for value in totals]  # labels name their unit
    if progress is not None:
        progress(len(parts) + 1, steps)
    return headings, rows, total


def percent_of_target(value: IndicatorValue) -> float | None:
    """The figure as a percentage of its target (the lower end of a range), one decimal."""
    target = value.target_min if value.target_min is not None else value.target_max
    if value.value is None or not target:
        return None
    return round(value.value * 100 / target, 1)


def target_rows(period: Period, scope: Scope) -> list[list]:
    """Each indicator with a target: code, label, unit, target from, to, value, % of target."""
    return [
        [
            value.indicator.code,
            str(value.indicator.label),
            str(value.indicator.unit),
            value.target_min,
            value.target_max,
            value.value,
            percent_of_target(value),
        ]
        for value in indicator_values(period, scope)
        if value.target_min is not None or value.target_max is not None
    ]


def _title(period: Period) -> str:
    if period.label.isdigit():
        return _("ANNUAL REPORT ON LIBRARY ACTIVITIES")
    return _("SIX-MONTH REPORT ON LIBRARY ACTIVITIES")


def report_xlsx(period: Period, scope: Scope, progress: Progress = None) -> bytes:
    """Sheet 1 the ministry table with the signers; sheet 2 the plan targets."""
    from openpyxl import Workbook

    headings, rows, total = level_table(period, scope, progress)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = document.sheet_title(_("Report"))
    document.sheet_heading(sheet, _title(period), period, scope, columns=len(headings))
    style_header(append_row(sheet, headings))
    for row in rows:
        document.number_cells(append_row(sheet, row))
    document.number_cells(append_row(sheet, total), bold=True)
    document.signature_rows(sheet)
    set_widths(sheet, [34, 10, *([16] * (len(headings) - 2))])
    document.print_setup(sheet)

    targets = workbook.create_sheet(document.sheet_title(_("Plan targets")))
    document.sheet_heading(targets, _("Figures against the plan targets"), period, scope, columns=7)
    style_header(
        append_row(
            targets,
            [
                _("Code"),
                _("Indicator"),
                _("Unit"),
                _("Target from"),
                _("Target to"),
                _("Value"),
                _("% of target"),
            ],
        )
    )
    for row in target_rows(period, scope):
        document.number_cells(append_row(targets, row))
    set_widths(targets, [24, 48, 18, 14, 14, 14, 12])
    document.print_setup(targets)
    if progress is not None:
        progress(len(rows) + 2, len(rows) + 2)
    return document.workbook_bytes(workbook)


def report_pdf(period: Period, scope: Scope, progress: Progress = None) -> bytes:
    """The ministry table and the targets as a signed PDF, A4 landscape."""
    headings, rows, total = level_table(period, scope, progress)
    table = document.pdf_table(headings, [*rows, total], [56, 20, *([28] * 7)], bold_last=True)
    comparison = [
        [label, unit, document.target_text(low, high), value, percent]
        for _code, label, unit, low, high, value, percent in target_rows(period, scope)
    ]
    targets = document.pdf_table(
        [_("Indicator"), _("Unit"), _("Target"), _("Value"), _("% of target")],
        comparison,
        [110, 40, 50, 30, 30],
    )
    content = document.report_document(
        _title(period),
        period,
        scope,
        [
            (_("Figures by level of library"), table),
            (_("Figures against the plan targets"), targets),
        ],
        wide=True,
    )
    if progress is not None:
        progress(len(rows) + 2, len(rows) + 2)
    return content
