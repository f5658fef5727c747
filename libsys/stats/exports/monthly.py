"""Monthly statistics: a summary of every indicator and a sheet per breakdown (xlsx), the
same as one long table (csv), or the summary alone (PDF)."""

import csv
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from libsys.core.spreadsheets import append_row, csv_safe, set_widths, style_header
from libsys.stats.exports import document
from libsys.stats.exports.labels import BREAKDOWN_LABELS, Progress, group_namer
from libsys.stats.indicators import Figures
from libsys.stats.indicators.queries import BREAKDOWNS
from libsys.stats.periods import Period
from libsys.stats.scope import Scope
from libsys.stats.services import IndicatorValue, indicator_values

SUMMARY_TITLE = _l("Summary of indicators")


def _tick(progress: Progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def summary_rows(values: list[IndicatorValue]) -> list[list]:
    """Code, label, unit, value, target min and max: one row per indicator."""
    return [
        [
            value.indicator.code,
            str(value.indicator.label),
            str(value.indicator.unit),
            value.value,
            value.target_min,
            value.target_max,
        ]
        for value in values
    ]


def breakdown_table(breakdown: str, values: list[IndicatorValue]) -> tuple[list, list, list]:
    """A breakdown as (indicators it splits, rows: code, name and a value per indicator,
    the total row); a group an indicator has nothing for counts 0."""
    split = [value for value in values if value.breakdown is not None]
    groups = sorted({group for value in split for group in value.breakdown})
    name_of = group_namer(breakdown)
    rows = [
        [group, name_of(group), *(value.breakdown.get(group, 0) for value in split)]
        for group in groups
    ]
    total = ["", _("Total"), *(value.value for value in split)]
    return split, rows, total


def monthly_xlsx(period: Period, scope: Scope, progress: Progress = None) -> bytes:
    """The summary sheet, then one sheet per breakdown (groups as rows, indicators as columns)."""
    from openpyxl import Workbook

    steps = 1 + len(BREAKDOWNS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(SUMMARY_TITLE)
    # One set of figures for every sheet: a figure without the breakdown is counted once.
    figures = Figures(period, scope)
    values = indicator_values(period, scope, figures=figures)
    document.sheet_heading(sheet, _("MONTHLY STATISTICS"), period, scope, columns=6)
    headers = [_("Code"), _("Indicator"), _("Unit"), _("Value"), _("Target from"), _("Target to")]
    style_header(append_row(sheet, headers))
    for row in summary_rows(values):
        document.number_cells(append_row(sheet, row))
    set_widths(sheet, [24, 48, 18, 14, 14, 14])
    document.print_setup(sheet)
    _tick(progress, 1, steps)
    for position, breakdown in enumerate(BREAKDOWNS, start=2):
        split, rows, total = breakdown_table(
            breakdown, indicator_values(period, scope, breakdown=breakdown, figures=figures)
        )
        sheet = workbook.create_sheet(document.sheet_title(BREAKDOWN_LABELS[breakdown]))
        document.sheet_heading(
            sheet,
            _("Statistics by %(breakdown)s", breakdown=str(BREAKDOWN_LABELS[breakdown]).lower()),
            period,
            scope,
            columns=2 + len(split),
        )
        headers = [_("Code"), str(BREAKDOWN_LABELS[breakdown])]
        style_header(append_row(sheet, [*headers, *(str(v.indicator.label) for v in split)]))
        for row in rows:
            document.number_cells(append_row(sheet, row))
        document.number_cells(append_row(sheet, total), bold=True)
        set_widths(sheet, [14, 30, *([16] * len(split))])
        document.print_setup(sheet)
        _tick(progress, position, steps)
    return document.workbook_bytes(workbook)


def long_rows(period: Period, scope: Scope, progress: Progress = None):
    """Every figure as (breakdown, group, group name, code, indicator, unit, value): the
    totals first (no breakdown), then each breakdown's groups."""
    steps = 1 + len(BREAKDOWNS)
    figures = Figures(period, scope)
    for value in indicator_values(period, scope, figures=figures):
        indicator = value.indicator
        yield ["", "", "", indicator.code, str(indicator.label), str(indicator.unit), value.value]
    _tick(progress, 1, steps)
    for position, breakdown in enumerate(BREAKDOWNS, start=2):
        name_of = group_namer(breakdown)
        for value in indicator_values(period, scope, breakdown=breakdown, figures=figures):
            if value.breakdown is None:
                continue
            indicator = value.indicator
            for group, figure in value.breakdown.items():
                yield [
                    breakdown,
                    group,
                    name_of(group),
                    indicator.code,
                    str(indicator.label),
                    str(indicator.unit),
                    figure,
                ]
        _tick(progress, position, steps)


def long_csv(period: Period, scope: Scope, progress: Progress = None) -> bytes:
    """The long table as CSV (UTF-8 with a BOM, so spreadsheet programs read the accents);
    no cell starts like a formula."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["breakdown", "group", "group_name", "code", "indicator", "unit", "value"])
    for row in long_rows(period, scope, progress):
        writer.writerow([csv_safe("" if cell is None else cell) for cell in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def summary_pdf(period: Period, scope: Scope, progress: Progress = None) -> bytes:
    """The summary table as a signed PDF (a month, or a range of days)."""
    values = indicator_values(period, scope)
    _tick(progress, 1, 1)
    return document.summary_document(_("MONTHLY STATISTICS"), period, scope, values)
