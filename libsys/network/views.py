"""Staff pages for the network: libraries and rotation points, stores, administrative units."""

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.accounts.scope import require_library_scope, require_network_scope
from libsys.core.clock import local_today
from libsys.core.forms import save_form
from libsys.errors import LibsysError, NotFound
from libsys.extensions import db
from libsys.network.forms import PopulationForm, PopulationImportForm, form_errors
from libsys.network.labels import (
    ADMIN_LEVEL_LABELS,
    LEVEL_LABELS,
    POINT_KIND_LABELS,
    STORE_KIND_LABELS,
)
from libsys.network.models import AdminUnit, Store
from libsys.network.population import (
    import_population,
    is_school,
    may_enter_population,
    owner_by_code,
    population_rows,
    population_template,
    save_population,
)
from libsys.network.services import (
    get_library,
    list_admin_units,
    list_libraries,
    save_admin_unit,
    save_library,
    save_store,
)

bp = Blueprint("network", __name__, url_prefix="/staff/network")


@bp.app_context_processor
def _labels():
    return {
        "library_level_labels": LEVEL_LABELS,
        "point_kind_labels": POINT_KIND_LABELS,
        "store_kind_labels": STORE_KIND_LABELS,
        "admin_level_labels": ADMIN_LEVEL_LABELS,
        # Libraries and units are changed by a network account only (a library's sees them).
        "network_wide": getattr(current_user, "library_id", None) is None,
    }


def _choices() -> dict:
    return {
        "library_options": [(lib.code, f"{lib.code} · {lib.name}") for lib in list_libraries()],
        "unit_options": [(u.code, u.path()) for u in list_admin_units()],
    }


@bp.route("/")
@permission_required("network.view")
def index():
    """The network at a glance: libraries, points, stores."""
    return render_template("network/index.html", libraries=list_libraries())


@bp.route("/libraries/new", methods=["GET", "POST"])
@permission_required("network.manage")
def new_library():
    """Add a library or rotation point (a network account's work: the form is not even shown
    to a library's account)."""
    require_network_scope(current_user)
    values, errors = request.form.to_dict(), {}
    if request.method == "POST":
        response, errors = save_form(
            lambda: save_library(values, user=current_user),
            lambda lib: url_for("network.library", code=lib.code),
        )
        if response:
            return response
    return render_template(
        "network/library_form.html", values=values, errors=errors, library=None, **_choices()
    ), (422 if errors else 200)


@bp.route("/libraries/<code>")
@permission_required("network.view")
def library(code):
    """One library with its stores."""
    return render_template("network/library.html", library=get_library(code), values={}, errors={})


@bp.route("/libraries/<code>/edit", methods=["GET", "POST"])
@permission_required("network.manage")
def edit_library(code):
    """Change a library (a network account's work)."""
    require_network_scope(current_user)
    library = get_library(code)
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: save_library(values, library, user=current_user),
            lambda lib: url_for("network.library", code=lib.code),
        )
        if response:
            return response
        db.session.refresh(library)
    else:
        values = {
            "code": library.code,
            "name": library.name,
            "level": library.level,
            "point_kind": library.point_kind or "",
            "parent": library.parent.code if library.parent else "",
            "admin_unit": library.admin_unit.code if library.admin_unit else "",
            "address": library.address or "",
            "phone": library.phone or "",
            "email": library.email or "",
            "contact_name": library.contact_name or "",
            "population_served": library.population_served
            if library.population_served is not None
            else "",
        }
    return render_template(
        "network/library_form.html",
        values=values,
        errors=errors,
        library=library,
        **_choices(),
    ), (422 if errors else 200)


@bp.route("/libraries/<code>/stores", methods=["POST"])
@permission_required("network.manage")
def add_store(code):
    """Add a store to a library."""
    library = get_library(code)
    values = request.form.to_dict()
    response, errors = save_form(
        lambda: save_store(library, values, user=current_user),
        lambda store: url_for("network.library", code=library.code),
    )
    if response:
        return response
    return render_template(
        "network/library.html", library=library, values=values, errors=errors
    ), 422


@bp.route("/libraries/<code>/stores/<int:store_id>", methods=["GET", "POST"])
@permission_required("network.manage")
def edit_store(code, store_id):
    """Change a store."""
    library = get_library(code)
    store = db.session.get(Store, store_id)
    if store is None or store.library_id != library.id:
        raise NotFound()
    require_library_scope(current_user, library.id)  # the form of its own library's stores only
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: save_store(library, values, store, user=current_user),
            lambda s: url_for("network.library", code=library.code),
        )
        if response:
            return response
        db.session.refresh(store)
    else:
        values = {
            "code": store.code,
            "name": store.name,
            "kind": store.kind,
            "reference_only": "1" if store.reference_only else "",
        }
    return render_template(
        "network/store_form.html", library=library, store=store, values=values, errors=errors
    ), (422 if errors else 200)


@bp.route("/units", methods=["GET", "POST"])
@permission_required("network.view")
def units():
    """Administrative units with the population served; add one."""
    values, errors = {}, {}
    if request.method == "POST":
        if not current_user.can("network.manage"):
            abort(403)
        require_network_scope(current_user)
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: save_admin_unit(values, user=current_user),
            lambda unit: url_for("network.units"),
        )
        if response:
            return response
    return render_template(
        "network/units.html",
        units=list_admin_units(),
        values=values,
        errors=errors,
        unit_options=_choices()["unit_options"],
    ), (422 if errors else 200)


@bp.route("/units/<code>", methods=["GET", "POST"])
@permission_required("network.manage")
def edit_unit(code):
    """Change an administrative unit (name, population, remote): the network's settings,
    whichever unit is named, so a network account's work."""
    require_network_scope(current_user)
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))
    if unit is None:
        raise NotFound()
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: save_admin_unit(values, unit, user=current_user),
            lambda u: url_for("network.units"),
        )
        if response:
            return response
        db.session.refresh(unit)
    else:
        values = {
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "parent": unit.parent.code if unit.parent else "",
            "population": unit.population if unit.population is not None else "",
            "children_population": unit.children_population
            if unit.children_population is not None
            else "",
            "remote": "1" if unit.remote else "",
        }
    return render_template(
        "network/unit_form.html",
        unit=unit,
        values=values,
        errors=errors,
        unit_options=_choices()["unit_options"],
    ), (422 if errors else 200)


def _population_options() -> list[tuple[str, str]]:
    """Units and schools whose population the account may enter."""
    schools = [
        lib
        for lib in list_libraries()
        if is_school(lib) and may_enter_population(current_user, lib)
    ]
    units = [u for u in list_admin_units() if may_enter_population(current_user, u)]
    return [(u.code, u.path()) for u in units] + [
        (lib.code, f"{lib.code} · {lib.name}") for lib in schools
    ]


@bp.route("/population", methods=["GET", "POST"])
@permission_required("network.view")
def population():
    """Population served per year (units) and students (schools); enter one year's figures."""
    form = PopulationForm()
    errors: dict = {}
    if request.method == "POST":
        if not current_user.can("network.population"):
            abort(403)
        if form.validate():
            response, errors = save_form(
                lambda: save_population(
                    owner_by_code(form.code.data),
                    form.year.data,
                    population=form.population.data,
                    children=form.children.data,
                    students=form.students.data,
                    user=current_user,
                ),
                lambda row: url_for("network.population", year=row.year),
            )
            if response:
                return response
        else:
            errors = form_errors(form)
    year = request.args.get("year", type=int)
    return render_template(
        "network/population.html",
        rows=population_rows(year),
        year=year,
        values=request.form.to_dict() if request.method == "POST" else {"year": local_today().year},
        errors=errors,
        options=_population_options(),
    ), (422 if errors else 200)


@bp.route("/population/template.xlsx")
@permission_required("network.population")
def population_sheet_template():
    """An xlsx to fill in and import: every unit and school, this year's figures so far."""
    year = request.args.get("year", type=int) or local_today().year
    return send_file(
        io.BytesIO(population_template(year, user=current_user)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"dan-so-{year}.xlsx",
    )


@bp.route("/population/import", methods=["POST"])
@permission_required("network.population")
def import_population_sheet():
    """Import population figures from an xlsx or CSV sheet; wrong rows are listed, the rest
    saved."""
    form = PopulationImportForm()
    errors: dict = {}
    result = None
    if form.validate():
        try:
            result = import_population(form.file.data.stream, user=current_user)
        except LibsysError as exc:
            errors = exc.fields
        else:
            flash(_("%(n)s rows imported.", n=result.imported), "success")
            if not result.errors:
                return redirect(url_for("network.population"))
    else:
        errors = form_errors(form)
    return render_template(
        "network/population.html",
        rows=population_rows(),
        year=None,
        values={"year": local_today().year},
        errors=errors,
        options=_population_options(),
        import_result=result,
    ), (422 if errors else 200)  # rows refused: 200, so the others are committed
