"""Printable reader cards (thẻ bạn đọc): CR80 cards, ten to an A4 sheet, card number as Code 128."""

from datetime import date
from io import BytesIO

from flask import Blueprint, flash, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.core.clock import local_today
from libsys.core.dates import DATE_MESSAGE, InvalidDate, parse_date
from libsys.core.formats import format_day
from libsys.core.pdf import pdf_response, vietnamese_font
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.readers.models import Reader
from libsys.readers.services import get_reader, reader_by_card, readers_scope

# ISO/IEC 7810 ID-1 (CR80), the size of a bank card.
CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
COLUMNS, ROWS = 2, 5
CARDS_PER_SHEET = COLUMNS * ROWS
BAND_COLOUR = HexColor("#0a5c8a")
MAX_SHEET_READERS = 500

bp = Blueprint("reader_cards", __name__, url_prefix="/staff/reader-cards")


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to `size` at which the text fits the width."""
    while size > 5 and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def draw_card(canvas: Canvas, reader: Reader, x: float, y: float, locale: str = "vi") -> None:
    """Draw one card with its lower-left corner at (x, y)."""
    regular, bold = vietnamese_font(), vietnamese_font(bold=True)
    pad = 3 * mm
    inner = CARD_WIDTH - 2 * pad
    canvas.saveState()
    # Thin outline: the cutting line.
    canvas.setStrokeColor(HexColor("#999999"))
    canvas.setLineWidth(0.3)
    canvas.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, 3 * mm, stroke=1, fill=0)

    band = 11 * mm
    canvas.setFillColor(BAND_COLOUR)
    canvas.rect(x, y + CARD_HEIGHT - band, CARD_WIDTH, band, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#ffffff"))
    library = reader.home_library.name
    size = _fit(library, bold, 8.5, inner)
    canvas.setFont(bold, size)
    canvas.drawCentredString(x + CARD_WIDTH / 2, y + CARD_HEIGHT - 5 * mm, library)
    title = _("Reader card").upper()
    canvas.setFont(regular, 7)
    canvas.drawCentredString(x + CARD_WIDTH / 2, y + CARD_HEIGHT - 9 * mm, title)

    canvas.setFillColor(HexColor("#000000"))
    top = y + CARD_HEIGHT - band - 5 * mm
    size = _fit(reader.full_name, bold, 11, inner)
    canvas.setFont(bold, size)
    canvas.drawString(x + pad, top, reader.full_name)
    canvas.setFont(regular, 7.5)
    category = reader.category.label(locale)
    canvas.drawString(x + pad, top - 4.5 * mm, f"{_('Category')}: {category}")
    dates = _(
        "Issued %(issued)s · Valid until %(expires)s",
        issued=format_day(reader.card_issued),
        expires=format_day(reader.card_expires),
    )
    canvas.drawString(x + pad, top - 8.5 * mm, dates)

    barcode = card_barcode(reader.card_number)
    barcode.drawOn(canvas, x + (CARD_WIDTH - barcode.width) / 2, y + 5.5 * mm)
    canvas.setFont(regular, 8)
    canvas.drawCentredString(x + CARD_WIDTH / 2, y + 2.2 * mm, reader.card_number)
    canvas.restoreState()


def card_barcode(card_number: str) -> Code128:
    """The card number as a Code 128 barcode that desk scanners read (bars 0.3 mm, 12 mm high)."""
    return Code128(card_number, barWidth=0.3 * mm, barHeight=12 * mm, quiet=True)


def cards_pdf(readers: list[Reader], *, locale: str = "vi", single: bool = False) -> bytes:
    """A PDF of cards: one card a page, or A4 sheets of ten (2 × 5, cut along the lines)."""
    buffer = BytesIO()
    if single:
        canvas = Canvas(buffer, pagesize=(CARD_WIDTH, CARD_HEIGHT))
        canvas.setTitle(_("Reader card"))
        for reader in readers:
            draw_card(canvas, reader, 0, 0, locale)
            canvas.showPage()
    else:
        page_width, page_height = A4
        left = (page_width - COLUMNS * CARD_WIDTH) / 2
        bottom = (page_height - ROWS * CARD_HEIGHT) / 2
        canvas = Canvas(buffer, pagesize=A4)
        canvas.setTitle(_("Reader cards"))
        for index, reader in enumerate(readers):
            slot = index % CARDS_PER_SHEET
            if index and slot == 0:
                canvas.showPage()
            column, row = slot % COLUMNS, slot // COLUMNS
            x = left + column * CARD_WIDTH
            y = page_height - bottom - (row + 1) * CARD_HEIGHT
            draw_card(canvas, reader, x, y, locale)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def readers_for_sheet(card_numbers: str = "", issued_on: date | None = None) -> list[Reader]:
    """Readers whose cards to print: the listed card numbers, or the cards issued on a day."""
    readers: list[Reader] = []
    numbers = [n for n in card_numbers.replace(",", " ").split() if n]
    if numbers:
        unknown = []
        for number in dict.fromkeys(numbers):
            reader = reader_by_card(number)
            if reader is None:
                unknown.append(number)
            else:
                readers.append(reader)
        if unknown:
            raise ValidationFailed(
                fields={"cards": _("Unknown card numbers: %(cards)s", cards=", ".join(unknown))}
            )
    elif issued_on is not None:
        readers = list(
            db.session.scalars(
                select(Reader).where(Reader.card_issued == issued_on).order_by(Reader.card_number)
            )
        )
    if not readers:
        raise ValidationFailed(fields={"cards": _("No card to print.")})
    if len(readers) > MAX_SHEET_READERS:
        raise ValidationFailed(
            fields={"cards": _("At most %(n)s cards at a time.", n=MAX_SHEET_READERS)}
        )
    return readers


@permission_required("readers.edit")
def reader_card_pdf(card_number):
    """One reader's card as a PDF the size of the card (endpoint circulation.reader_card_pdf)."""
    reader = get_reader(card_number, scope=readers_scope(current_user))  # a keeper: its own
    content = cards_pdf([reader], locale=str(get_locale() or "vi"), single=True)
    return pdf_response(content, f"the-{reader.card_number}.pdf")


@bp.route("/", methods=["GET"])
@permission_required("readers.edit")
def index():
    """Print a sheet of cards for a list of card numbers or for the cards issued on a day."""
    values = {"cards": request.args.get("cards", ""), "issued_on": request.args.get("issued_on")}
    if not values["cards"] and not values["issued_on"]:
        values["issued_on"] = local_today().isoformat()
        return render_template("circulation/cards/index.html", values=values, errors={})
    try:
        issued_on = parse_date(values["issued_on"])
    except InvalidDate:
        issued_on = None
        flash(str(DATE_MESSAGE), "error")
    try:
        readers = readers_for_sheet(values["cards"], issued_on)
    except ValidationFailed as exc:
        flash(" ".join(str(m) for m in exc.fields.values()), "error")
        return render_template(
            "circulation/cards/index.html", values=values, errors=exc.fields
        ), 422
    content = cards_pdf(readers, locale=str(get_locale() or "vi"))
    return pdf_response(content, "the-ban-doc.pdf")
