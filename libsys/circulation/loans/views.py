"""The desk's checkout and returns screens (keyboard only).

Every action is a plain form POST answered by a redirect; what the screen shows between
scans (the reader, the lines scanned) lives in the session, so the desk needs no JavaScript.
"""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.circulation.desk import MAX_LINES, bp, desk_libraries, desk_library
from libsys.circulation.errors import REFUSAL_MESSAGES, DeskRefusal
from libsys.circulation.fines.models import Fine
from libsys.circulation.fines.services import fines_due, settle_fine
from libsys.circulation.holds.services import get_hold, reader_holds
from libsys.circulation.loans.reader_panel import panel_lost_copies
from libsys.circulation.loans.returns import checkin
from libsys.circulation.loans.rules import MAX_SCAN, reader_blocks
from libsys.circulation.loans.services import checkout, get_loan, reader_loans, renew, renew_all
from libsys.circulation.lookups import copy_by_barcode, find_reader
from libsys.core.clock import local_today
from libsys.core.forms import run_action
from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader
from libsys.readers.services import looks_like_card_number


def _state(name: str) -> dict:
    return session.get(name) or {"lines": []}


def _save(name: str, state: dict) -> None:
    state["lines"] = state["lines"][:MAX_LINES]
    session[name] = state
    session.modified = True


def _may_override() -> bool:
    return current_user.can("circulation.override")


def _refusal_line(barcode: str, exc: LibsysError, reader_card: str | None = None) -> dict:
    """A refused scan: the copy's title and the reason come first, the code after."""
    line = {"barcode": barcode, "code": exc.code, "message": str(exc.message)}
    copy = copy_by_barcode(barcode) if exc.code != "UNKNOWN_ITEM" else None
    if copy is not None:
        line["barcode"], line["title"] = copy.barcode, copy.record.title
    # A copy on loan to someone else: the desk offers to take it back, then lend it here.
    line["return_then_lend"] = exc.code == "ALREADY_ON_LOAN" and copy is not None
    if isinstance(exc, DeskRefusal):
        line["overridable"] = bool(
            exc.overridable and exc.details.get("overridable", True) and _may_override()
        )
        line["codes"] = exc.details.get("codes", [exc.code])
    return line


def _current_reader(state: dict) -> Reader | None:
    card = state.get("reader")
    if not card:
        return None
    return db.session.scalar(select(Reader).where(Reader.card_number == card))


def _reader_by_card(value: str) -> Reader | None:
    try:
        return find_reader(value)
    except DeskRefusal:
        return None


@bp.route("/", methods=["GET"])
@permission_required("circulation.desk")
def desk():
    """The checkout screen: scan a card, then copies; the reader's panel on the right."""
    state = _state("desk")
    reader = _current_reader(state)
    context = {}
    if reader is not None:
        context = {
            "loans": reader_loans(reader),
            "holds": reader_holds(reader),
            "blocks": reader_blocks(reader, library=desk_library()),
            "fines": fines_due(reader),
            "lost_copies": panel_lost_copies(reader),
        }
    return render_template(
        "circulation/desk/desk.html",
        state=state,
        reader=reader,
        library=desk_library(),
        libraries=desk_libraries(),
        today=local_today(),
        messages=REFUSAL_MESSAGES,
        may_override=_may_override(),
        **context,
    )


@bp.route("/", methods=["POST"])
@permission_required("circulation.desk")
def scan():
    """One scan at the checkout screen: a card selects the reader, a copy is lent."""
    value = _scanned()
    state = _state("desk")
    if not value:
        return redirect(url_for("circulation.desk"), 303)
    reader = _reader_by_card(value)
    if reader is not None:
        if reader.card_number != state.get("reader"):
            _save("desk", {"reader": reader.card_number, "lines": []})
        return redirect(url_for("circulation.desk"), 303)
    if not state.get("reader"):
        if copy_by_barcode(value) is not None:
            flash(_("Scan the reader's card first."), "error")
        else:
            flash(f"{value}: {REFUSAL_MESSAGES['UNKNOWN_READER']}", "error")
        return redirect(url_for("circulation.desk"), 303)
    line = _checkout_line(value, state["reader"])
    if line.get("code") == "UNKNOWN_ITEM" and looks_like_card_number(value):
        line = _refusal_line(value, DeskRefusal(code="UNKNOWN_READER"))  # a card no one has
    state["lines"].insert(0, line)
    _save("desk", state)
    return redirect(url_for("circulation.desk"), 303)


def _scanned() -> str:
    """The scan field's value; empty (with a message) when too long for a barcode or card,
    which would also swell the session cookie that keeps the screen's lines."""
    value = request.form.get("scan", "").strip()
    if len(value) > MAX_SCAN:
        flash(_("This is not a barcode or a card number: it is too long."), "error")
        return ""
    return value


def _checkout_line(barcode: str, card_number: str, override_reason: str | None = None) -> dict:
    try:
        with db.session.begin_nested():
            lent = checkout(
                barcode,
                card_number,
                library=desk_library(),
                user=current_user,
                override_reason=override_reason,
            )
    except LibsysError as exc:
        return _refusal_line(barcode, exc)
    loan = lent.loan
    return {
        "barcode": loan.item.barcode,
        "title": loan.item.record.title,
        "due_date": loan.due_date.isoformat(),
        "renewal": lent.renewed,
        "repeated": lent.repeated,
        "overridden": bool(override_reason),
    }


@bp.route("/override", methods=["POST"])
@permission_required("circulation.override")
def override():
    """Lend a refused copy anyway, with the reason the librarian gives (logged)."""
    state = _state("desk")
    barcode = request.form.get("barcode", "").strip()
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Give the reason for the override."), "error")
    elif state.get("reader") and barcode:
        line = _checkout_line(barcode, state["reader"], reason)
        if not line.get("code"):  # lent: its refusal above is settled
            state["lines"] = [
                old for old in state["lines"] if not (old.get("code") and old["barcode"] == barcode)
            ]
        state["lines"].insert(0, line)
        _save("desk", state)
    return redirect(url_for("circulation.desk"), 303)


@bp.route("/renew/<int:loan_id>", methods=["POST"])
@permission_required("circulation.desk")
def renew_one(loan_id):
    """Renew one loan of the reader at the desk."""
    reason = request.form.get("reason", "").strip() or None
    loan = get_loan(loan_id)
    try:
        with db.session.begin_nested():
            renew(loan, library=desk_library(), user=current_user, override_reason=reason,
                  in_person=True)  # fmt: skip
        flash(
            _("Renewed: due %(date)s.", date=loan.due_date.strftime("%d/%m/%Y")),
            "success",
        )
    except LibsysError as exc:
        flash(f"{exc.code}: {exc.message}", "error")
    return redirect(url_for("circulation.desk"), 303)


@bp.route("/fines/<int:fine_id>/settle", methods=["POST"])
@permission_required("circulation.desk")
def settle(fine_id):
    """Mark a fine of the reader at the desk paid, or waived with a reason (override)."""
    fine = db.get_or_404(Fine, fine_id)
    reader = _current_reader(_state("desk"))
    if reader is None or fine.reader_id != reader.id:
        # A page left open for another reader: settle only what the reader here owes.
        flash(_("This fine is not owed by the reader at the desk."), "error")
        return redirect(url_for("circulation.desk"), 303)
    waive = request.form.get("waive") == "1"
    if waive and not _may_override():
        flash(_("You may not waive fines."), "error")
        return redirect(url_for("circulation.desk"), 303)
    run_action(
        lambda: settle_fine(
            fine,
            library=desk_library(),
            user=current_user,
            waive=waive,
            reason=request.form.get("reason", ""),
        ),
        _("Fine waived.") if waive else _("Fine paid."),
    )
    return redirect(url_for("circulation.desk"), 303)


@bp.route("/renew-all", methods=["POST"])
@permission_required("circulation.desk")
def renew_everything():
    """Renew every loan of the reader at the desk."""
    reader = _current_reader(_state("desk"))
    if reader is None:
        return redirect(url_for("circulation.desk"), 303)
    results = renew_all(reader, library=desk_library(), user=current_user, in_person=True)
    renewed = sum(1 for _loan, refusal in results if refusal is None)
    flash(_("%(n)s loans renewed.", n=renewed), "success" if renewed else "info")
    state = _state("desk")
    # Every loan not renewed, with the reason: the list stays on the screen until the next
    # "renew all" or the next reader (a flash would go at the next scan).
    state["not_renewed"] = [
        {"barcode": loan.item.barcode, "title": loan.item.record.title,
         "due_date": loan.due_date.isoformat(), "code": refusal.code,
         "message": str(refusal.message)}
        for loan, refusal in results if refusal is not None
    ][:MAX_LINES]  # fmt: skip
    _save("desk", state)
    return redirect(url_for("circulation.desk"), 303)


@bp.route("/return-and-lend", methods=["POST"])
@permission_required("circulation.desk")
def return_and_lend():
    """Koha's check-in and issue: take a copy back from the reader who has it, then lend it
    to the reader at the desk. Two service calls in that order: the return stays done when
    the loan is then refused, and the line says so."""
    state = _state("desk")
    barcode = request.form.get("barcode", "").strip()[:MAX_SCAN]
    if not state.get("reader") or not barcode:
        return redirect(url_for("circulation.desk"), 303)
    try:
        with db.session.begin_nested():
            returned = checkin(barcode, library=desk_library(), user=current_user)
    except LibsysError as exc:
        line = _refusal_line(barcode, exc)
    else:
        line = _checkout_line(returned.item.barcode, state["reader"])
        line["returned_first"] = True
    state["lines"] = [
        old for old in state["lines"] if not (old.get("code") and old["barcode"] == line["barcode"])
    ]
    state["lines"].insert(0, line)
    _save("desk", state)
    return redirect(url_for("circulation.desk"), 303)


@bp.route("/finish", methods=["POST"])
@permission_required("circulation.desk")
def finish():
    """Done with this reader: clear the screen for the next one."""
    session.pop("desk", None)
    return redirect(url_for("circulation.desk"), 303)


@bp.route("/library", methods=["POST"])
@permission_required("circulation.desk")
def choose_library():
    """A network account chooses which library the desk acts for."""
    code = request.form.get("library", "")
    if db.session.scalar(select(Library.id).where(Library.code == code)):
        session["desk_library"] = code
    return redirect(request.form.get("next") or url_for("circulation.desk"), 303)


@bp.route("/returns", methods=["GET", "POST"])
@permission_required("circulation.desk")
def returns():
    """The returns screen: scan copies; a hold or a transfer is announced in large type."""
    state = _state("returns")
    if request.method == "POST":
        barcode = _scanned()
        if barcode:
            state["lines"].insert(0, _checkin_line(barcode))
            _save("returns", state)
        return redirect(url_for("circulation.returns"), 303)
    return render_template(
        "circulation/desk/returns.html",
        state=state,
        library=desk_library(),
        libraries=desk_libraries(),
        library_names=_library_names(),
    )


def _library_names() -> dict:
    return dict(db.session.execute(select(Library.code, Library.name)).all())


def _checkin_line(barcode: str) -> dict:
    try:
        with db.session.begin_nested():
            result = checkin(barcode, library=desk_library(), user=current_user)
    except LibsysError as exc:
        return _refusal_line(barcode, exc)
    return {
        "barcode": result.item.barcode,
        "title": result.item.record.title,
        "was_on_loan": result.loan is not None,
        "found": result.found,
        "overdue_days": result.overdue_days,
        "fine": result.fine,
        "hold": result.hold_slip(),
        "route_to": result.route_to,
        "route_reason": result.route_reason,
        "rotation_point": result.rotation_point.code if result.rotation_point else None,
    }


@bp.route("/returns/clear", methods=["POST"])
@permission_required("circulation.desk")
def clear_returns():
    """Empty the list of returned copies."""
    session.pop("returns", None)
    return redirect(url_for("circulation.returns"), 303)


@bp.route("/holds/<int:hold_id>/slip")
@permission_required("circulation.desk")
def hold_slip(hold_id):
    """A small printable slip put in a copy waiting on the hold shelf."""
    hold = get_hold(hold_id)
    if hold.status not in ("on_shelf", "in_transit"):
        raise DeskRefusal(code="HOLD_CLOSED")  # no slip for a hold that is over
    return render_template("circulation/desk/hold_slip.html", hold=hold, today=local_today())
