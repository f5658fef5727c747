"""The desk's entrance page: a card scanned, or walk-ins counted by category."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from libsys.accounts.access import permission_required
from libsys.circulation.desk import bp, desk_libraries, desk_library
from libsys.circulation.errors import DeskRefusal
from libsys.circulation.lookups import find_reader
from libsys.circulation.visits.services import MAX_VISITORS, count_visit, record_visit, visits_today
from libsys.core.forms import whole_number
from libsys.errors import LibsysError
from libsys.extensions import db


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
        libraries=desk_libraries(),
        counts=visits_today(library),
    )
