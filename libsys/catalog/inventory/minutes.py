"""The withdrawal minutes (biên bản thanh lý) as a PDF: copies, total value, signatures."""

from flask_babel import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer

from libsys.catalog.inventory.withdrawal import removal_copies
from libsys.catalog.models import AcquisitionBatch
from libsys.core.formats import format_day, format_number
from libsys.core.pdf import (
    build_pdf,
    grid_style,
    paragraph,
    record_heading,
    signature_blocks,
    vietnamese_font,
)


def withdrawal_minutes_pdf(batch: AcquisitionBatch) -> bytes:
    """The withdrawal minutes (biên bản thanh lý): copies, total value, signatures."""
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    normal = ParagraphStyle("n", fontName=font, fontSize=10, leading=13)
    small = ParagraphStyle("s", fontName=font, fontSize=8, leading=10)
    small_bold = ParagraphStyle("sb", fontName=bold, fontSize=8, leading=10, alignment=1)
    title = ParagraphStyle("t", fontName=bold, fontSize=14, leading=18, alignment=1)

    def para(text, style=normal):
        return paragraph(text, style)

    copies = removal_copies(batch)
    total = sum(copy.price or 0 for copy in copies)
    header = record_heading(batch.library.name, batch.reference)
    rows = [
        [
            para(h, small_bold)
            for h in (
                _("No."),
                _("Accession number"),
                _("Barcode"),
                _("Title / author"),
                _("Call number"),
                _("Price (VND)"),
            )
        ]
    ]
    for number, copy in enumerate(copies, start=1):
        item = copy.item
        rows.append(
            [
                para(number, small),
                para(item.accession_number, small),
                para(item.barcode, small),
                para(item.record.title, small),
                para(item.call_number or "", small),
                para(format_number(copy.price), small),
            ]
        )
    rows.append(["", "", "", para(_("Total"), small_bold), "", para(format_number(total), small)])
    grid = LongTable(
        rows, colWidths=[12 * mm, 26 * mm, 26 * mm, 64 * mm, 30 * mm, 22 * mm], repeatRows=1
    )
    grid.setStyle(grid_style())
    signatures = signature_blocks([_("Recorded by"), _("Accountant"), _("Head of the library")])
    story = [
        header,
        Spacer(1, 8 * mm),
        para(_("MINUTES OF WITHDRAWAL OF DOCUMENTS"), title),
        Spacer(1, 4 * mm),
        para(_("Date: %(day)s", day=format_day(batch.received_on))),
        para(_("Library: %(name)s", name=batch.library.name)),
        para(_("Reason: %(reason)s", reason=batch.notes or "")),
        para(
            _(
                "Copies withdrawn: %(copies)s; total value: %(value)s VND.",
                copies=len(copies),
                value=format_number(total),
            )
        ),
        Spacer(1, 4 * mm),
        grid,
        Spacer(1, 10 * mm),
        signatures,
    ]
    return build_pdf(story, title=_("MINUTES OF WITHDRAWAL OF DOCUMENTS"))
