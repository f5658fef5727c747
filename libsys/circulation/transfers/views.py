"""Transfer pages: what to send today (pull list), what is coming, receive by scanning."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.circulation.acting import library_code_arg, library_options, working_library
from libsys.circulation.lookups import find_copy
from libsys.circulation.transfers.services import (
    cancel_by_hand,
    get_transfer,
    incoming,
    library_by_code,
    pull_list,
    receive_by_barcode,
    request_transfer,
    send_transfer,
)
from libsys.core.forms import error_text, run_action
from libsys.errors import LibsysError, PermissionDenied
from libsys.extensions import db
from libsys.network.models import Library

bp = Blueprint("transfers", __name__, url_prefix="/staff/transfers")


def _back(library: Library | None):
    return redirect(url_for("transfers.index", library=library_code_arg(library)))


@bp.route("/", methods=["GET"])
@permission_required("circulation.desk")
def index():
    """The library's pull list (to send), incoming copies and the receive scan field."""
    library = working_library()
    library_id = library.id if library is not None else None
    return render_template(
        "circulation/transfers/index.html",
        library=library,
        to_send=pull_list(library_id),
        to_receive=incoming(library_id),
        libraries=library_options() if current_user.library_id is None else [],
    )


@bp.route("/start", methods=["GET", "POST"])
@permission_required("circulation.desk")
def start():
    """Ask for a copy to go to another library (linked from the returns screen with ?item=&to=)."""
    values = {
        "item": request.values.get("item", ""),
        "to_library": request.values.get("to_library") or request.values.get("to", ""),
        "reason": request.values.get("reason", ""),
    }
    errors = {}
    if request.method == "POST":
        try:
            with db.session.begin_nested():
                item = find_copy(values["item"])
                transfer = request_transfer(
                    item,
                    library_by_code(values["to_library"]),
                    reason=values["reason"],
                    user=current_user,
                )
                if request.form.get("send_now"):
                    send_transfer(transfer, user=current_user)
            if transfer.status == "in_transit":
                flash(
                    _(
                        "Copy %(barcode)s is on its way to %(library)s.",
                        barcode=item.barcode,
                        library=transfer.to_library.name,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "Copy %(barcode)s is on the pull list for %(library)s.",
                        barcode=item.barcode,
                        library=transfer.to_library.name,
                    ),
                    "success",
                )
            # fmt: skip
            return _back(transfer.from_library)
        except PermissionDenied:
            raise  # neither from nor to its library: a 403 page, nothing written
        except LibsysError as exc:
            errors = exc.fields or {"item": exc.message}
            flash(error_text(exc), "error")
    return render_template(
        "circulation/transfers/start.html",
        values=values,
        errors=errors,
        libraries=library_options(),
    ), (422 if errors else 200)


@bp.route("/<int:transfer_id>/send", methods=["POST"])
@permission_required("circulation.desk")
def send(transfer_id):
    """Mark one copy as sent: it is in transit."""
    transfer = get_transfer(transfer_id)

    run_action(
        lambda: send_transfer(transfer, user=current_user),
        _("Copy %(barcode)s sent.", barcode=transfer.item.barcode),
    )
    return _back(transfer.from_library)


@bp.route("/send-all", methods=["POST"])
@permission_required("circulation.desk")
def send_all():
    """Mark every copy of the pull list as sent (the van leaves)."""
    library = working_library()
    sent = 0
    for transfer in pull_list(library.id if library is not None else None):
        try:
            with db.session.begin_nested():
                send_transfer(transfer, user=current_user)
            sent += 1
        except LibsysError as exc:
            flash(error_text(exc), "error")
    flash(_("%(n)s copies sent.", n=sent), "success")
    return _back(library)


@bp.route("/<int:transfer_id>/cancel", methods=["POST"])
@permission_required("circulation.desk")
def cancel(transfer_id):
    """Cancel a transfer not sent yet (one under way cannot be cancelled)."""
    transfer = get_transfer(transfer_id)

    run_action(
        lambda: cancel_by_hand(transfer, user=current_user), _("The transfer was cancelled.")
    )
    return _back(transfer.from_library)


@bp.route("/receive", methods=["POST"])
@permission_required("circulation.desk")
def receive():
    """Scan a copy that arrived: available here, or on the hold shelf for a waiting reader."""
    library = working_library()
    try:
        with db.session.begin_nested():
            transfer = receive_by_barcode(
                request.form.get("barcode", ""),
                library.id if library is not None else None,
                user=current_user,
            )
        if transfer.item.status == "on_hold_shelf":
            flash(_("Received %(barcode)s: put it on the hold shelf (a reader waits for it).",
                    barcode=transfer.item.barcode), "warning")  # fmt: skip
        else:
            flash(_("Received %(barcode)s: it is available here.",
                    barcode=transfer.item.barcode), "success")  # fmt: skip
    except PermissionDenied:
        raise
    except LibsysError as exc:
        flash(error_text(exc), "error")
    return _back(library)
