"""Hold pages for staff: place a hold for a reader, a title's queue, cancel, the hold shelf."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.catalog.services import get_record
from libsys.catalog.views import record_page
from libsys.circulation.acting import library_code_arg, library_options, working_library
from libsys.circulation.desk import desk_library
from libsys.circulation.errors import DeskRefusal
from libsys.circulation.holds.services import get_hold, queue_position
from libsys.circulation.holds.staff import (
    cancel_hold_at_desk,
    hold_shelf,
    may_cancel,
    place_hold_for_reader,
    reservable_copies,
    title_queue,
)
from libsys.circulation.holds.to_pull import holds_to_pull
from libsys.circulation.loans.rules import MAX_SCAN
from libsys.core.clock import local_today
from libsys.core.forms import error_text, local_next
from libsys.errors import LibsysError
from libsys.extensions import db

bp = Blueprint("holds", __name__, url_prefix="/staff/holds")


@bp.app_template_global("may_cancel_hold")
def may_cancel_hold(hold) -> bool:
    """Whether the signed-in staff may cancel this hold (the templates' Cancel buttons)."""
    return current_user.can("circulation.desk") and may_cancel(current_user, hold)


HOLD_FIELDS = ("card_number", "pickup_library", "item")


def record_holds(record, values=None, errors=None, refusal=None) -> dict:
    """What the record page's hold block shows: the queue and the form to place a hold."""
    library = desk_library()
    return {
        "queue": title_queue(record),
        "pickup_options": library_options(),
        "copies": reservable_copies(record),
        "values": values or {"pickup_library": library.code if library is not None else ""},
        "errors": errors or {},
        "refusal": refusal,
        "today": local_today(),
    }


@bp.route("/records/<int:record_id>", methods=["POST"])
@permission_required("circulation.desk")
def place(record_id):
    """Place a hold on the title (or one copy) for the reader whose card is given."""
    record = get_record(record_id)
    values = {name: (request.form.get(name) or "").strip()[:MAX_SCAN] for name in HOLD_FIELDS}
    try:
        with db.session.begin_nested():
            hold = place_hold_for_reader(record, values, user=current_user)
    except LibsysError as exc:
        errors = dict(exc.fields)
        refusal = None
        if isinstance(exc, DeskRefusal) and exc.code == "UNKNOWN_READER":
            errors["card_number"] = exc.message  # said once, beside the card field
        elif isinstance(exc, DeskRefusal):
            refusal = {"code": exc.code, "message": str(exc.message)}
            flash(error_text(exc), "error")
        else:
            flash(error_text(exc), "error")
        # 422 for what the form says wrong, 409 for a rule the reader's situation breaks.
        status = exc.status if exc.status in (409, 422) else 422
        return record_page(
            record, holds=record_holds(record, values, errors, refusal), status=status
        )
    reader = hold.reader
    if hold.item is not None:
        message = _("Copy %(barcode)s reserved for %(name)s (%(card)s), to collect at %(library)s.",
                    barcode=hold.item.barcode, name=reader.full_name, card=reader.card_number,
                    library=hold.pickup_library.name)  # fmt: skip
    else:
        message = _("Hold placed for %(name)s (%(card)s), to collect at %(library)s: number "
                    "%(position)s in the queue.", name=reader.full_name, card=reader.card_number,
                    library=hold.pickup_library.name, position=queue_position(hold))  # fmt: skip
    flash(message, "success")
    # To the top of the page, where the message is; the new hold is in the queue below.
    return redirect(url_for("catalog.record", record_id=record.id), 303)


@bp.route("/<int:hold_id>/cancel", methods=["POST"])
@permission_required("circulation.desk")
def cancel(hold_id):
    """Cancel a hold for the reader (from the reader panel or the title's queue)."""
    hold = get_hold(hold_id)
    back = local_next(url_for("catalog.record", record_id=hold.record_id))
    if not may_cancel(current_user, hold):
        flash(_("Only the pickup library or the reader's library can cancel this hold."), "error")
        return redirect(back, 303)
    try:
        with db.session.begin_nested():
            outcome = cancel_hold_at_desk(hold, user=current_user, library=desk_library())
    except LibsysError as exc:
        flash(error_text(exc), "error")
        return redirect(back, 303)
    flash(_cancelled_message(outcome), "warning" if outcome.copy_goes else "success")
    return redirect(back, 303)


def _cancelled_message(outcome) -> str:
    """The flash after a cancel: the hold, and where its copy goes now."""
    hold = outcome.hold
    done = _("Hold cancelled: %(title)s for %(name)s.", title=hold.record.title,
             name=hold.reader.full_name)  # fmt: skip
    item, goes = outcome.item, outcome.copy_goes
    if goes is None:
        return done
    barcode = item.barcode
    library = outcome.to_library.name if outcome.to_library is not None else ""
    if goes == "next_reader_here":
        next_reader = outcome.next_hold.reader
        then = _("Copy %(barcode)s stays on the hold shelf: it now waits for %(name)s (%(card)s).",
                 barcode=barcode, name=next_reader.full_name,
                 card=next_reader.card_number)  # fmt: skip
    elif goes == "next_reader_away":
        then = _("Take copy %(barcode)s off the hold shelf and send it to %(library)s: another "
                 "reader waits for it there.", barcode=barcode, library=library)  # fmt: skip
    elif goes == "home":
        then = _("Take copy %(barcode)s off the hold shelf and send it back to %(library)s.",
                 barcode=barcode, library=library)  # fmt: skip
    elif goes == "on_the_way":
        then = _("Copy %(barcode)s is already on its way to %(library)s: scan it at the returns "
                 "desk there when it arrives.", barcode=barcode, library=library)  # fmt: skip
    else:
        then = _("Take copy %(barcode)s off the hold shelf and put it back on the shelf: it is "
                 "available.", barcode=barcode)  # fmt: skip
    return f"{done} {then}"


@bp.route("/shelf", methods=["GET"])
@permission_required("circulation.desk")
def shelf():
    """The hold shelf to print: every copy waiting for a reader, those to take off first."""
    library = working_library()
    today = local_today()
    lines = hold_shelf(library, today)
    return render_template(
        "circulation/notices/hold_shelf.html",
        library=library,
        library_code=library_code_arg(library),
        lines=lines,
        expired=sum(1 for line in lines if line.expired),
        today=today,
        libraries=library_options() if current_user.library_id is None else [],
    )


@bp.route("/to-pull", methods=["GET"])
@permission_required("circulation.desk")
def to_pull():
    """Holds to pull, to print: the copies on this library's shelves that waiting holds need."""
    library = working_library()
    return render_template(
        "circulation/holds/to_pull.html",
        library=library,
        lines=holds_to_pull(library) if library is not None else [],
        today=local_today(),
        libraries=library_options() if current_user.library_id is None else [],
    )
