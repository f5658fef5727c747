"""The copy-status page: scan a copy, see its status and loan, declare it lost, damaged or found."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.catalog.models import ITEM_STATUS_LABELS
from libsys.circulation.lookups import find_copy
from libsys.circulation.losses.services import (
    FINDABLE,
    declare_damaged,
    declare_found,
    declare_lost,
    open_loan,
)
from libsys.core.forms import error_text
from libsys.errors import LibsysError, PermissionDenied
from libsys.extensions import db
from libsys.network.models import Library

bp = Blueprint("losses", __name__, url_prefix="/staff/copy-status")


def _acting_library():
    library_id = getattr(current_user, "library_id", None)
    return db.session.get(Library, library_id) if library_id else None


@bp.route("/", methods=["GET"])
@permission_required("circulation.desk")
def index():
    """Scan a copy to see its status and its loan, with the lost / damaged / found buttons."""
    barcode = request.args.get("barcode", "").strip()
    item, loan = None, None
    status = 200
    if barcode:
        try:
            item = find_copy(barcode)
            loan = open_loan(item)
        except LibsysError as exc:
            flash(str(exc.message), "error")
            status = 404
    return render_template(
        "circulation/copy_status.html",
        barcode=barcode,
        item=item,
        loan=loan,
        status_labels=ITEM_STATUS_LABELS,
        findable=FINDABLE,
    ), status


def _act(barcode: str, action, message: str):
    try:
        with db.session.begin_nested():
            action(find_copy(barcode))
        flash(message, "success")
    except PermissionDenied:
        raise  # another library's copy: a 403 page, nothing written
    except LibsysError as exc:
        flash(error_text(exc), "error")
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("losses.index", barcode=barcode)
    return redirect(target)


@bp.route("/<barcode>/lost", methods=["POST"])
@permission_required("circulation.desk")
def lost(barcode):
    """Declare the copy lost (closing its loan)."""
    note = request.form.get("note")
    return _act(
        barcode,
        lambda item: declare_lost(item, library=_acting_library(), user=current_user, note=note),
        _("The copy is recorded as lost."),
    )


@bp.route("/<barcode>/damaged", methods=["POST"])
@permission_required("circulation.desk")
def damaged(barcode):
    """Mark the copy damaged or in repair."""
    status = request.form.get("status", "damaged")
    note = request.form.get("note")
    return _act(
        barcode,
        lambda item: declare_damaged(
            item, status=status, library=_acting_library(), user=current_user, note=note
        ),
        _("The copy is recorded as damaged.") if status == "damaged"
        else _("The copy is recorded as in repair."),
    )  # fmt: skip


@bp.route("/<barcode>/found", methods=["POST"])
@permission_required("circulation.desk")
def found(barcode):
    """The copy is found or mended: back on the shelf."""
    return _act(
        barcode,
        lambda item: declare_found(item, library=_acting_library(), user=current_user),
        _("The copy is available again."),
    )
