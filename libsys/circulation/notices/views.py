"""Pages for overdues and notices: the overdue list, letters to print, readers to call."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.circulation.acting import library_code_arg, library_options, working_library
from libsys.circulation.holds.models import Hold
from libsys.circulation.notices.services import (
    holds_to_notify,
    overdue_letters_pdf,
    overdues_by_reader,
    record_hold_notice,
    record_overdue_notice,
    smtp_configured,
)
from libsys.core.clock import local_today
from libsys.core.pdf import pdf_response
from libsys.extensions import db
from libsys.network.models import Library

bp = Blueprint("notices", __name__, url_prefix="/staff/notices")


@bp.route("/overdues", methods=["GET"])
@permission_required("circulation.desk")
def overdues():
    """Overdue loans of a library, by reader, with contact details and days overdue."""
    library = working_library()
    today = local_today()
    return render_template(
        "circulation/notices/overdues.html",
        library=library,
        library_code=library_code_arg(library),
        groups=overdues_by_reader(library, today),
        today=today,
        libraries=library_options() if current_user.library_id is None else [],
        smtp=smtp_configured(),
    )


@bp.route("/overdues/letters.pdf", methods=["GET"])
@permission_required("circulation.desk")
def letters():
    """Printable notice letters, one per reader (?new=1: only readers due a new notice)."""
    library = working_library()
    today = local_today()
    groups = overdues_by_reader(library, today)
    if request.args.get("new"):
        groups = [g for g in groups if g.needs_notice]
    return pdf_response(overdue_letters_pdf(groups, library, today), "giay-bao-qua-han.pdf")


@bp.route("/overdues/letters-sent", methods=["POST"])
@permission_required("circulation.desk")
def letters_sent():
    """Record that the printed letters were sent, so no reader gets the same notice twice."""
    library = working_library()
    loans = readers = 0
    for group in overdues_by_reader(library):
        if group.needs_notice:
            loans += record_overdue_notice(group, "letter", user_id=current_user.id)
            readers += 1
    flash(_("Recorded %(readers)s letters (%(loans)s loans).", readers=readers, loans=loans),
          "success")  # fmt: skip
    return redirect(url_for("notices.overdues", library=library_code_arg(library)))


@bp.route("/holds", methods=["GET"])
@permission_required("circulation.desk")
def hold_calls():
    """Readers to phone: their reserved copy waits on the hold shelf and nobody told them yet."""
    library = working_library()
    return render_template(
        "circulation/notices/hold_calls.html",
        library=library,
        library_code=library_code_arg(library),
        holds=holds_to_notify(library),
        libraries=library_options() if current_user.library_id is None else [],
    )


@bp.route("/holds/<int:hold_id>/called", methods=["POST"])
@permission_required("circulation.desk")
def hold_called(hold_id):
    """The reader was phoned (or told at the desk): off the call list."""
    hold = db.session.get(Hold, hold_id)
    if hold is None:
        abort(404)
    if current_user.library_id not in (None, hold.pickup_library_id):
        abort(403)
    if record_hold_notice(hold, "phone", user_id=current_user.id):
        flash(_("%(name)s was told the book is waiting.", name=hold.reader.full_name), "success")
    library = db.session.get(Library, hold.pickup_library_id)
    return redirect(url_for("notices.hold_calls", library=library_code_arg(library)))
