"""The reader's own account in the OPAC: loans and renewals, holds, reading history, password."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update

from libsys.accounts.access import reader_required
from libsys.catalog.models import Item, Record
from libsys.circulation.acting import in_network_order
from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES, Hold
from libsys.circulation.holds.services import cancel_hold as cancel
from libsys.circulation.holds.services import place_hold as place
from libsys.circulation.holds.services import queue_position, reader_holds
from libsys.circulation.loans.models import Loan
from libsys.circulation.loans.services import reader_loans, renewal_refusal
from libsys.circulation.loans.services import renew as renew_loan
from libsys.core.clock import local_today
from libsys.core.forms import error_text, local_next
from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.services import change_reader_password
from libsys.stats.events import record_online_activity

bp = Blueprint("account", __name__, url_prefix="/account")
HISTORY_PAGE_SIZE = 50


def reading_history(reader, *, limit: int = HISTORY_PAGE_SIZE, offset: int = 0) -> list[Loan]:
    """Returned loans kept for a reader who opted in, the latest first."""
    return list(
        db.session.scalars(
            select(Loan)
            .join(Item, Item.id == Loan.item_id)
            .where(
                Loan.reader_id == reader.id,
                Loan.returned_at.is_not(None),
                Loan.status == "returned",
            )
            .order_by(Loan.returned_at.desc(), Loan.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def set_keep_history(reader, keep: bool) -> int:
    """Turn the reading history on or off; turning it off forgets the returned loans kept.

    Returns how many past loans were anonymised. Lost copies keep their reader: they are
    a matter still open with the library, not reading history.
    """
    reader.keep_history = keep
    forgotten = 0
    if not keep:
        forgotten = db.session.execute(
            update(Loan)
            .where(
                Loan.reader_id == reader.id,
                Loan.returned_at.is_not(None),
                Loan.status == "returned",
            )
            .values(reader_id=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    db.session.flush()
    return forgotten


def pickup_libraries() -> list[Library]:
    """Libraries where a reader may collect a reserved book (not rotation points)."""
    return in_network_order(
        db.session.scalars(
            select(Library).where(Library.level != "point", Library.active.is_(True))
        )
    )


def _active_hold_on(record) -> Hold | None:
    """The signed-in reader's active hold on a title, if any."""
    return db.session.scalar(
        select(Hold).where(
            Hold.reader_id == current_user.id,
            Hold.record_id == record.id,
            Hold.status.in_(ACTIVE_HOLD_STATUSES),
        )
    )


def _own_loan(loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None or loan.reader_id != current_user.id:
        abort(404)
    return loan


def _own_hold(hold_id: int) -> Hold:
    hold = db.session.get(Hold, hold_id)
    if hold is None or hold.reader_id != current_user.id:
        abort(404)
    return hold


ANSWER_KEY = "account_answer"


def _answer(anchor: str, message: str, category: str = "success") -> None:
    """What a renew, hold or cancel answers, shown next to the line the reader acted on
    (the page opens at that anchor): on a phone a message at the top is off screen."""
    session[ANSWER_KEY] = {"anchor": anchor, "message": str(message), "category": category}


@bp.route("/", methods=["GET"])
@reader_required
def index():
    """My loans with due dates (renew), my holds (cancel), my reading history if kept."""
    reader = current_user
    holds = reader_holds(reader)
    loans = reader_loans(reader)
    today = local_today()
    return render_template(
        "circulation/account/index.html",
        reader=reader,
        loans=loans,
        # Why a renew button cannot work, asked of the renewal rule itself (loan id: refusal).
        not_renewable={
            loan.id: refusal
            for loan in loans
            if (refusal := renewal_refusal(loan, today=today)) is not None
        },
        holds=[(hold, queue_position(hold)) for hold in holds],
        history=reading_history(reader) if reader.keep_history else [],
        today=today,
        answer=session.pop(ANSWER_KEY, None),
    )


@bp.route("/loans/<int:loan_id>/renew", methods=["POST"])
@reader_required
def renew(loan_id):
    """Renew one of my loans (refused when no renewal is left or another reader waits)."""
    loan = _own_loan(loan_id)
    anchor = f"loan-{loan.id}"
    try:
        with db.session.begin_nested():
            renew_loan(loan)
            record_online_activity(
                current_user, library=loan.library, action="renewal", channel="opac"
            )
        _answer(anchor, _("Renewed: %(title)s, now due %(date)s.", title=loan.item.record.title,
                          date=loan.due_date.strftime("%d/%m/%Y")))  # fmt: skip
    except LibsysError as exc:
        _answer(anchor, error_text(exc), "error")
    return redirect(url_for("account.index") + "#" + anchor)


@bp.route("/holds/place", methods=["GET", "POST"])
@reader_required
def place_hold():
    """Reserve a title: choose where to collect it (GET shows the form, POST places the hold)."""
    record = db.session.get(Record, request.values.get("record_id", type=int) or 0)
    if record is None:
        abort(404)
    libraries = pickup_libraries()
    chosen = request.values.get("pickup_library") or current_user.home_library.code
    held = _active_hold_on(record)
    if held is not None:
        _answer(f"hold-{held.id}", _("You have already reserved this title (to collect at "
                "%(library)s).", library=held.pickup_library.name), "info")  # fmt: skip
        return redirect(url_for("account.index") + f"#hold-{held.id}")
    if request.method == "POST":
        library = next((lib for lib in libraries if lib.code == chosen), None)
        try:
            if library is None:
                from libsys.errors import ValidationFailed

                raise ValidationFailed(fields={"pickup_library": _("Choose a library.")})
            with db.session.begin_nested():
                hold = place(current_user, record=record, pickup_library=library)
                record_online_activity(current_user, library=library, action="hold", channel="opac")
            message = _("Reserved: %(title)s. We will tell you when it waits at %(library)s.",
                        title=record.title, library=library.name)  # fmt: skip
            target = local_next("")
            if target:  # back to the record page, whose message is at its top by the button
                flash(message, "success")
                return redirect(target)
            _answer(f"hold-{hold.id}", message)
            return redirect(url_for("account.index") + f"#hold-{hold.id}")
        except LibsysError as exc:
            flash(error_text(exc), "error")
    return render_template(
        "circulation/account/place_hold.html",
        record=record,
        libraries=libraries,
        chosen=chosen,
    ), (422 if request.method == "POST" else 200)


@bp.route("/holds/<int:hold_id>/cancel", methods=["POST"])
@reader_required
def cancel_hold(hold_id):
    """Cancel one of my holds."""
    hold = _own_hold(hold_id)
    try:
        with db.session.begin_nested():
            cancel(hold)
        _answer("holds", _("Reservation cancelled: %(title)s.", title=hold.record.title))
        return redirect(url_for("account.index") + "#holds")
    except LibsysError as exc:
        _answer(f"hold-{hold.id}", error_text(exc), "error")
    return redirect(url_for("account.index") + f"#hold-{hold.id}")


@bp.route("/history", methods=["POST"])
@reader_required
def history():
    """Turn my reading history on or off (off forgets what was kept)."""
    keep = request.form.get("keep_history") == "1"
    forgotten = set_keep_history(current_user, keep)
    if keep:
        flash(_("Your reading history is on: returned books will be listed here."), "success")
    else:
        flash(_("Your reading history is off; %(n)s past loans were forgotten.", n=forgotten),
              "success")  # fmt: skip
    return redirect(url_for("account.index") + "#history")


@bp.route("/password", methods=["GET", "POST"])
@reader_required
def password():
    """Change my password (the current one is asked first)."""
    errors: dict = {}
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            errors["confirm_password"] = _("The two new passwords are not the same.")
        else:
            try:
                with db.session.begin_nested():
                    change_reader_password(
                        current_user, request.form.get("current_password", ""), new
                    )
                flash(_("Your password was changed."), "success")
                return redirect(url_for("account.index"))
            except LibsysError as exc:
                errors = {
                    ("new_password" if name == "password" else name): message
                    for name, message in exc.fields.items()
                }
    return render_template("circulation/account/password.html", errors=errors), (
        422 if errors else 200
    )
