"""The handover minutes of a batch (biên bản giao nhận, in the style of Mẫu số 02 of
Circular 33/2018): the national heading, the two parties, the date, the list of copies
(accession number, title, author, call number, price), totals and both signatures.

One for the dispatch (the library hands over, the point receives) and one for the return
(the point hands back, the library receives, each copy's condition noted).
"""

from flask_babel import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer

from libsys.core.clock import local_today
from libsys.core.formats import format_day, format_number
from libsys.core.pdf import (
    build_pdf,
    grid_style,
    paragraph,
    record_heading,
    signature_blocks,
    vietnamese_font,
)
from libsys.rotation.models import RotationBatch

MINUTES_KINDS = ("dispatch", "return")


def _outcome_label(outcome: str | None) -> str:
    return {
        "returned": _("Returned"),
        "damaged": _("Damaged"),
        "missing": _("Missing"),
    }.get(outcome or "", "")


def _party(label: str, library) -> str:
    contact = library.contact_name or ""
    line = f"{label}: {library.name}"
    if contact:
        line += " — " + _("represented by %(name)s", name=contact)
    if library.phone:
        line += " — " + _("phone %(phone)s", phone=library.phone)
    return line


def handover_minutes_pdf(batch: RotationBatch, kind: str = "dispatch") -> bytes:
    """The minutes of handing a batch over (`dispatch`) or back (`return`), as a PDF."""
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    normal = ParagraphStyle("n", fontName=font, fontSize=10, leading=13)
    small = ParagraphStyle("s", fontName=font, fontSize=8, leading=10)
    small_bold = ParagraphStyle("sb", fontName=bold, fontSize=8, leading=10, alignment=1)
    heading = ParagraphStyle("t", fontName=bold, fontSize=14, leading=18, alignment=1)

    def para(text, style=normal):
        return paragraph(text, style)

    returning = kind == "return"
    giver, taker = (batch.point, batch.library) if returning else (batch.library, batch.point)
    day = (batch.closed_on or batch.return_started_on) if returning else batch.dispatched_on
    title = (
        _("MINUTES OF RETURN OF ROTATED DOCUMENTS")
        if returning
        else _("MINUTES OF HANDOVER OF ROTATED DOCUMENTS")
    )
    columns = [
        _("No."),
        _("Accession number"),
        _("Title"),
        _("Author"),
        _("Call number"),
        _("Price (VND)"),
    ]
    widths = [12 * mm, 26 * mm, 58 * mm, 36 * mm, 26 * mm, 22 * mm]
    if returning:
        columns.append(_("Condition"))
        widths = [12 * mm, 24 * mm, 48 * mm, 30 * mm, 24 * mm, 20 * mm, 22 * mm]
    rows = [[para(name, small_bold) for name in columns]]
    total = 0
    for number, line in enumerate(batch.lines, start=1):
        item = line.item
        total += item.price or 0
        row = [
            para(number, small),
            para(item.accession_number, small),
            para(item.record.title, small),
            para(item.record.authors or item.record.responsibility or "", small),
            para(item.call_number or "", small),
            para(format_number(item.price) if item.price is not None else "", small),
        ]
        if returning:
            row.append(para(_outcome_label(line.outcome), small))
        rows.append(row)
    total_row = ["", "", para(_("Total"), small_bold), "", "", para(format_number(total), small)]
    rows.append(total_row + ([""] if returning else []))
    grid = LongTable(rows, colWidths=widths, repeatRows=1)
    grid.setStyle(grid_style(header=True))
    story = [
        record_heading(batch.library.name, batch.reference),
        Spacer(1, 8 * mm),
        para(title, heading),
        Spacer(1, 4 * mm),
        para(_("Date: %(day)s", day=format_day(day or local_today()))),
        para(_party(_("Handing party (Party A)"), giver)),
        para(_party(_("Receiving party (Party B)"), taker)),
        para(
            _(
                "Planned return: %(day)s.",
                day=format_day(batch.planned_return),
            )
        ),
        para(
            _(
                "Copies handed over: %(copies)s; total value: %(value)s VND.",
                copies=len(batch.lines),
                value=format_number(total),
            )
        ),
        Spacer(1, 4 * mm),
        grid,
    ]
    if returning:
        counts = {outcome: 0 for outcome in ("returned", "damaged", "missing")}
        for line in batch.lines:
            if line.outcome in counts:
                counts[line.outcome] += 1
        story.append(Spacer(1, 3 * mm))
        story.append(
            para(
                _(
                    "Returned: %(returned)s; damaged: %(damaged)s; missing: %(missing)s.",
                    **counts,
                )
            )
        )
    story += [
        Spacer(1, 10 * mm),
        signature_blocks([_("Representative of Party A"), _("Representative of Party B")]),
    ]
    return build_pdf(story, title=title, page_numbers=True)
