"""Periodicals' pages (blueprint `periodicals`): titles, subscriptions, the check-in list."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from libsys.accounts.access import permission_required
from libsys.catalog.acting import acting_libraries, parse_day, resolve_library
from libsys.catalog.periodicals.models import (
    FREQUENCIES,
    KINDS,
    IssueReceived,
    Periodical,
    Subscription,
)
from libsys.catalog.periodicals.services import (
    checkin_list,
    count_issues_received,
    count_periodical_titles,
    get_periodical,
    receive_issue,
    save_periodical,
    subscribe,
)
from libsys.core.clock import local_today
from libsys.core.forms import error_text
from libsys.errors import LibsysError, PermissionDenied
from libsys.extensions import db
from libsys.network.models import Library

bp = Blueprint("periodicals", __name__, url_prefix="/staff/periodicals")


def _library_for_page() -> Library:
    code = request.values.get("library")
    if code:
        return resolve_library(code)
    libraries = acting_libraries()
    if not libraries:
        abort(403)
    return libraries[0]


@bp.route("/")
@permission_required("catalog.view")
def index():
    """The library's titles with this year's subscriptions."""
    library = _library_for_page()
    year = request.args.get("year", type=int) or local_today().year
    periodicals = db.session.scalars(
        select(Periodical).where(Periodical.library_id == library.id).order_by(Periodical.name)
    ).all()
    subscriptions = {
        s.periodical_id: s
        for s in db.session.scalars(
            select(Subscription).where(
                Subscription.library_id == library.id, Subscription.year == year
            )
        )
    }
    return render_template(
        "catalog/tools/periodicals.html",
        library=library,
        libraries=acting_libraries(),
        year=year,
        periodicals=periodicals,
        subscriptions=subscriptions,
        titles=count_periodical_titles(library.id, year),
        frequencies=FREQUENCIES,
        kinds=KINDS,
    )


def _form_page(periodical, library, values, errors):
    return render_template(
        "catalog/tools/periodical_form.html",
        periodical=periodical,
        library=library,
        values=values,
        errors=errors,
        frequency_options=list(FREQUENCIES.items()),
        kind_options=list(KINDS.items()),
    ), (422 if errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("catalog.edit")
def new():
    """Add a periodical title, with this year's subscription."""
    library = _library_for_page()
    year = local_today().year
    values = {"frequency": "daily", "kind": "newspaper", "language": "vie", "copies": "1"}
    values["year"] = str(year)
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            with db.session.begin_nested():
                periodical = save_periodical(library, values, user=current_user)
                if values.get("copies"):
                    subscribe(
                        periodical,
                        library,
                        values.get("year") or year,
                        values.get("copies"),
                        values.get("price"),
                        user=current_user,
                    )
            flash(_("Periodical %(name)s added.", name=periodical.name), "success")
            return redirect(url_for("periodicals.index", library=library.code))
        except PermissionDenied:
            raise  # another library's: a 403 page, nothing written
        except LibsysError as exc:
            errors = exc.fields
            flash(str(exc.message), "error")
    return _form_page(None, library, values, errors)


@bp.route("/<int:periodical_id>", methods=["GET", "POST"])
@permission_required("catalog.edit")
def edit(periodical_id):
    """Edit a title and set a year's subscription; its receipts below."""
    periodical = get_periodical(periodical_id, user=current_user)
    errors = {}
    values = {
        "name": periodical.name,
        "issn": periodical.issn or "",
        "publisher": periodical.publisher or "",
        "frequency": periodical.frequency,
        "kind": periodical.kind,
        "language": periodical.language,
        "notes": periodical.notes or "",
        "active": "1" if periodical.active else "",
        "year": str(local_today().year),
    }
    if request.method == "POST":
        values = request.form.to_dict()
        values.setdefault("active", "")
        try:
            with db.session.begin_nested():
                save_periodical(
                    periodical.library, values, periodical=periodical, user=current_user
                )
                if values.get("copies"):
                    subscribe(
                        periodical,
                        periodical.library,
                        values.get("year"),
                        values.get("copies"),
                        values.get("price"),
                        user=current_user,
                    )
            flash(_("Changes saved."), "success")
            return redirect(url_for("periodicals.edit", periodical_id=periodical.id))
        except PermissionDenied:
            raise
        except LibsysError as exc:
            errors = exc.fields
            flash(str(exc.message), "error")
            db.session.refresh(periodical)
    return _form_page(periodical, periodical.library, values, errors)


@bp.route("/checkin")
@permission_required("catalog.edit")
def checkin():
    """Today's check-in list: expected titles first, one Enter to receive each."""
    library = _library_for_page()
    today = local_today()
    return render_template(
        "catalog/tools/periodical_checkin.html",
        library=library,
        libraries=acting_libraries(),
        today=today,
        rows=checkin_list(library, today),
    )


@bp.route("/checkin/<int:subscription_id>", methods=["POST"])
@permission_required("catalog.edit")
def receive(subscription_id):
    """Receive one issue of a subscription and come back to the list."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        abort(404)
    try:
        with db.session.begin_nested():
            receive_issue(
                subscription,
                issue=request.form.get("issue"),
                copies=request.form.get("copies") or None,
                user=current_user,
            )
        flash(
            _("%(name)s received.", name=subscription.periodical.name),
            "success",
        )
    except PermissionDenied:
        raise  # another library's subscription: a 403 page, nothing received
    except LibsysError as exc:
        flash(error_text(exc), "error")
    return redirect(url_for("periodicals.checkin", library=subscription.library.code))


@bp.route("/history")
@permission_required("catalog.view")
def history():
    """Issues received, newest first, for a library (one title or all) over a period."""
    library = _library_for_page()
    errors: dict = {}
    today = local_today()
    start = parse_day(request.args.get("start"), "start", errors) or today - timedelta(days=30)
    end = parse_day(request.args.get("end"), "end", errors) or today
    query = (
        select(IssueReceived)
        .join(Subscription)
        .where(Subscription.library_id == library.id, IssueReceived.received_on.between(start, end))
        .options(joinedload(IssueReceived.subscription).joinedload(Subscription.periodical))
        .order_by(IssueReceived.received_on.desc(), IssueReceived.id.desc())
    )
    periodical_id = request.args.get("periodical", type=int)
    if periodical_id:
        query = query.where(Subscription.periodical_id == periodical_id)
    return render_template(
        "catalog/tools/periodical_history.html",
        library=library,
        libraries=acting_libraries(),
        issues=db.session.scalars(query.limit(1000)).all(),
        start=start,
        end=end,
        periodical_id=periodical_id,
        errors=errors,
        total=count_issues_received(library.id, start, end),
    )
