"""The policies page: lending rules, closed weekdays and holidays, edited by a manager."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.accounts.scope import require_library_scope
from libsys.circulation.desk import bp
from libsys.circulation.policies import services as policy_service
from libsys.circulation.policies.models import CirculationPolicy, ClosedWeekday, Holiday
from libsys.core.forms import save_form
from libsys.errors import LibsysError, PermissionDenied
from libsys.extensions import db
from libsys.network.models import Library
from libsys.readers.models import ReaderCategory

WEEKDAYS = range(7)


def _policy_choices() -> dict:
    locale = str(get_locale() or "vi")
    libraries = db.session.scalars(select(Library).order_by(Library.code)).all()
    return {
        "library_options": [(str(lib.id), f"{lib.code} — {lib.name}") for lib in libraries],
        "category_options": [
            (str(c.id), c.label(locale))
            for c in db.session.scalars(select(ReaderCategory).order_by(ReaderCategory.position))
        ],
        "store_options": policy_service.store_options(),
        "value_fields": policy_service.POLICY_VALUES,
        "overdue_renewal_options": [
            (value, str(label)) for value, label in policy_service.OVERDUE_RENEWAL_CHOICES.items()
        ],
    }


@bp.route("/policies")
@permission_required("circulation.policies")
def policies():
    """Lending rules, closed weekdays and holidays."""
    return _policies_page()


def _policies_page(holiday_values=None, holiday_errors=None, status=200):
    """The policies page; a holiday form that came back shows what was typed and why."""
    rules = sorted(
        db.session.scalars(select(CirculationPolicy)),
        key=lambda r: policy_service.specificity(r),
    )
    closed = db.session.scalars(select(ClosedWeekday).order_by(ClosedWeekday.library_id)).all()
    holidays = db.session.scalars(select(Holiday).order_by(Holiday.first_day.desc())).all()
    return render_template(
        "circulation/policies/index.html",
        rules=rules,
        closed=closed,
        holidays=holidays,
        defaults=policy_service.BUILT_IN_DEFAULTS,
        weekdays=WEEKDAYS,
        values={},
        errors={},
        holiday_values=holiday_values or {},
        holiday_errors=holiday_errors or {},
        **_policy_choices(),
    ), status


@bp.route("/policies/new", methods=["GET", "POST"])
@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
@permission_required("circulation.policies")
def policy_form(policy_id=None):
    """Add or change a lending rule (an empty value inherits from less specific rules)."""
    rule = db.session.get(CirculationPolicy, policy_id) if policy_id else None
    if rule is not None:  # the form of its own library's rules only
        require_library_scope(current_user, rule.library_id)
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: policy_service.save_policy(values, rule, user=current_user),
            lambda _result: url_for("circulation.policies"),
            status=303,
        )
        if response:
            return response
    else:
        values = policy_service.policy_values(rule) if rule else {}
    return render_template(
        "circulation/policies/form.html", rule=rule, values=values, errors=errors,
        defaults=policy_service.BUILT_IN_DEFAULTS, **_policy_choices(),
    ), (422 if errors else 200)  # fmt: skip


@bp.route("/policies/<int:policy_id>/delete", methods=["POST"])
@permission_required("circulation.policies")
def delete_policy(policy_id):
    """Remove a lending rule."""
    if policy_service.delete_policy(policy_id, user=current_user):
        flash(_("The rule was removed."), "success")
    return redirect(url_for("circulation.policies"), 303)


@bp.route("/closed-days", methods=["POST"])
@permission_required("circulation.policies")
def closed_days():
    """Set the weekdays a library is closed."""
    days = [int(d) for d in request.form.getlist("weekday") if d in "0123456" and len(d) == 1]
    try:
        with db.session.begin_nested():
            policy_service.set_closed_weekdays(
                request.form.get("library_id", type=int), days, user=current_user
            )
        flash(_("Changes saved."), "success")
    except PermissionDenied:
        raise  # another library's calendar: a 403 page, nothing written
    except LibsysError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("circulation.policies"), 303)


@bp.route("/holidays", methods=["POST"])
@permission_required("circulation.policies")
def add_holiday():
    """Add a holiday (one day or a range such as Tết) for a library or the whole network."""
    values = request.form.to_dict()
    response, errors = save_form(
        lambda: policy_service.add_holiday(values, user=current_user),
        lambda _holiday: url_for("circulation.policies"),
        status=303,
    )
    return response or _policies_page(values, errors, 422)


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
@permission_required("circulation.policies")
def delete_holiday(holiday_id):
    """Remove a holiday."""
    policy_service.delete_holiday(holiday_id, user=current_user)
    return redirect(url_for("circulation.policies"), 303)
