"""The circulation desk: checkout and returns screens, visits, policies (keyboard only).

Every action is a plain form POST answered by a redirect; what the screen shows between
scans (the reader, the lines scanned) lives in the session, so the desk needs no JavaScript.
"""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.circulation import policies as policy_service
from libsys.circulation.errors import REFUSAL_MESSAGES, DeskRefusal
from libsys.circulation.fines import fines_due, settle_fine
from libsys.circulation.lookups import copy_by_barcode, find_reader
from libsys.circulation.models import CirculationPolicy, ClosedWeekday, Fine, Holiday
from libsys.circulation.panels import panel_lost_copies
from libsys.circulation.rules import MAX_SCAN, reader_blocks
from libsys.circulation.services import (
    checkin,
    checkout,
    get_hold,
    get_loan,
    reader_holds,
    reader_loans,
    renew,
    renew_all,
)
from libsys.circulation.visits import MAX_VISITORS, count_visit, record_visit, visits_today
from libsys.core.clock import local_today
from libsys.core.forms import run_action, save_form, whole_number
from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import Reader
from libsys.readers.services import looks_like_card_number

bp = Blueprint("circulation", __name__, url_prefix="/staff/desk")
MAX_LINES = 30
WEEKDAYS = range(7)


# --- Desk state ------------------------------------------------------------------------


def desk_library() -> Library:
    """The library this desk lends for: the user's own, or the one a network account chose."""
    if current_user.library is not None:
        return current_user.library
    code = session.get("desk_library")
    library = None
    if code:
        library = db.session.scalar(select(Library).where(Library.code == code))
    if library is None:
        library = db.session.scalar(
            select(Library).where(Library.level != "point").order_by(Library.id).limit(1)
        )
    return library


def _desk_libraries() -> list:
    if current_user.library is not None:
        return []
    return list(
        db.session.scalars(select(Library).where(Library.level != "point").order_by(Library.code))
    )


def _state(name: str) -> dict:
    return session.get(name) or {"lines": []}


def _save(name: str, state: dict) -> None:
    state["lines"] = state["lines"][:MAX_LINES]
    session[name] = state
    session.modified = True


def _may_override() -> bool:
    return current_user.can("circulation.override")


def _refusal_line(barcode: str, exc: LibsysError, reader_card: str | None = None) -> dict:
    line = {"barcode": barcode, "code": exc.code, "message": str(exc.message)}
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


# --- Checkout screen ---------------------------------------------------------------------


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
        libraries=_desk_libraries(),
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
            loan = checkout(
                barcode,
                card_number,
                library=desk_library(),
                user=current_user,
                override_reason=override_reason,
            )
    except LibsysError as exc:
        return _refusal_line(barcode, exc)
    return {
        "barcode": loan.item.barcode,
        "title": loan.item.record.title,
        "due_date": loan.due_date.isoformat(),
        "renewal": bool(getattr(loan, "renewed_now", False)),
        "repeated": bool(getattr(loan, "repeated_now", False)),
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
    for loan, refusal in results:
        if refusal is not None:
            flash(f"{loan.item.barcode} — {refusal.code}: {refusal.message}", "error")
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


# --- Returns screen ----------------------------------------------------------------------


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
        libraries=_desk_libraries(),
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


# --- Visits ------------------------------------------------------------------------------


@bp.route("/visits", methods=["GET", "POST"])
@permission_required("circulation.desk")
def visits():
    """Entrance: scan a card, or tap +1 / +N for walk-ins by category (children, adults)."""
    library = desk_library()
    if request.method == "POST":
        try:
            with db.session.begin_nested():
                card = request.form.get("scan", "").strip()
                if card:
                    reader = find_reader(card)
                    if count_visit(reader, library):
                        flash(_("Visit counted: %(name)s.", name=reader.full_name), "success")
                    else:
                        flash(_("%(name)s was already counted today.", name=reader.full_name),
                              "info")  # fmt: skip
                else:
                    # A missing count is one visitor (the +1 buttons); anything but 1 to 500
                    # written in digits is refused, never read as 1.
                    count = whole_number(request.form.get("count", "1"), MAX_VISITORS)
                    if count is None:
                        raise DeskRefusal(code="INVALID_COUNT")
                    category = request.form.get("category", "")
                    record_visit(library, count=count, category=category)
                    flash(_("%(n)s visits counted.", n=count), "success")
        except LibsysError as exc:
            flash(f"{exc.code}: {exc.message}", "error")
        return redirect(url_for("circulation.visits"), 303)
    return render_template(
        "circulation/desk/visits.html",
        library=library,
        libraries=_desk_libraries(),
        counts=visits_today(library),
    )


# --- Policies and calendars ---------------------------------------------------------------


def _policy_choices() -> dict:
    from libsys.readers.models import ReaderCategory

    locale = str(get_locale() or "vi")
    libraries = db.session.scalars(select(Library).order_by(Library.code)).all()
    return {
        "library_options": [(str(lib.id), f"{lib.code} — {lib.name}") for lib in libraries],
        "category_options": [
            (str(c.id), c.label(locale))
            for c in db.session.scalars(select(ReaderCategory).order_by(ReaderCategory.position))
        ],
        "store_options": policy_service.store_options(),
        "value_fields": policy_service.POLICY_VALUES,
    }


@bp.route("/policies")
@permission_required("circulation.policies")
def policies():
    """Lending rules, closed weekdays and holidays."""
    return _policies_page()


def _policies_page(holiday_values=None, holiday_errors=None, status=200):
    """The policies page; a holiday form that came back shows what was typed and why."""
    rules = sorted(
        db.session.scalars(select(CirculationPolicy)),
        key=lambda r: policy_service.specificity(r),
    )
    closed = db.session.scalars(select(ClosedWeekday).order_by(ClosedWeekday.library_id)).all()
    holidays = db.session.scalars(select(Holiday).order_by(Holiday.first_day.desc())).all()
    return render_template(
        "circulation/policies/index.html",
        rules=rules,
        closed=closed,
        holidays=holidays,
        defaults=policy_service.BUILT_IN_DEFAULTS,
        weekdays=WEEKDAYS,
        values={},
        errors={},
        holiday_values=holiday_values or {},
        holiday_errors=holiday_errors or {},
        **_policy_choices(),
    ), status


@bp.route("/policies/new", methods=["GET", "POST"])
@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
@permission_required("circulation.policies")
def policy_form(policy_id=None):
    """Add or change a lending rule (an empty value inherits from less specific rules)."""
    rule = db.session.get(CirculationPolicy, policy_id) if policy_id else None
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: policy_service.save_policy(values, rule),
            lambda _result: url_for("circulation.policies"),
            status=303,
        )
        if response:
            return response
    else:
        values = policy_service.policy_values(rule) if rule else {}
    return render_template(
        "circulation/policies/form.html", rule=rule, values=values, errors=errors,
        defaults=policy_service.BUILT_IN_DEFAULTS, **_policy_choices(),
    ), (422 if errors else 200)  # fmt: skip


@bp.route("/policies/<int:policy_id>/delete", methods=["POST"])
@permission_required("circulation.policies")
def delete_policy(policy_id):
    """Remove a lending rule."""
    if policy_service.delete_policy(policy_id):
        flash(_("The rule was removed."), "success")
    return redirect(url_for("circulation.policies"), 303)


@bp.route("/closed-days", methods=["POST"])
@permission_required("circulation.policies")
def closed_days():
    """Set the weekdays a library is closed."""
    days = [int(d) for d in request.form.getlist("weekday") if d in "0123456" and len(d) == 1]
    try:
        with db.session.begin_nested():
            policy_service.set_closed_weekdays(request.form.get("library_id", type=int), days)
        flash(_("Changes saved."), "success")
    except LibsysError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("circulation.policies"), 303)


@bp.route("/holidays", methods=["POST"])
@permission_required("circulation.policies")
def add_holiday():
    """Add a holiday (one day or a range such as Tết) for a library or the whole network."""
    values = request.form.to_dict()
    response, errors = save_form(
        lambda: policy_service.add_holiday(values),
        lambda _holiday: url_for("circulation.policies"),
        status=303,
    )
    return response or _policies_page(values, errors, 422)


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
@permission_required("circulation.policies")
def delete_holiday(holiday_id):
    """Remove a holiday."""
    policy_service.delete_holiday(holiday_id)
    return redirect(url_for("circulation.policies"), 303)
