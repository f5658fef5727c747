"""Staff pages for plans and their targets: list, enter, correct and delete them."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.core.clock import local_today
from libsys.core.forms import run_action, save_form
from libsys.network.forms import form_errors
from libsys.network.labels import LEVEL_LABELS
from libsys.stats.indicators import INDICATORS
from libsys.stats.targets.forms import PlanForm, TargetForm
from libsys.stats.targets.services import (
    NETWORK,
    delete_plan,
    delete_target,
    format_target,
    get_plan,
    get_target,
    libraries_for,
    may_keep,
    plans_for,
    save_plan,
    save_targets,
    scope_value,
)

bp = Blueprint("plans", __name__, url_prefix="/staff/stats/plans")


def _check_plan_permission():
    if not current_user.can("stats.plan"):
        abort(403)


def _scope_options(user) -> list[tuple[str, str]]:
    """Where a target may apply: each library this account may act for, then (for a network
    account) each level of library and the whole network."""
    options = [(f"library:{lib.code}", f"{lib.code} · {lib.name}") for lib in libraries_for(user)]
    if user.library_id is None:
        options += [(f"level:{level}", _("%(level)s (every one)", level=label))
                    for level, label in LEVEL_LABELS.items()]  # fmt: skip
        options.append((NETWORK, _("Whole network")))
    return options


def _indicator_options() -> list[tuple[str, str]]:
    return [(code, f"{indicator.label} ({indicator.unit})") for code, indicator in
            INDICATORS.items()]  # fmt: skip


def _scope_label(target) -> str:
    if target.library is not None:
        return f"{target.library.code} · {target.library.name}"
    if target.level:
        return _("%(level)s (every one)", level=LEVEL_LABELS.get(target.level, target.level))
    return _("Whole network")


def _years(rows) -> str:
    return ", ".join(str(row.year) for row in rows)


def _plan_values(plan) -> dict:
    return {
        "number": plan.number or "",
        "issuer": plan.issuer,
        "issued_on": plan.issued_on.strftime("%d/%m/%Y") if plan.issued_on else "",
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "title": plan.title,
    }


@bp.route("/")
@permission_required("stats.view")
def index():
    """Every plan with its years and number of targets."""
    return render_template(
        "stats/plans/index.html", plans=plans_for(current_user), may_keep=may_keep
    )


def _plan_form(plan=None):
    """Enter a new plan, or correct one (its number, issuer, date, years, title)."""
    form = PlanForm()
    errors: dict = {}
    if request.method == "POST":
        if form.validate():
            response, errors = save_form(
                lambda: save_plan(
                    current_user,
                    plan,
                    number=form.number.data,
                    issuer=form.issuer.data,
                    issued_on=form.issued_on.data,
                    first_year=form.first_year.data,
                    last_year=form.last_year.data,
                    title=form.title.data,
                ),
                lambda saved: url_for("plans.show", plan_id=saved.id),
                lambda saved: _("Plan saved: %(title)s.", title=saved.title),
            )
            if response is not None:
                return response
        else:
            errors = form_errors(form)
        values = request.form.to_dict()
    elif plan is not None:
        values = _plan_values(plan)
    else:
        year = local_today().year
        values = {"first_year": year, "last_year": year}
    return render_template("stats/plans/plan_form.html", plan=plan, values=values, errors=errors), (
        422 if request.method == "POST" else 200
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("stats.plan")
def new():
    """The form for a new plan document."""
    return _plan_form()


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@permission_required("stats.plan")
def edit(plan_id):
    """The form to correct a plan document."""
    plan = get_plan(plan_id)
    if not may_keep(current_user, plan):
        abort(403)
    return _plan_form(plan)


def _targets_page(plan, values: dict, errors: dict, status: int = 200):
    targets = sorted(plan.targets, key=lambda t: (t.year, t.indicator, t.level or "",
                                                  t.library_id or 0))  # fmt: skip
    keeper = current_user.can("stats.plan") and may_keep(current_user, plan)
    return render_template(
        "stats/plans/plan.html",
        plan=plan,
        rows=[
            (t, _scope_label(t), INDICATORS.get(t.indicator), format_target(t)) for t in targets
        ],  # fmt: skip
        keeper=keeper,
        own_library=current_user.library_id,
        scope_options=_scope_options(current_user) if keeper else [],
        indicator_options=_indicator_options(),
        values=values,
        errors=errors,
    ), status


@bp.route("/<int:plan_id>")
@permission_required("stats.view")
def show(plan_id):
    """A plan with its targets, and (for its keeper) the form to add one."""
    plan = get_plan(plan_id)
    year = max(plan.first_year, min(local_today().year, plan.last_year))
    return _targets_page(plan, {"year": year}, {})


@bp.route("/<int:plan_id>/targets", methods=["POST"])
@permission_required("stats.plan")
def add_target(plan_id):
    """Add a target (for one year, or the same for several years)."""
    plan = get_plan(plan_id)
    form = TargetForm()
    form.validate()  # strips the fields; the service checks them all at once
    response, errors = save_form(
        lambda: save_targets(
            current_user,
            plan,
            scope=form.scope.data,
            indicator=form.indicator.data,
            year=form.year.data,
            last_year=form.last_year.data,
            value=form.value.data,
        ),
        lambda rows: url_for("plans.show", plan_id=plan.id),
        lambda rows: _("Target saved for %(years)s.", years=", ".join(str(r.year) for r in rows)),
    )
    if response is not None:
        return response
    return _targets_page(plan, request.form.to_dict(), errors, 422)


@bp.route("/<int:plan_id>/targets/<int:target_id>/edit", methods=["GET", "POST"])
@permission_required("stats.plan")
def edit_target(plan_id, target_id):
    """Correct one target: its scope, indicator, year or value."""
    plan = get_plan(plan_id)
    target = get_target(plan, target_id)
    form = TargetForm()
    errors: dict = {}
    if request.method == "POST":
        form.validate()  # strips the fields; the service checks them all at once
        response, errors = save_form(
            lambda: save_targets(
                current_user,
                plan,
                target,
                scope=form.scope.data,
                indicator=form.indicator.data,
                year=form.year.data,
                value=form.value.data,
            ),
            lambda rows: url_for("plans.show", plan_id=plan.id),
        )
        if response is not None:
            return response
        values = request.form.to_dict()
    else:
        values = {"scope": scope_value(target), "indicator": target.indicator,
                  "year": target.year, "value": format_target(target)}  # fmt: skip
    return render_template(
        "stats/plans/target_form.html",
        plan=plan,
        target=target,
        scope_options=_scope_options(current_user),
        indicator_options=_indicator_options(),
        values=values,
        errors=errors,
    ), (422 if request.method == "POST" else 200)


@bp.route("/<int:plan_id>/targets/<int:target_id>/delete", methods=["POST"])
@permission_required("stats.plan")
def remove_target(plan_id, target_id):
    """Delete one target."""
    plan = get_plan(plan_id)
    target = get_target(plan, target_id)
    run_action(lambda: delete_target(current_user, plan, target), _("Target deleted."))
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.route("/<int:plan_id>/delete", methods=["GET", "POST"])
@permission_required("stats.plan")
def remove(plan_id):
    """Ask before deleting a plan with its targets; delete it."""
    plan = get_plan(plan_id)
    if not may_keep(current_user, plan):
        abort(403)
    if request.method == "POST":
        title = plan.title
        if run_action(lambda: delete_plan(current_user, plan),
                      _("Plan deleted: %(title)s.", title=title)):  # fmt: skip
            return redirect(url_for("plans.index"))
    return render_template("stats/plans/delete.html", plan=plan)
