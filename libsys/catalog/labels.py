"""Spine labels and barcode labels printed on A4 sheets of sticky labels.

A sheet is a grid (3x8, 4x10, 5x13 or any columns x rows) with margins; printing can start
at any position so that a half-used sheet is used up. Copies are chosen by a typed or
scanned list of barcodes, an acquisition batch, or the day they were added.
"""

import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from libsys.accounts.access import permission_required
from libsys.catalog.acting import acting_libraries, parse_day, resolve_library
from libsys.catalog.models import AcquisitionBatch, Item
from libsys.core.clock import local_today
from libsys.core.pdf import vietnamese_font
from libsys.errors import LibsysError, PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library


@dataclass(frozen=True)
class SheetLayout:
    """A sheet of labels: grid, margins and gaps in millimetres."""

    columns: int
    rows: int
    margin_top: float = 0.0
    margin_bottom: float = 0.0
    margin_left: float = 0.0
    margin_right: float = 0.0
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_page(self) -> int:
        """Labels on one sheet."""
        return self.columns * self.rows

    def label_size(self) -> tuple[float, float]:
        """Width and height of one label, in points."""
        page_width, page_height = A4
        width = (
            page_width
            - (self.margin_left + self.margin_right + self.gap_x * (self.columns - 1)) * mm
        ) / self.columns
        height = (
            page_height - (self.margin_top + self.margin_bottom + self.gap_y * (self.rows - 1)) * mm
        ) / self.rows
        return width, height

    def slot(self, position: int) -> tuple[float, float, float, float]:
        """Box (x, y, width, height) in points of a 0-based position, filled row by row."""
        width, height = self.label_size()
        row, column = divmod(position, self.columns)
        x = self.margin_left * mm + column * (width + self.gap_x * mm)
        top = A4[1] - self.margin_top * mm - row * (height + self.gap_y * mm)
        return x, top - height, width, height


# Common sheets sold in Vietnam (Tomy, Decal A4); margins are their defaults.
SHEETS = {
    "3x8": SheetLayout(3, 8, margin_top=4.5, margin_bottom=4.5),
    "4x10": SheetLayout(4, 10, 10.5, 10.5, 8, 8),
    "5x13": SheetLayout(5, 13, 10.7, 10.7, 4.7, 4.7, gap_x=2.5),
}
DEFAULT_SHEET = {"spine": "5x13", "barcode": "3x8"}


def check_layout(layout: SheetLayout) -> SheetLayout:
    """Refuse grids and margins that leave no room for a label."""
    errors = {}
    if not (1 <= layout.columns <= 10 and 1 <= layout.rows <= 30):
        errors["sheet"] = _l("A sheet has 1 to 10 columns and 1 to 30 rows.")
    margins = (layout.margin_top, layout.margin_bottom, layout.margin_left, layout.margin_right)
    if any(m < 0 or m > 50 for m in (*margins, layout.gap_x, layout.gap_y)):
        errors["margins"] = _l("Margins and gaps are between 0 and 50 mm.")
    elif not errors:
        width, height = layout.label_size()
        if width < 15 * mm or height < 8 * mm:
            errors["margins"] = _l("The labels would be too small: check the margins.")
    if errors:
        raise ValidationFailed(fields=errors)
    return layout


def paginate(count: int, per_page: int, start: int = 1) -> list[list[int]]:
    """Positions used on each page for `count` labels, the first page starting at `start`."""
    if not 1 <= start <= per_page:
        raise ValidationFailed(
            fields={"start": _l("The start position is between 1 and %(n)s.", n=per_page)}
        )
    pages: list[list[int]] = []
    position = start - 1
    for _index in range(count):
        if not pages or position >= per_page:
            pages.append([])
            position = 0 if len(pages) > 1 else position
        pages[-1].append(position)
        position += 1
    return pages


_CALL_SEPARATORS = re.compile(r"\s*/\s*|\n")


def spine_lines(item: Item) -> list[str]:
    """A spine label: class number / author mark / year, one per line, then the library code."""
    call_number = (item.call_number or "").strip()
    parts = [p for p in _CALL_SEPARATORS.split(call_number) if p]
    if len(parts) == 1:
        parts = call_number.split()
    lines = parts[:2] + [" ".join(parts[2:])] if len(parts) > 3 else parts
    return [*lines, item.library.code]


def _fit(canvas, text: str, font: str, size: float, width: float) -> str:
    """Cut text with an ellipsis so it fits the width."""
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _draw_spine(canvas, item: Item, box, font: str, bold: str) -> None:
    x, y, width, height = box
    lines = spine_lines(item)
    call_lines, library_code = lines[:-1], lines[-1]
    size = min(12.0, height / (len(call_lines) + 2) * 0.9) if call_lines else 10.0
    step = size * 1.15
    top = y + height / 2 + step * len(call_lines) / 2
    for number, line in enumerate(call_lines):
        text = _fit(canvas, line, bold, size, width - 4)
        canvas.setFont(bold, size)
        canvas.drawCentredString(x + width / 2, top - step * (number + 1) + step * 0.2, text)
    canvas.setFont(font, max(5.0, size * 0.6))
    canvas.drawCentredString(x + width / 2, y + 2 + size * 0.1, library_code)


def _draw_barcode(canvas, item: Item, box, font: str) -> None:
    x, y, width, height = box
    padding = 3 * mm
    text_size = min(8.0, height / 7)
    bar_height = max(height - 3 * text_size * 1.3 - padding * 1.5, 5 * mm)
    barcode = Code128(item.barcode, barHeight=bar_height, barWidth=1.0, quiet=False)
    # Narrow the bars so the code fits the label; a scanner reads bars down to ~0.19 mm.
    bar_width = min(1.0, (width - 2 * padding) / barcode.width)
    barcode = Code128(item.barcode, barHeight=bar_height, barWidth=bar_width, quiet=False)
    barcode.drawOn(canvas, x + (width - barcode.width) / 2, y + height - padding - bar_height)
    canvas.setFont(font, text_size)
    baseline = y + height - padding - bar_height - text_size * 1.2
    canvas.drawCentredString(x + width / 2, baseline, item.barcode)
    canvas.drawCentredString(
        x + width / 2,
        baseline - text_size * 1.25,
        _fit(canvas, f"{item.accession_number} · {item.library.code}", font, text_size, width),
    )
    canvas.drawCentredString(
        x + width / 2,
        baseline - text_size * 2.5,
        _fit(canvas, item.record.title, font, text_size, width - padding),
    )


def labels_pdf(
    items: list[Item], kind: str, layout: SheetLayout, start: int = 1, outline: bool = False
) -> bytes:
    """A PDF of spine ("spine") or barcode ("barcode") labels for these copies."""
    if not items:
        raise ValidationFailed(fields={"barcodes": _l("No copy to print.")})
    check_layout(layout)
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=A4)
    canvas.setTitle(_("Spine labels") if kind == "spine" else _("Barcode labels"))
    remaining = iter(items)
    for page in paginate(len(items), layout.per_page, start):
        for position in page:
            item = next(remaining)
            box = layout.slot(position)
            if outline:
                canvas.setLineWidth(0.2)
                canvas.rect(*box)
            if kind == "spine":
                _draw_spine(canvas, item, box, font, bold)
            else:
                _draw_barcode(canvas, item, box, font)
        canvas.showPage()
    canvas.save()
    return output.getvalue()


def items_by_barcodes(barcodes: list[str]) -> list[Item]:
    """Copies in the order typed or scanned, barcodes in any case; unknown barcodes are
    refused by name."""
    wanted = list(dict.fromkeys(b.strip() for b in barcodes if b.strip()))
    found = {
        item.barcode.upper(): item
        for item in db.session.scalars(
            select(Item)
            .where(func.upper(Item.barcode).in_([b.upper() for b in wanted]))
            .options(joinedload(Item.record), joinedload(Item.library))
        )
    }
    unknown = [b for b in wanted if b.upper() not in found]
    if unknown:
        raise ValidationFailed(
            fields={"barcodes": _l("Unknown barcodes: %(list)s", list=", ".join(unknown[:20]))}
        )
    return list({found[b.upper()].id: found[b.upper()] for b in wanted}.values())


def items_of_batch(batch_id: int) -> list[Item]:
    """The copies of an acquisition batch, by accession number."""
    return list(
        db.session.scalars(
            select(Item)
            .where(Item.batch_id == batch_id)
            .options(joinedload(Item.record), joinedload(Item.library))
            .order_by(Item.accession_number)
        )
    )


def items_added_on(library: Library, day: date) -> list[Item]:
    """The copies a library added on a day (acquired that day, or entered that day)."""
    since = datetime.combine(day, time.min)
    return list(
        db.session.scalars(
            select(Item)
            .where(
                Item.library_id == library.id,
                or_(
                    Item.acquired_on == day,
                    and_(Item.created_at >= since, Item.created_at < since + timedelta(days=1)),
                ),
            )
            .options(joinedload(Item.record), joinedload(Item.library))
            .order_by(Item.accession_number)
        )
    )


# --- Page --------------------------------------------------------------------------------

bp = Blueprint("labels", __name__, url_prefix="/staff/labels")
_SPLIT = re.compile(r"[\s,;]+")


def _number(values: dict, name: str, default, errors: dict, cast=float):
    text = (values.get(name) or "").strip().replace(",", ".")
    if not text:
        return default
    try:
        return cast(text)
    except ValueError:
        errors[name] = _l("Enter a number.")
        return default


def layout_from_form(values: dict, kind: str, errors: dict) -> SheetLayout:
    """The sheet chosen on the form, with the margins typed over its defaults."""
    sheet = values.get("sheet") or DEFAULT_SHEET.get(kind, "3x8")
    if sheet == "custom":
        base = SheetLayout(
            _number(values, "columns", 3, errors, int), _number(values, "rows", 8, errors, int)
        )
    elif sheet in SHEETS:
        base = SHEETS[sheet]
    else:
        errors["sheet"] = _l("Choose a sheet.")
        base = SHEETS["3x8"]
    changes = {}
    for name in ("margin_top", "margin_bottom", "margin_left", "margin_right", "gap_x", "gap_y"):
        changes[name] = _number(values, name, getattr(base, name), errors)
    return replace(base, **changes)


def _selected_items(values: dict) -> list[Item]:
    errors: dict = {}
    selection = values.get("selection", "barcodes")
    if selection == "batch":
        batch = db.session.get(AcquisitionBatch, _number(values, "batch", 0, errors, int))
        if batch is None or not current_user.can_act_for(batch.library_id):
            raise ValidationFailed(fields={"batch": _l("Choose a batch.")})
        return items_of_batch(batch.id)
    if selection == "day":
        library = resolve_library(values.get("library"))
        day = parse_day(values.get("day"), "day", errors)
        if errors or day is None:
            raise ValidationFailed(fields={"day": _l("Not a valid date.")})
        return items_added_on(library, day)
    return items_by_barcodes(_SPLIT.split(values.get("barcodes", "")))


@bp.route("/", methods=["GET", "POST"])
@permission_required("catalog.edit")
def index():
    """Choose copies, the kind of label, the sheet and the start position; get the PDF."""
    libraries = acting_libraries()
    values = request.values.to_dict()
    values.setdefault("kind", "spine")
    values.setdefault("day", local_today().isoformat())
    values.setdefault("start", "1")
    if len(libraries) == 1:
        values.setdefault("library", libraries[0].code)
    errors: dict = {}
    if request.method == "POST":
        kind = "barcode" if values.get("kind") == "barcode" else "spine"
        try:
            layout = layout_from_form(values, kind, errors)
            start = _number(values, "start", 1, errors, int)
            if not 1 <= start <= layout.per_page:
                errors["start"] = _l(
                    "The start position is between 1 and %(n)s.", n=layout.per_page
                )
            try:
                items = _selected_items(values)
            except ValidationFailed as exc:
                errors.update(exc.fields)
            if errors:
                raise ValidationFailed(fields=errors)
            if not items:
                raise ValidationFailed(fields={"selection": _l("No copy matches.")})
            content = labels_pdf(items, kind, layout, start, outline=bool(values.get("outline")))
            return send_file(
                io.BytesIO(content),
                mimetype="application/pdf",
                download_name=f"{kind}-labels.pdf",
            )
        except PermissionDenied:
            raise  # another library's copies: the 403 page
        except LibsysError as exc:
            errors.update(exc.fields)
    batches = select(AcquisitionBatch).where(AcquisitionBatch.kind == "incoming")
    if current_user.library_id is not None:
        batches = batches.where(AcquisitionBatch.library_id == current_user.library_id)
    batch_options = [
        (b.id, f"{b.library.code} · {b.received_on.strftime('%d/%m/%Y')} · {b.reference or ''}")
        for b in db.session.scalars(batches.order_by(AcquisitionBatch.id.desc()).limit(100))
    ]
    return render_template(
        "catalog/tools/labels.html",
        values=values,
        errors=errors,
        sheet_options=[(code, code) for code in SHEETS] + [("custom", _("Other"))],
        library_options=[(lib.code, f"{lib.code} · {lib.name}") for lib in libraries],
        batch_options=batch_options,
        sheets=SHEETS,
    ), (422 if errors else 200)
