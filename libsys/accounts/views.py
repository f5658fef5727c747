"""Sign-in and sign-out for staff and readers."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from libsys.accounts.forms import LoginForm
from libsys.accounts.services import authenticate
from libsys.core.forms import local_next

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """One sign-in page: a staff user name or a reader's card number."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(local_next(url_for("core.staff_home")))
        from libsys.readers.services import authenticate_reader

        reader = authenticate_reader(form.username.data, form.password.data)
        if reader is not None:
            login_user(reader)
            return redirect(local_next(url_for("core.index")))
        flash(_("The user name, card number or password is wrong."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out and forget the session."""
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
