"""Managing staff accounts, and one's own password and API tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select

from libsys.accounts.access import permission_required, staff_required
from libsys.accounts.permissions import ROLE_LABELS
from libsys.accounts.services import (
    change_own_password,
    create_token,
    create_user,
    end_sessions,
    get_user,
    list_users,
    update_user,
)
from libsys.core.forms import save_form
from libsys.errors import LibsysError
from libsys.extensions import db
from libsys.network.models import Library

bp = Blueprint("staff", __name__, url_prefix="/staff/users")


def _library_options():
    libraries = db.session.scalars(select(Library).order_by(Library.code))
    return [(lib.code, f"{lib.code} · {lib.name}") for lib in libraries]


def _may_manage(user) -> bool:
    """Managers of one library manage that library's accounts; admins every account."""
    if current_user.library_id is None:
        return True
    return user.library_id == current_user.library_id and user.role != "admin"


@bp.route("/", methods=["GET", "POST"])
@permission_required("users.manage")
def index():
    """Staff accounts; add one."""
    values, errors = {}, {}
    if request.method == "POST":
        values = request.form.to_dict()
        library = values.get("library") or None
        if current_user.library_id is not None:
            library = current_user.library.code  # a library's manager adds to her library
            if values.get("role") == "admin":
                abort(403)
        try:
            with db.session.begin_nested():
                user = create_user(
                    values.get("username", ""),
                    values.get("password", ""),
                    values.get("role", ""),
                    library,
                    full_name=values.get("full_name", ""),
                    email=values.get("email") or None,
                )
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("staff.index"))
        except LibsysError as exc:
            errors = exc.fields or {"username": exc.message}
            flash(str(exc.message), "error")
    users = list_users(current_user.library_id)
    return render_template(
        "accounts/users.html",
        users=users,
        values=values,
        errors=errors,
        role_options=list(ROLE_LABELS.items()),
        library_options=_library_options(),
    ), (422 if errors else 200)


@bp.route("/<username>", methods=["GET", "POST"])
@permission_required("users.manage")
def edit(username):
    """Change an account: role, library, active, a new password."""
    user = get_user(username)
    if not _may_manage(user):
        abort(403)
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        values["active"] = values.get("active", "")
        if current_user.library_id is not None:
            values.pop("library", None)
            if values.get("role") == "admin":
                abort(403)
        response, errors = save_form(
            lambda: update_user(user, values), lambda _result: url_for("staff.index")
        )
        if response:
            return response
        db.session.refresh(user)
    else:
        values = {
            "full_name": user.full_name,
            "email": user.email or "",
            "role": user.role,
            "library": user.library.code if user.library else "",
            "active": "1" if user.active else "",
        }
    return render_template(
        "accounts/user_form.html",
        user=user,
        values=values,
        errors=errors,
        role_options=list(ROLE_LABELS.items()),
        library_options=_library_options(),
    ), (422 if errors else 200)


@bp.route("/<username>/sign-out", methods=["POST"])
@permission_required("users.manage")
def sign_out(username):
    """Sign an account out everywhere: every session and saved cookie of it ends."""
    user = get_user(username)
    if not _may_manage(user):
        abort(403)
    end_sessions(user)
    flash(_("%(name)s is signed out everywhere.", name=user.username), "success")
    return redirect(url_for("staff.edit", username=user.username))


@bp.route("/me/sign-out", methods=["POST"])
@staff_required
def sign_out_me():
    """Sign out on every computer and phone at once (this one too)."""
    end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You are signed out everywhere."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/me", methods=["GET", "POST"])
@staff_required
def me():
    """One's own account: change the password, make an API token."""
    errors, token = {}, None
    if request.method == "POST":
        action = request.form.get("action")
        try:
            with db.session.begin_nested():
                if action == "token":
                    token = create_token(current_user.username, request.form.get("name", ""))
                else:
                    change_own_password(
                        current_user,
                        request.form.get("current_password", ""),
                        request.form.get("new_password", ""),
                    )
            if action != "token":
                flash(_("Your password was changed."), "success")
                return redirect(url_for("staff.me"))
        except LibsysError as exc:
            errors = exc.fields
            flash(str(exc.message), "error")
    return render_template("accounts/me.html", errors=errors, token=token, values={}), (
        422 if errors else 200
    )
