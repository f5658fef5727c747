"""Sign-in and sign-out for staff and readers."""

from datetime import UTC
from math import ceil
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from libsys.accounts import throttle
from libsys.accounts.forms import LoginForm
from libsys.accounts.services import authenticate, end_sessions
from libsys.core.forms import local_next

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """One sign-in page: a staff user name or a reader's card number.

    Wrong passwords are counted per name and per address (`throttle`); a locked name or
    address is refused (429, saying until when) before the password is looked at.
    """
    form = LoginForm()
    if form.validate_on_submit():
        name, address = form.username.data, request.remote_addr
        until = throttle.locked_until(name, address)
        if until is not None:
            return _locked_out(form, until)
        user = authenticate(name, form.password.data)
        if user is not None:
            throttle.record_success(name)
            login_user(user)
            return redirect(local_next(url_for("core.staff_home")))
        from libsys.readers.services import authenticate_reader

        reader = authenticate_reader(name, form.password.data)
        if reader is not None:
            throttle.record_success(name)
            login_user(reader)
            return redirect(local_next(url_for("core.index")))
        # Answered 200 so the request commits the count.
        until = throttle.record_failure(name, address)
        if until is not None:
            flash(_lockout_message(until), "error")
        else:
            flash(_("The user name, card number or password is wrong."), "error")
    return render_template("accounts/login.html", form=form)


def _lockout_message(until) -> str:
    zone = ZoneInfo(current_app.config.get("LIBSYS_TIMEZONE", "Asia/Ho_Chi_Minh"))
    local = until.replace(tzinfo=UTC).astimezone(zone)
    return _(
        "Too many wrong passwords: signing in is locked. Try again after %(time)s on %(day)s.",
        time=local.strftime("%H:%M"),
        day=local.strftime("%d/%m/%Y"),
    )


def _locked_out(form, until):
    """The sign-in page saying until when it is locked (429, with Retry-After)."""
    flash(_lockout_message(until), "error")
    seconds = max(1, ceil((until - throttle.now()).total_seconds()))
    response = current_app.make_response((render_template("accounts/login.html", form=form), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: every session of the account ends (a saved cookie opens nothing after)."""
    end_sessions(current_user._get_current_object())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("core.index"))


@bp.app_context_processor
def _inject_user_kind():
    return {
        "is_staff": bool(getattr(current_user, "is_staff", False)),
        "is_reader": bool(getattr(current_user, "is_reader", False)),
    }
