"""PDF helpers for every printed document: registers, labels, cards, letters and minutes.

A font that prints Vietnamese (DejaVu Sans, shipped in `libsys/static/fonts` with its
licence), escaped paragraphs, the ruled table, the heading and signatures of an official
record (biên bản), one A4 document builder and the response that shows a PDF in the browser.
"""

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from flask import Response
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT_NAME = "DejaVuSans"
BOLD_FONT_NAME = "DejaVuSans-Bold"
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
HEADER_BACKGROUND = colors.HexColor("#eef1f4")


def vietnamese_font(bold: bool = False) -> str:
    """Register DejaVu Sans (regular or bold) with reportlab once and return its font name."""
    name = BOLD_FONT_NAME if bold else FONT_NAME
    if name not in pdfmetrics.getRegisteredFontNames():
        # The font ships with the package: Helvetica would print "?" for every Vietnamese
        # letter, and a system font may be missing on the library's server.
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
    return name


def paragraph(text, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: what the data holds is escaped, never read as markup."""
    return Paragraph(escape(str(text)), style)


def grid_style(*, header: bool = False, colour=colors.black) -> TableStyle:
    """Thin rules round every cell, text at the top; `header` shades the first row."""
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colour),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND))
    return TableStyle(commands)


def _heading_styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    center = ParagraphStyle("heading", fontName=bold, fontSize=11, leading=14, alignment=1)
    normal = ParagraphStyle("heading-left", fontName=font, fontSize=10, leading=13)
    return center, normal


def record_heading(organisation: str, reference: str) -> Table:
    """The heading of an official record: the library and its number on the left, the
    national heading (Quốc hiệu: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and the motto) right."""
    center, normal = _heading_styles()
    return Table(
        [
            [
                paragraph(organisation.upper(), center),
                paragraph(_("SOCIALIST REPUBLIC OF VIETNAM"), center),
            ],
            [
                paragraph(_("No. %(number)s", number=reference), normal),
                paragraph(_("Independence - Freedom - Happiness"), center),
            ],
        ],
        colWidths=[80 * mm, 100 * mm],
    )


def signature_blocks(roles: list[str], width: float = 180 * mm) -> Table:
    """One column per signer (role, then "(signature, full name)") with room to sign."""
    center, _normal = _heading_styles()
    hint = ParagraphStyle(
        "signature-hint", fontName=vietnamese_font(bold=True), fontSize=8, leading=10, alignment=1
    )
    table = Table(
        [
            [paragraph(role, center) for role in roles],
            [paragraph(_("(signature, full name)"), hint)] * len(roles),
        ],
        colWidths=[width / len(roles)] * len(roles),
        rowHeights=[None, 30 * mm],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def build_pdf(
    story: list,
    *,
    title: str,
    pagesize=A4,
    margins: tuple[float, float, float, float] = (12 * mm, 12 * mm, 12 * mm, 12 * mm),
    page_numbers: bool = False,
) -> bytes:
    """Lay the story out on pages (margins left, right, top, bottom) and return the PDF;
    `page_numbers` prints "Page n" at the foot of each page, right."""
    left, right, top, bottom = margins
    output = BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
    )
    if page_numbers:
        font, label, page_width = vietnamese_font(), _("Page"), pagesize[0]

        def footer(canvas, doc):
            canvas.saveState()
            canvas.setFont(font, 8)
            canvas.drawRightString(page_width - 10 * mm, 6 * mm, f"{label} {doc.page}")
            canvas.restoreState()

        document.build(story, onFirstPage=footer, onLaterPages=footer)
    else:
        document.build(story)
    return output.getvalue()


def pdf_response(content: bytes | BytesIO, filename: str) -> Response:
    """A PDF shown in the browser (inline), with a file name for saving it."""
    if isinstance(content, BytesIO):
        content = content.getvalue()
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
