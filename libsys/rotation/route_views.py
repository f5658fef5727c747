"""The officer's pages for routes and the daily pull list (printable), and the moves a
route adds to a batch: follow a route, move on to the next point, call home from the road."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from libsys.accounts.access import permission_required
from libsys.core.clock import local_today
from libsys.core.forms import local_next, run_action, save_form
from libsys.errors import NotFound
from libsys.network.services import get_library
from libsys.rotation import routes
from libsys.rotation.access import find_batch, require_seen
from libsys.rotation.models import RotationBatch
from libsys.rotation.points import visible_points
from libsys.rotation.pull_list import ACTIONS, pull_list

bp = Blueprint("rotation_routes", __name__, url_prefix="/staff/rotation")

# Rows of stages the route form offers (blank rows are left out).
STAGE_ROWS = 8


@bp.route("/pull-list", methods=["GET"])
@permission_required("rotation.manage")
def pull_list_page():
    """Today's pull list: what to send, move on or bring back, with every copy to pull."""
    code = (request.args.get("library") or "").strip()
    library = get_library(code) if code else None
    today = local_today()
    return render_template(
        "rotation/routes/pull_list.html",
        entries=pull_list(today, current_user, library),
        actions=ACTIONS,
        today=today,
        library=library,
    )


@bp.route("/routes", methods=["GET"])
@permission_required("rotation.manage")
def route_list():
    """The library's routes and their stages."""
    return render_template(
        "rotation/routes/routes.html", routes=routes.visible_routes(current_user)
    )


def _form_data(form) -> dict:
    stages = []
    for row in range(1, STAGE_ROWS + 1):
        point = (form.get(f"stage_point_{row}") or "").strip()
        days = (form.get(f"stage_days_{row}") or "").strip()
        if point or days:
            stages.append({"point": point, "days": days})
    return {
        "library": form.get("library") or None,
        "name": form.get("name"),
        "cyclical": form.get("cyclical") == "1",
        "active": form.get("active") == "1",
        "stages": stages,
    }


def _route_values(route) -> dict:
    values = {"name": route.name, "cyclical": "1" if route.cyclical else "",
              "active": "1" if route.active else ""}  # fmt: skip
    for stage in route.stages:
        values[f"stage_point_{stage.position}"] = stage.point.code
        values[f"stage_days_{stage.position}"] = str(stage.days)
    return values


def _render_form(route, values, errors, status=200):
    points = [p for p in visible_points(current_user) if p.active]
    return (
        render_template(
            "rotation/routes/route_form.html",
            route=route,
            values=values,
            errors=errors,
            point_options=[(p.code, f"{p.code} · {p.name}") for p in points],
            rows=range(1, STAGE_ROWS + 1),
        ),
        status,
    )


@bp.route("/routes/new", methods=["GET", "POST"])
@permission_required("rotation.manage")
def new_route():
    """Plan a route: its points in order, each with its days; cyclical or not."""
    values, errors = {"active": "1"}, {}
    if request.method == "POST":
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: routes.save_route(current_user, _form_data(request.form)),
            lambda route: url_for("rotation_routes.route_list"),
        )
        if response:
            return response
    return _render_form(None, values, errors, 422 if errors else 200)


@bp.route("/routes/<int:route_id>", methods=["GET", "POST"])
@permission_required("rotation.manage")
def edit_route(route_id):
    """Change a route (batches on it keep the leg they are on)."""
    route = routes.get_route(current_user, route_id)
    values, errors = _route_values(route), {}
    if request.method == "POST":
        values = request.form.to_dict()
        response, errors = save_form(
            lambda: routes.save_route(current_user, _form_data(request.form), route),
            lambda saved: url_for("rotation_routes.route_list"),
        )
        if response:
            return response
    return _render_form(route, values, errors, 422 if errors else 200)


def _back(batch_id: int):
    return redirect(local_next(url_for("rotation.batch", batch_id=batch_id)))


def _seen(batch_id: int) -> RotationBatch:
    return require_seen(current_user, find_batch(batch_id))


ROUTE_MOVES = {
    "move_on": (routes.move_on, _l("The batch is on its way to the next point.")),
    "recall": (routes.recall, _l("The batch is called home.")),
}


@bp.route("/batches/<int:batch_id>/route-move/<move>", methods=["POST"])
@permission_required("rotation.manage")
def route_move(batch_id, move):
    """Move a batch on to its route's next point, or call it home from the road."""
    if move not in ROUTE_MOVES:
        raise NotFound(_l("No such move for a batch."), code="UNKNOWN_TRANSITION")
    _seen(batch_id)
    service, message = ROUTE_MOVES[move]
    run_action(lambda: service(current_user, batch_id), str(message))
    return _back(batch_id)


@bp.route("/batches/<int:batch_id>/route", methods=["POST"])
@permission_required("rotation.manage")
def follow(batch_id):
    """A batch not yet sent follows a route."""
    _seen(batch_id)
    route_id = (request.form.get("route") or "").strip()
    run_action(
        lambda: routes.follow_route(current_user, batch_id, route_id),
        _("The batch follows the route."),
    )
    return _back(batch_id)


def route_panel(batch: RotationBatch) -> dict:
    """What the batch page shows of its route: stops, the next move, routes to follow."""
    stop = routes.current_stop(batch)
    following = routes.next_stage(stop) if stop is not None else None
    unsent = batch.state in routes.UNSENT_STATES
    return {
        "route": stop.route if stop is not None else None,
        "stops": routes.stops_of(batch) if stop is not None else [],
        "stage_ends": routes.stage_ends(batch, stop) if stop is not None else None,
        "next_point": following.point if following is not None else None,
        "can_move_on": stop is not None and batch.state == "at_point" and following is not None,
        "can_recall": batch.state == "in_transit",
        "routes": [
            route
            for route in routes.visible_routes(current_user)
            if unsent and route.active and route.library_id == batch.library_id
        ],
    }


@bp.app_context_processor
def _route_panel():
    return {"route_panel": route_panel}
