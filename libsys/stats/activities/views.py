"""Staff pages for activities: record one, list them by year, library and kind."""

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.core.clock import local_today
from libsys.core.forms import save_form
from libsys.network.forms import form_errors
from libsys.stats.activities.forms import ActivityForm
from libsys.stats.activities.models import ACTIVITY_KINDS
from libsys.stats.activities.services import (
    libraries_for,
    library_by_code,
    list_activities,
    record_activity,
)

bp = Blueprint("activities", __name__, url_prefix="/staff/activities")

KIND_LABELS = {
    "exhibition": _l("Exhibition"),
    "book_talk": _l("Book talk"),
    "contest": _l("Contest"),
    "reading_day": _l("Reading promotion day"),
    "training": _l("Training"),
    "other": _l("Other activity"),
}
assert set(KIND_LABELS) == set(ACTIVITY_KINDS)


@bp.route("/", methods=["GET", "POST"])
@permission_required("stats.activities")
def index():
    """The activities of a year (this account's library, or all), and the form to record one."""
    libraries = libraries_for(current_user)
    form = ActivityForm()
    form.library.choices = [(lib.code, lib.name) for lib in libraries]
    errors: dict = {}
    failed = False
    if request.method == "POST":
        failed = True  # until the service has saved it
        if form.validate():
            response, errors = save_form(
                lambda: record_activity(
                    current_user,
                    library=library_by_code(current_user, form.library.data),
                    day=form.day.data,
                    kind=form.kind.data,
                    title=form.title.data,
                    participants=form.participants.data or 0,
                    children=form.children.data or 0,
                    note=form.note.data,
                ),
                lambda activity: url_for("activities.index", year=activity.day.year),
                lambda activity: _("Activity recorded: %(title)s.", title=activity.title),
            )
            if response is not None:
                return response
        else:
            errors = form_errors(form)
    year = request.args.get("year", type=int) or local_today().year
    kind = request.args.get("kind") or None
    found = list_activities(current_user, year=year, kind=kind if kind in ACTIVITY_KINDS else None)
    values = (
        request.form.to_dict()
        if request.method == "POST"
        else {
            "day": local_today().strftime("%d/%m/%Y"),
            "library": libraries[0].code if libraries else "",
        }
    )
    return render_template(
        "stats/activities/index.html",
        activities=found,
        totals={
            "count": len(found),
            "participants": sum(a.participants for a in found),
            "children": sum(a.children for a in found),
        },
        year=year,
        kind=kind,
        kind_labels=KIND_LABELS,
        library_options=form.library.choices,
        values=values,
        errors=errors,
    ), (422 if failed or errors else 200)
