"""What every statistics file shares: the period in words, a sheet's heading and print
set-up, numbers as numbers, and the PDF's heading, tables and signatures."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer

from libsys.core.formats import format_day
from libsys.core.pdf import (
    build_pdf,
    grid_style,
    paragraph,
    record_heading,
    signature_blocks,
    vietnamese_font,
)
from libsys.core.spreadsheets import append_row, workbook_bytes  # noqa: F401  (for callers)
from libsys.stats.exports.labels import scope_name
from libsys.stats.periods import Period
from libsys.stats.scope import Scope

SIGNERS = (_l("Prepared by"), _l("Head of the unit"))
# Sheet names may not hold these, nor be longer than 31 characters.
_SHEET_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


def period_words(period: Period) -> str:
    """The period as a report names it: Tháng 10/2026, 6 tháng đầu năm 2026, Năm 2026..."""
    label = period.label
    if label.isdigit():
        return _("Year %(year)s", year=label)
    if label.endswith("-H1"):
        return _("First six months of %(year)s", year=label[:4])
    if label.endswith("-H2"):
        return _("Last six months of %(year)s", year=label[:4])
    if len(period.months()) == 1 and period.start.day == 1 and "." not in label:
        return _("Month %(month)s", month=period.start.strftime("%m/%Y"))
    return _(
        "From %(start)s to %(end)s", start=format_day(period.start), end=format_day(period.end)
    )


def sheet_title(text) -> str:
    """A name Excel accepts for a sheet."""
    return str(text).translate(_SHEET_FORBIDDEN)[:31]


def sheet_heading(sheet, title: str, period: Period, scope: Scope, *, columns: int) -> None:
    """Two lines over a table: the title, then who and when, each across the table."""
    from openpyxl.styles import Alignment, Font

    subtitle = f"{scope_name(scope)} · {period_words(period)}"
    for text, font in ((title, Font(bold=True, size=14)), (subtitle, Font(italic=True))):
        (cell,) = append_row(sheet, [text])
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(
            start_row=cell.row, start_column=1, end_row=cell.row, end_column=max(columns, 1)
        )


def number_cells(cells, *, bold: bool = False) -> None:
    """Whole numbers with thousands separators, decimals with two places; bold if asked."""
    from openpyxl.styles import Font

    for cell in cells:
        if isinstance(cell.value, bool):
            continue
        if isinstance(cell.value, int):
            cell.number_format = "#,##0"
        elif isinstance(cell.value, float):
            cell.number_format = "#,##0.00"
        if bold:
            cell.font = Font(bold=True)


def print_setup(sheet) -> None:
    """A4 landscape with grid lines, headings kept in view (they are on row 3)."""
    sheet.freeze_panes = "A4"
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "3:3"


def signature_rows(sheet) -> None:
    """The signers' roles under a sheet's table, as on the printed report."""
    from openpyxl.styles import Font

    append_row(sheet, [])
    cells = append_row(sheet, [str(SIGNERS[0]), "", "", str(SIGNERS[1])])
    for cell in cells:
        cell.font = Font(bold=True)


def number_text(value) -> str:
    """A figure the Vietnamese way: 1.250 and 0,45; empty for none."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(value):,}".replace(",", ".")


def pdf_styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of a statistics PDF."""
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    return {
        "normal": ParagraphStyle("n", fontName=font, fontSize=10, leading=13, alignment=1),
        "cell": ParagraphStyle("c", fontName=font, fontSize=8, leading=10),
        "number": ParagraphStyle("r", fontName=font, fontSize=8, leading=10, alignment=2),
        "head": ParagraphStyle("h", fontName=bold, fontSize=8, leading=10, alignment=1),
        "title": ParagraphStyle("t", fontName=bold, fontSize=14, leading=18, alignment=1),
        "section": ParagraphStyle("s", fontName=bold, fontSize=11, leading=14),
    }


def pdf_table(headers: list[str], rows: list[list], widths: list[float], *, bold_last=False):
    """A ruled table: headings shaded, texts left, numbers right in the Vietnamese way."""
    styles = pdf_styles()
    body = [[paragraph(text, styles["head"]) for text in headers]]
    for position, row in enumerate(rows, start=1):
        last = bold_last and position == len(rows)
        body.append(
            [
                paragraph(
                    number_text(cell) if isinstance(cell, int | float) else (cell or ""),
                    styles["head"]
                    if last and not isinstance(cell, int | float)
                    else styles["number"]
                    if isinstance(cell, int | float) or cell is None
                    else styles["cell"],
                )
                for cell in row
            ]
        )
    table = LongTable(body, colWidths=[width * mm for width in widths], repeatRows=1)
    table.setStyle(grid_style(header=True))
    return table


def report_document(title: str, period: Period, scope: Scope, parts: list, *, wide=False):
    """A signed statistics PDF: the unit's heading, the title and period, the parts
    (a heading and a table each), then the signers."""
    styles = pdf_styles()
    pagesize = landscape(A4) if wide else A4
    width = (pagesize[0] - 24 * mm) / mm
    story = [
        record_heading(scope_name(scope), "……/BC"),
        Spacer(1, 8 * mm),
        paragraph(title, styles["title"]),
        paragraph(period_words(period), styles["normal"]),
        Spacer(1, 4 * mm),
    ]
    for heading, table in parts:
        if heading:
            story += [paragraph(heading, styles["section"]), Spacer(1, 2 * mm)]
        story += [table, Spacer(1, 6 * mm)]
    story.append(signature_blocks([str(signer) for signer in SIGNERS], width=width * mm))
    return build_pdf(story, title=f"{title} · {period_words(period)}", pagesize=pagesize)


def summary_document(title: str, period: Period, scope: Scope, values) -> bytes:
    """Every indicator with its unit, value and target, as a signed PDF."""
    rows = [
        [
            str(value.indicator.label),
            str(value.indicator.unit),
            value.value,
            target_text(value.target_min, value.target_max),
        ]
        for value in values
    ]
    table = pdf_table([_("Indicator"), _("Unit"), _("Value"), _("Target")], rows, [86, 34, 30, 36])
    return report_document(title, period, scope, [("", table)])


def target_text(low, high) -> str:
    """A target as written in a plan: 8.000, 8.000 – 9.000, from 100, up to 200."""
    if low is not None and high is not None and low != high:
        return f"{number_text(low)} – {number_text(high)}"
    if low is not None:
        return number_text(low) if high is not None else _("from %(low)s", low=number_text(low))
    if high is not None:
        return _("up to %(high)s", high=number_text(high))
    return ""
