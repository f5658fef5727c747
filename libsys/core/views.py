"""Home pages, the health check and the language switch."""

from types import SimpleNamespace

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from libsys.accounts.access import staff_required
from libsys.core.clock import local_today
from libsys.extensions import db
from libsys.stats.scope import scope_for
from libsys.stats.today import today_numbers

bp = Blueprint("core", __name__)


@bp.route("/healthz")
def healthz():
    """Liveness and readiness: the database answers, the search index is there."""
    status = {"status": "ok", "database": "ok", "search": "absent"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001  (any failure means the database is not usable)
        status["status"], status["database"] = "error", "error"
    search_health = current_app.extensions.get("libsys_search_health")
    if search_health is not None:
        status["search"] = search_health()
        if status["search"] not in ("ok", "absent"):
            status["status"] = "error"
    return jsonify(status), 200 if status["status"] == "ok" else 503


@bp.route("/")
def index():
    """The OPAC home page (the OPAC replaces it with search and new arrivals)."""
    if "opac.home" in current_app.view_functions:
        return current_app.view_functions["opac.home"]()
    return render_template("core/index.html")


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    """Switch the interface language for this browser."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.form.get("next") or request.referrer or "/"
    return redirect(target if target.startswith("/") else "/")


# Roles whose home is the statistics dashboard (the year against the plans' targets).
DASHBOARD_HOME_ROLES = ("viewer", "manager")


@bp.route("/staff")
@staff_required
def staff_home():
    """The staff home: the statistics dashboard for a report viewer or a manager, today's
    numbers and shortcuts for everyone else."""
    dashboard = current_app.view_functions.get("stats.dashboard")
    if (
        dashboard is not None
        and current_user.role in DASHBOARD_HOME_ROLES
        and current_user.can("stats.view")
    ):
        return dashboard()
    return today()


@bp.route("/staff/today")
@staff_required
def today():
    """Today's numbers for the account's library (with its rotation points) or the whole
    network, and shortcuts to the work its role may do."""
    numbers = today_numbers(scope_for(current_user).library_ids)
    return render_template(
        "core/staff_home.html",
        numbers=numbers,
        today=local_today(),
        endpoints_available=set(current_app.view_functions),
    )


def render_http_error(exc, message=None):
    """A page for 403, 404 and the like, in the interface language."""
    return render_template("core/error.html", error=exc, message=message), exc.code or 500


def render_libsys_error(exc):
    """A page for a rule a page view did not handle itself (unknown reader, say)."""
    error = SimpleNamespace(code=exc.status)
    return render_template("core/error.html", error=error, message=exc.message), exc.status
