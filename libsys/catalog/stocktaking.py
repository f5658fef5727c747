"""Stocktaking (kiểm kê) by scanning, and withdrawal (thanh lý) of copies with minutes.

A stocktake of a library's store collects scanned barcodes; comparing them with the
holdings gives the missing copies (on the shelf list, not scanned), the misplaced ones
(scanned here, belonging elsewhere) and the unexpected ones (unknown, withdrawn, on loan).
Withdrawing copies writes a removal line in the general register (an AcquisitionBatch of
kind "removal" with its WithdrawnCopy rows), an `item_withdrawn` event per copy, and the
minutes (biên bản thanh lý) as a PDF.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from libsys.accounts.access import permission_required
from libsys.catalog.acting import (
    acting_libraries,
    parse_day,
    resolve_library,
    resolve_store,
    store_codes,
)
from libsys.catalog.models import AcquisitionBatch, Item
from libsys.core.clock import local_today
from libsys.core.forms import error_text
from libsys.db import utcnow
from libsys.errors import Conflict, LibsysError, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store
from libsys.stats.events import record_event

# A copy scanned on the shelf with one of these statuses should not be there.
UNEXPECTED_STATUSES = ("withdrawn", "on_loan", "lost", "in_transit", "at_rotation_point")
# Copies in these states cannot be withdrawn until they are back.
NOT_WITHDRAWABLE = ("on_loan", "on_hold_shelf", "in_transit", "at_rotation_point")
_BARCODE_HEADERS = frozenset({"barcode", "barcodes", "mã vạch", "ma vach", "đkcb", "dkcb"})


class Stocktake(db.Model):
    """A stocktake (kiểm kê) of one library, one store of it or all its stores."""

    __tablename__ = "stocktake"

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)

    library: Mapped[Library] = relationship()
    store: Mapped[Store | None] = relationship()
    scans: Mapped[list["StocktakeScan"]] = relationship(
        back_populates="stocktake", order_by="StocktakeScan.id", cascade="all, delete-orphan"
    )


class StocktakeScan(db.Model):
    """One barcode read during a stocktake; the same barcode twice counts once."""

    __tablename__ = "stocktake_scan"
    __table_args__ = (UniqueConstraint("stocktake_id", "barcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(
        ForeignKey("stocktake.id", ondelete="CASCADE"), index=True
    )
    barcode: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)

    stocktake: Mapped[Stocktake] = relationship(back_populates="scans")
    item: Mapped[Item | None] = relationship()


class WithdrawnCopy(db.Model):
    """A copy on a removal line of the general register, with its value when withdrawn."""

    __tablename__ = "withdrawn_copy"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("acquisition_batch.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    price: Mapped[int | None]  # VND, the copy's price at withdrawal
    stocktake_id: Mapped[int | None] = mapped_column(ForeignKey("stocktake.id"))

    batch: Mapped[AcquisitionBatch] = relationship()
    item: Mapped[Item] = relationship()
    stocktake: Mapped[Stocktake | None] = relationship()


# --- Services ----------------------------------------------------------------------------


def start_stocktake(
    library: Library, store: Store | None = None, *, user_id: int | None = None, notes=None
) -> Stocktake:
    """Open a stocktake of a library (one store, or all its stores when store is None)."""
    if store is not None and store.library_id != library.id:
        raise ValidationFailed(fields={"store": _l("This store belongs to another library.")})
    stocktake = Stocktake(library=library, store=store, user_id=user_id, notes=notes or None)
    db.session.add(stocktake)
    db.session.flush()
    return stocktake


def get_stocktake(stocktake_id: int) -> Stocktake:
    """A stocktake by id, or NotFound."""
    stocktake = db.session.get(Stocktake, stocktake_id)
    if stocktake is None:
        raise NotFound(_l("No such stocktake."))
    return stocktake


def _find_item(barcode: str, library_id: int) -> Item | None:
    item = db.session.scalar(select(Item).where(Item.barcode == barcode))
    if item is None:
        # Old copies may carry only their accession number: accept it within the library.
        item = db.session.scalar(
            select(Item).where(Item.library_id == library_id, Item.accession_number == barcode)
        )
    return item


@dataclass
class ScanOutcome:
    """What one scan found: ok, misplaced, unexpected or duplicate, and the copy if known."""

    barcode: str
    verdict: str
    item: Item | None = None


def classify(stocktake: Stocktake, item: Item | None) -> str:
    """Where a scanned copy stands: ok, misplaced (another store/library) or unexpected."""
    if item is None or item.status in UNEXPECTED_STATUSES:
        return "unexpected"
    if item.library_id != stocktake.library_id:
        return "misplaced"
    if stocktake.store_id is not None and item.store_id != stocktake.store_id:
        return "misplaced"
    return "ok"


def scan_barcode(stocktake: Stocktake, barcode: str) -> ScanOutcome:
    """Record one scanned barcode and say at once whether the copy belongs here."""
    if stocktake.finished_at is not None:
        raise Conflict(_l("This stocktake is finished."), code="STOCKTAKE_FINISHED")
    barcode = (barcode or "").strip()
    if not barcode:
        raise ValidationFailed(fields={"barcode": _l("Scan or type a barcode.")})
    if len(barcode) > 40:
        raise ValidationFailed(fields={"barcode": _l("A barcode has at most 40 characters.")})
    existing = db.session.scalar(
        select(StocktakeScan).where(
            StocktakeScan.stocktake_id == stocktake.id, StocktakeScan.barcode == barcode
        )
    )
    if existing is not None:
        return ScanOutcome(barcode, "duplicate", existing.item)
    item = _find_item(barcode, stocktake.library_id)
    db.session.add(StocktakeScan(stocktake=stocktake, barcode=barcode, item=item))
    db.session.flush()
    return ScanOutcome(barcode, classify(stocktake, item), item)


def barcodes_from_text(text: str) -> list[str]:
    """Barcodes from an uploaded text or CSV file: the first cell of each line, no header."""
    found = []
    for row in csv.reader(io.StringIO(text.replace(";", ",").replace("\t", ","))):
        cells = [cell.strip() for cell in row if cell.strip()]
        if not cells or cells[0].lower() in _BARCODE_HEADERS:
            continue
        found.append(cells[0])
    return found


def scan_many(stocktake: Stocktake, barcodes: list[str]) -> dict[str, int]:
    """Record many barcodes (an uploaded file); returns how many of each verdict."""
    counts = {"ok": 0, "misplaced": 0, "unexpected": 0, "duplicate": 0}
    for barcode in barcodes:
        counts[scan_barcode(stocktake, barcode).verdict] += 1
    return counts


def finish_stocktake(stocktake: Stocktake) -> None:
    """Close the stocktake: no more scans."""
    if stocktake.finished_at is None:
        stocktake.finished_at = utcnow()
        db.session.flush()


@dataclass
class StocktakeResults:
    """The lists a stocktake produces."""

    found: list[Item] = field(default_factory=list)
    missing: list[Item] = field(default_factory=list)
    misplaced: list[Item] = field(default_factory=list)
    unexpected: list[tuple[str, Item | None]] = field(default_factory=list)
    scanned: int = 0


def stocktake_results(stocktake: Stocktake) -> StocktakeResults:
    """Missing, misplaced and unexpected copies of a stocktake."""
    results = StocktakeResults()
    scanned_items = (
        select(StocktakeScan.item_id)
        .where(StocktakeScan.stocktake_id == stocktake.id, StocktakeScan.item_id.is_not(None))
        .scalar_subquery()
    )
    missing = (
        select(Item)
        .where(
            Item.library_id == stocktake.library_id,
            Item.status == "available",
            Item.id.not_in(scanned_items),
        )
        .options(joinedload(Item.record), joinedload(Item.store))
        .order_by(Item.accession_number)
    )
    if stocktake.store_id is not None:
        missing = missing.where(Item.store_id == stocktake.store_id)
    results.missing = list(db.session.scalars(missing))
    scans = db.session.scalars(
        select(StocktakeScan)
        .where(StocktakeScan.stocktake_id == stocktake.id)
        .options(joinedload(StocktakeScan.item))
        .order_by(StocktakeScan.id)
    ).all()
    results.scanned = len(scans)
    for scan in scans:
        verdict = classify(stocktake, scan.item)
        if verdict == "unexpected":
            results.unexpected.append((scan.barcode, scan.item))
        elif verdict == "misplaced":
            results.misplaced.append(scan.item)
        else:
            results.found.append(scan.item)
    return results


def _next_minutes_number(library: Library, day: date) -> str:
    count = db.session.scalar(
        select(func.count(AcquisitionBatch.id)).where(
            AcquisitionBatch.library_id == library.id,
            AcquisitionBatch.kind == "removal",
            AcquisitionBatch.received_on.between(date(day.year, 1, 1), date(day.year, 12, 31)),
        )
    )
    return f"TL-{day.year}-{count + 1:03d}"


def withdraw_items(
    library: Library,
    barcodes: list[str],
    *,
    reason: str,
    day: date | None = None,
    reference: str | None = None,
    stocktake: Stocktake | None = None,
) -> AcquisitionBatch:
    """Withdraw copies (thanh lý): status withdrawn, a removal line, one event per copy."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _l("Give the reason for the withdrawal.")
    wanted = list(dict.fromkeys(b.strip() for b in barcodes if b and b.strip()))
    if not wanted:
        errors["barcodes"] = _l("List the copies to withdraw.")
    items, problems = [], []
    for barcode in wanted:
        item = _find_item(barcode, library.id)
        if item is None:
            problems.append(_("%(barcode)s: unknown barcode", barcode=barcode))
        elif item.library_id != library.id:
            problems.append(_("%(barcode)s: belongs to another library", barcode=barcode))
        elif item.status == "withdrawn":
            problems.append(_("%(barcode)s: already withdrawn", barcode=barcode))
        elif item.status in NOT_WITHDRAWABLE:
            problems.append(_("%(barcode)s: not on the shelf (on loan or away)", barcode=barcode))
        else:
            items.append(item)
    if problems:
        errors["barcodes"] = "; ".join(problems)
    if errors:
        raise ValidationFailed(fields=errors)
    day = day or local_today()
    batch = AcquisitionBatch(
        library=library,
        kind="removal",
        received_on=day,
        source="withdrawal",
        reference=(reference or "").strip() or _next_minutes_number(library, day),
        notes=reason,
    )
    db.session.add(batch)
    db.session.flush()
    for item in items:
        item.status = "withdrawn"
        item.withdrawn_on = day
        item.withdrawal_reason = reason
        db.session.add(WithdrawnCopy(batch=batch, item=item, price=item.price, stocktake=stocktake))
        record_event("item_withdrawn", library=library, item=item, day=day, batch=batch.reference)
    db.session.flush()
    return batch


def get_removal(batch_id: int) -> AcquisitionBatch:
    """A removal line (withdrawal) by id, or NotFound."""
    batch = db.session.get(AcquisitionBatch, batch_id)
    if batch is None or batch.kind != "removal":
        raise NotFound(_l("No such withdrawal."))
    return batch


def removal_copies(batch: AcquisitionBatch) -> list[WithdrawnCopy]:
    """The copies of a removal line, by accession number."""
    return list(
        db.session.scalars(
            select(WithdrawnCopy)
            .join(Item, Item.id == WithdrawnCopy.item_id)
            .where(WithdrawnCopy.batch_id == batch.id)
            .options(joinedload(WithdrawnCopy.item).joinedload(Item.record))
            .order_by(Item.accession_number)
        )
    )


def withdrawal_minutes_pdf(batch: AcquisitionBatch) -> bytes:
    """The withdrawal minutes (biên bản thanh lý): copies, total value, signatures."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Spacer

    from libsys.core.formats import format_day, format_number
    from libsys.core.pdf import (
        build_pdf,
        grid_style,
        paragraph,
        record_heading,
        signature_blocks,
        vietnamese_font,
    )

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


# --- Pages -------------------------------------------------------------------------------

bp = Blueprint("stocktaking", __name__, url_prefix="/staff/stocktaking")


def verdict_message(verdict: str, barcode: str) -> str:
    """What the scanning page says about one scan."""
    if verdict == "ok":
        return _("%(barcode)s: in its place.", barcode=barcode)
    if verdict == "misplaced":
        return _("%(barcode)s: belongs to another store or library.", barcode=barcode)
    if verdict == "unexpected":
        return _("%(barcode)s: unknown, withdrawn or on loan.", barcode=barcode)
    return _("%(barcode)s: already scanned.", barcode=barcode)


VERDICT_CATEGORIES = {"ok": "success", "misplaced": "warning", "unexpected": "error"}


def _own_stocktake(stocktake_id: int) -> Stocktake:
    stocktake = get_stocktake(stocktake_id)
    if not current_user.can_act_for(stocktake.library_id):
        abort(403)
    return stocktake


@bp.route("/")
@permission_required("catalog.edit")
def index():
    """Stocktakes under way and done, and the form to start one."""
    libraries = acting_libraries()
    query = select(Stocktake).order_by(Stocktake.id.desc()).limit(50)
    if current_user.library_id is not None:
        query = query.where(Stocktake.library_id == current_user.library_id)
    removals = select(AcquisitionBatch).where(AcquisitionBatch.kind == "removal")
    if current_user.library_id is not None:
        removals = removals.where(AcquisitionBatch.library_id == current_user.library_id)
    return render_template(
        "catalog/tools/stocktakes.html",
        stocktakes=db.session.scalars(query).all(),
        removals=db.session.scalars(removals.order_by(AcquisitionBatch.id.desc()).limit(20)),
        library_options=[(lib.code, f"{lib.code} · {lib.name}") for lib in libraries],
        store_options=[(code, code) for code in store_codes(libraries)],
        values={"library": libraries[0].code} if len(libraries) == 1 else {},
        errors={},
    )


@bp.route("/start", methods=["POST"])
@permission_required("catalog.edit")
def start():
    """Open a stocktake and go to its scanning page."""
    try:
        with db.session.begin_nested():
            library = resolve_library(request.form.get("library"))
            store = resolve_store(library, request.form.get("store"))
            stocktake = start_stocktake(
                library, store, user_id=current_user.id, notes=request.form.get("notes")
            )
    except LibsysError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("stocktaking.index"))
    return redirect(url_for("stocktaking.show", stocktake_id=stocktake.id))


@bp.route("/<int:stocktake_id>")
@permission_required("catalog.edit")
def show(stocktake_id):
    """The scanning page: one field, Enter after each barcode."""
    stocktake = _own_stocktake(stocktake_id)
    recent = db.session.scalars(
        select(StocktakeScan)
        .where(StocktakeScan.stocktake_id == stocktake.id)
        .options(joinedload(StocktakeScan.item).joinedload(Item.record))
        .order_by(StocktakeScan.id.desc())
        .limit(15)
    ).all()
    count = db.session.scalar(
        select(func.count(StocktakeScan.id)).where(StocktakeScan.stocktake_id == stocktake.id)
    )
    return render_template(
        "catalog/tools/stocktake.html",
        stocktake=stocktake,
        recent=[(scan, classify(stocktake, scan.item)) for scan in recent],
        count=count,
    )


@bp.route("/<int:stocktake_id>/scan", methods=["POST"])
@permission_required("catalog.edit")
def scan(stocktake_id):
    """Record one scanned barcode and come back to the field."""
    stocktake = _own_stocktake(stocktake_id)
    try:
        with db.session.begin_nested():
            outcome = scan_barcode(stocktake, request.form.get("barcode", ""))
        flash(
            verdict_message(outcome.verdict, outcome.barcode),
            VERDICT_CATEGORIES.get(outcome.verdict, "info"),
        )
    except LibsysError as exc:
        flash(error_text(exc), "error")
    return redirect(url_for("stocktaking.show", stocktake_id=stocktake.id))


@bp.route("/<int:stocktake_id>/upload", methods=["POST"])
@permission_required("catalog.edit")
def upload(stocktake_id):
    """Record the barcodes of a text or CSV file (from an offline scanner)."""
    stocktake = _own_stocktake(stocktake_id)
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        flash(_("Choose a file of barcodes."), "error")
        return redirect(url_for("stocktaking.show", stocktake_id=stocktake.id))
    text = upload_file.read().decode("utf-8-sig", errors="replace")
    try:
        with db.session.begin_nested():
            counts = scan_many(stocktake, barcodes_from_text(text))
        flash(
            _(
                "%(ok)s in place, %(misplaced)s misplaced, %(unexpected)s unexpected, "
                "%(duplicate)s already scanned.",
                **counts,
            ),
            "success",
        )
    except LibsysError as exc:
        flash(error_text(exc), "error")
    return redirect(url_for("stocktaking.show", stocktake_id=stocktake.id))


@bp.route("/<int:stocktake_id>/finish", methods=["POST"])
@permission_required("catalog.edit")
def finish(stocktake_id):
    """Close the stocktake and show its results."""
    stocktake = _own_stocktake(stocktake_id)
    finish_stocktake(stocktake)
    return redirect(url_for("stocktaking.results", stocktake_id=stocktake.id))


@bp.route("/<int:stocktake_id>/results")
@permission_required("catalog.edit")
def results(stocktake_id):
    """Missing, misplaced and unexpected copies, with the withdrawal form."""
    stocktake = _own_stocktake(stocktake_id)
    return render_template(
        "catalog/tools/stocktake_results.html",
        stocktake=stocktake,
        results=stocktake_results(stocktake),
        today=local_today(),
    )


_SPLIT = re.compile(r"[\s,;]+")


@bp.route("/withdraw", methods=["GET", "POST"])
@permission_required("catalog.edit")
def withdraw():
    """Withdraw copies with a reason; then print the minutes."""
    libraries = acting_libraries()
    values = request.values.to_dict()
    if len(libraries) == 1:
        values.setdefault("library", libraries[0].code)
    values.setdefault("day", local_today().isoformat())
    listed = request.values.getlist("barcode")
    if listed and not values.get("barcodes"):
        values["barcodes"] = "\n".join(listed)
    errors: dict = {}
    if request.method == "POST" and request.form.get("confirm"):
        try:
            with db.session.begin_nested():
                library = resolve_library(values.get("library"))
                day = parse_day(values.get("day"), "day", errors)
                if errors:
                    raise ValidationFailed(fields=errors)
                stocktake_id = request.form.get("stocktake", type=int)
                stocktake = db.session.get(Stocktake, stocktake_id) if stocktake_id else None
                batch = withdraw_items(
                    library,
                    _SPLIT.split(values.get("barcodes", "")),
                    reason=values.get("reason", ""),
                    day=day,
                    reference=values.get("reference"),
                    stocktake=stocktake,
                )
            flash(_("%(count)s copies withdrawn.", count=len(removal_copies(batch))), "success")
            return redirect(url_for("stocktaking.removal", batch_id=batch.id))
        except LibsysError as exc:
            errors = dict(exc.fields)
            flash(str(exc.message), "error")
    return render_template(
        "catalog/tools/withdraw.html",
        values=values,
        errors=errors,
        library_options=[(lib.code, f"{lib.code} · {lib.name}") for lib in libraries],
    ), (422 if errors else 200)


@bp.route("/withdrawals/<int:batch_id>")
@permission_required("catalog.edit")
def removal(batch_id):
    """A withdrawal: its copies and the link to its minutes."""
    batch = get_removal(batch_id)
    if not current_user.can_act_for(batch.library_id):
        abort(403)
    copies = removal_copies(batch)
    return render_template(
        "catalog/tools/removal.html",
        batch=batch,
        copies=copies,
        total=sum(copy.price or 0 for copy in copies),
    )


@bp.route("/withdrawals/<int:batch_id>/minutes.pdf")
@permission_required("catalog.edit")
def minutes(batch_id):
    """The withdrawal minutes (biên bản thanh lý) as PDF."""
    batch = get_removal(batch_id)
    if not current_user.can_act_for(batch.library_id):
        abort(403)
    return send_file(
        io.BytesIO(withdrawal_minutes_pdf(batch)),
        mimetype="application/pdf",
        download_name=f"withdrawal-{batch.reference}.pdf",
    )
