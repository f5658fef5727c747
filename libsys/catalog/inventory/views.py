"""Inventory pages: the registers to download, stocktaking by scanning, withdrawal and its minutes.

Two blueprints whose names the templates use: `registers` and `stocktaking` (withdrawal
included, as it grew from a stocktake's results)."""

import io
import re
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from libsys.accounts.access import permission_required
from libsys.catalog.acting import (
    acting_libraries,
    parse_day,
    resolve_library,
    resolve_store,
    store_codes,
)
from libsys.catalog.inventory.minutes import withdrawal_minutes_pdf
from libsys.catalog.inventory.models import Stocktake, StocktakeScan
from libsys.catalog.inventory.registers import (
    general_table,
    individual_table,
    table_to_pdf,
    table_to_xlsx,
)
from libsys.catalog.inventory.stocktaking import (
    barcodes_from_text,
    classify,
    finish_stocktake,
    get_stocktake,
    scan_barcode,
    scan_many,
    start_stocktake,
    stocktake_results,
)
from libsys.catalog.inventory.withdrawal import get_removal, removal_copies, withdraw_items
from libsys.catalog.models import AcquisitionBatch, Item
from libsys.core.clock import local_today
from libsys.core.forms import error_text
from libsys.errors import LibsysError, PermissionDenied, ValidationFailed
from libsys.extensions import db

registers_bp = Blueprint("registers", __name__, url_prefix="/staff/registers")

REGISTER_KINDS = {"general": general_table, "individual": individual_table}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@registers_bp.route("/", methods=["GET"], endpoint="index")
@permission_required("catalog.view")
def registers():
    """Choose the register, library, store and period; download it as xlsx or PDF."""
    libraries = acting_libraries()
    values = request.args.to_dict()
    errors: dict = {}
    if values.get("register"):
        try:
            return _download(values, errors)
        except PermissionDenied:
            raise  # another library's register: the 403 page
        except LibsysError as exc:
            errors.update(exc.fields)
    today = local_today()
    values.setdefault("start", date(today.year, 1, 1).isoformat())
    values.setdefault("end", today.isoformat())
    if len(libraries) == 1:
        values.setdefault("library", libraries[0].code)
    return render_template(
        "catalog/tools/registers.html",
        values=values,
        errors=errors,
        library_options=[(lib.code, f"{lib.code} · {lib.name}") for lib in libraries],
        store_options=[(code, code) for code in store_codes(libraries)],
    ), (422 if errors else 200)


def _download(values: dict, errors: dict):
    build = REGISTER_KINDS.get(values.get("register", ""))
    if build is None:
        errors["register"] = _l("Choose a register.")
    library = resolve_library(values.get("library"))
    store = resolve_store(library, values.get("store"))
    start = parse_day(values.get("start"), "start", errors)
    end = parse_day(values.get("end"), "end", errors)
    if start and end and end < start:
        errors["end"] = _l("The end of the period is before its start.")
    if errors:
        raise ValidationFailed(fields=errors)
    table = build(library, store=store, start=start, end=end)
    name = f"{values['register']}-register-{library.code}"
    if store:
        name += f"-{store.code}"
    if values.get("format") == "pdf":
        content, mimetype, name = table_to_pdf(table), "application/pdf", name + ".pdf"
    else:
        content, mimetype, name = table_to_xlsx(table), XLSX_MIME, name + ".xlsx"
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)


stocktaking_bp = Blueprint("stocktaking", __name__, url_prefix="/staff/stocktaking")


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


@stocktaking_bp.route("/")
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


@stocktaking_bp.route("/start", methods=["POST"])
@permission_required("catalog.edit")
def start():
    """Open a stocktake and go to its scanning page."""
    try:
        with db.session.begin_nested():
            library = resolve_library(request.form.get("library"))
            store = resolve_store(library, request.form.get("store"))
            stocktake = start_stocktake(
                library, store, user=current_user, notes=request.form.get("notes")
            )
    except PermissionDenied:
        raise  # another library's shelves: a 403 page
    except LibsysError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("stocktaking.index"))
    return redirect(url_for("stocktaking.show", stocktake_id=stocktake.id))


@stocktaking_bp.route("/<int:stocktake_id>")
@permission_required("catalog.edit")
def show(stocktake_id):
    """The scanning page: one field, Enter after each barcode."""
    stocktake = get_stocktake(stocktake_id, user=current_user)
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


@stocktaking_bp.route("/<int:stocktake_id>/scan", methods=["POST"])
@permission_required("catalog.edit")
def scan(stocktake_id):
    """Record one scanned barcode and come back to the field."""
    stocktake = get_stocktake(stocktake_id, user=current_user)
    try:
        with db.session.begin_nested():
            outcome = scan_barcode(stocktake, request.form.get("barcode", ""), user=current_user)
        flash(
            verdict_message(outcome.verdict, outcome.barcode),
            VERDICT_CATEGORIES.get(outcome.verdict, "info"),
        )
    except LibsysError as exc:
        flash(error_text(exc), "error")
    return redirect(url_for("stocktaking.show", stocktake_id=stocktake.id))


@stocktaking_bp.route("/<int:stocktake_id>/upload", methods=["POST"])
@permission_required("catalog.edit")
def upload(stocktake_id):
    """Record the barcodes of a text or CSV file (from an offline scanner)."""
    stocktake = get_stocktake(stocktake_id, user=current_user)
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        flash(_("Choose a file of barcodes."), "error")
        return redirect(url_for("stocktaking.show", stocktake_id=stocktake.id))
    text = upload_file.read().decode("utf-8-sig", errors="replace")
    try:
        with db.session.begin_nested():
            counts = scan_many(stocktake, barcodes_from_text(text), user=current_user)
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


@stocktaking_bp.route("/<int:stocktake_id>/finish", methods=["POST"])
@permission_required("catalog.edit")
def finish(stocktake_id):
    """Close the stocktake and show its results."""
    stocktake = get_stocktake(stocktake_id, user=current_user)
    finish_stocktake(stocktake, user=current_user)
    return redirect(url_for("stocktaking.results", stocktake_id=stocktake.id))


@stocktaking_bp.route("/<int:stocktake_id>/results")
@permission_required("catalog.edit")
def results(stocktake_id):
    """Missing, misplaced and unexpected copies, with the withdrawal form."""
    stocktake = get_stocktake(stocktake_id, user=current_user)
    return render_template(
        "catalog/tools/stocktake_results.html",
        stocktake=stocktake,
        results=stocktake_results(stocktake),
        today=local_today(),
    )


_SPLIT = re.compile(r"[\s,;]+")


@stocktaking_bp.route("/withdraw", methods=["GET", "POST"])
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
                    user=current_user,
                )
            flash(_("%(count)s copies withdrawn.", count=len(removal_copies(batch))), "success")
            return redirect(url_for("stocktaking.removal", batch_id=batch.id))
        except PermissionDenied:
            raise  # another library's copies: a 403 page, nothing withdrawn
        except LibsysError as exc:
            errors = dict(exc.fields)
            flash(str(exc.message), "error")
    return render_template(
        "catalog/tools/withdraw.html",
        values=values,
        errors=errors,
        library_options=[(lib.code, f"{lib.code} · {lib.name}") for lib in libraries],
    ), (422 if errors else 200)


@stocktaking_bp.route("/withdrawals/<int:batch_id>")
@permission_required("catalog.edit")
def removal(batch_id):
    """A withdrawal: its copies and the link to its minutes."""
    batch = get_removal(batch_id, user=current_user)
    copies = removal_copies(batch)
    return render_template(
        "catalog/tools/removal.html",
        batch=batch,
        copies=copies,
        total=sum(copy.price or 0 for copy in copies),
    )


@stocktaking_bp.route("/withdrawals/<int:batch_id>/minutes.pdf")
@permission_required("catalog.edit")
def minutes(batch_id):
    """The withdrawal minutes (biên bản thanh lý) as PDF."""
    batch = get_removal(batch_id, user=current_user)
    return send_file(
        io.BytesIO(withdrawal_minutes_pdf(batch)),
        mimetype="application/pdf",
        download_name=f"withdrawal-{batch.reference}.pdf",
    )
