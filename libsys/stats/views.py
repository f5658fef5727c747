"""The statistics dashboard page: the year so far against the plans' targets, with filters
by year, library and level, charts drawn on the server and a form to export the figures."""

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.core.clock import local_today
from libsys.errors import LibsysError, ValidationFailed
from libsys.extensions import db
from libsys.network.models import LIBRARY_LEVELS, Library
from libsys.stats.charts import comparison_chart, format_figure, monthly_chart
from libsys.stats.dashboard import FIRST_YEAR, dashboard
from libsys.stats.exports.views import FORMAT_LABELS
from libsys.stats.scope import scope_for

bp = Blueprint("stats", __name__, url_prefix="/staff/stats")

STATUS_LABELS = {
    "on_track": _l("On track"),
    "behind": _l("Behind"),
    "far_behind": _l("Far behind"),
}


@bp.app_template_filter("figure")
def _figure(value) -> str:
    return format_figure(value)


def _year(text: str | None, today) -> int:
    """The year asked for (this year when none), or a 422 naming the years allowed."""
    if not (text or "").strip():
        return today.year
    value = text.strip()
    if not value.isdigit() or len(value) != 4:
        message = _l("Choose a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=today.year)
        raise ValidationFailed(message, fields={"year": message}, code="INVALID_YEAR")
    return int(value)


def _visible_libraries(user) -> list[Library]:
    """The libraries this account may choose: all, or its own and those under it."""
    libraries = list(db.session.scalars(select(Library).order_by(Library.code)))
    if user.library_id is None:
        return libraries
    by_id = {library.id: library for library in libraries}

    def under_own(library):
        while library is not None:
            if library.id == user.library_id:
                return True
            library = by_id.get(library.parent_id)
        return False

    return [library for library in libraries if under_own(library)]


def _export_periods(year: int, today) -> list[tuple[str, str]]:
    """The periods the export form offers for the dashboard's year."""
    if year != today.year:
        return [(f"{year}", _("The year %(year)s", year=year)),
                (f"{year}-H1", _("First half of %(year)s", year=year))]  # fmt: skip
    last = today.replace(day=1) - timedelta(days=1)
    this_month, last_month = today.strftime("%m/%Y"), last.strftime("%m/%Y")
    return [
        (today.strftime("%Y-%m"), _("This month (%(month)s)", month=this_month)),
        (last.strftime("%Y-%m"), _("Last month (%(month)s)", month=last_month)),
        (f"{year}-H1", _("First half of %(year)s", year=year)),
        (f"{year}", _("The year %(year)s", year=year)),
    ]


def _charts(board):
    """The month chart of each main indicator and the comparison with last year."""
    months = [f"{number:02d}" for number in board.month_numbers]
    legend = (str(board.year), _("%(year)s (same days)", year=board.year - 1))
    monthly = []
    for line in board.main:
        title = _("%(indicator)s by month", indicator=line.indicator.label)
        desc = _(
            "Bars for each month of %(year)s beside the same month of %(last)s; the numbers "
            "are in the table below.",
            year=board.year,
            last=board.year - 1,
        )
        now = [line.months[number] for number in board.month_numbers]
        before = [line.last_months[number] for number in board.month_numbers]
        monthly.append((line, title, monthly_chart(title, desc, months, now, before, legend)))
    title = _("%(year)s so far against the same days of %(last)s", year=board.year,
              last=board.year - 1)  # fmt: skip
    desc = _("Two bars for each indicator, each pair on its own scale; the numbers are written "
             "beside the bars.")  # fmt: skip
    rows = [(str(line.indicator.label), line.value, line.last_year) for line in board.main]
    return monthly, (title, comparison_chart(title, desc, rows, legend))


@bp.route("/", endpoint="dashboard")
@permission_required("stats.view")
def show_dashboard():
    """The dashboard of a year (this one by default) for a library, a level or the network."""
    today = local_today()
    library_code = (request.args.get("library") or "").strip() or None
    level = (request.args.get("level") or "").strip() or None
    filters = {"year": request.args.get("year") or str(today.year), "library": library_code or "",
               "level": level or ""}  # fmt: skip
    context = {
        "filters": filters,
        "libraries": _visible_libraries(current_user),
        "levels": LIBRARY_LEVELS if current_user.library_id is None else (),
        "first_year": FIRST_YEAR,
        "today": today,
        "status_labels": STATUS_LABELS,
        "export_formats": list(FORMAT_LABELS.items()),
    }
    try:
        year = _year(request.args.get("year"), today)
        scope = scope_for(current_user, library_code, level)
        board = dashboard(year, scope, today)
    except LibsysError as error:
        fields = {name: str(message) for name, message in error.fields.items()}
        return render_template(
            "stats/dashboard.html", board=None, error=error, fields=fields, **context
        ), error.status
    monthly, comparison = _charts(board)
    return render_template(
        "stats/dashboard.html",
        board=board,
        error=None,
        fields={},
        monthly=monthly,
        comparison=comparison,
        export_periods=_export_periods(year, today),
        **context,
    )
