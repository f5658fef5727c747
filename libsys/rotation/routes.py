"""Routes (lộ trình luân chuyển): a batch going from point to point, stage by stage.

A route is a library's list of points in order, each stage with its number of days, and
cyclical or not (Koha's stock rotation). A batch follows a route as ONE batch for its whole
journey: it leaves home once (dispatch), moves on from point to point through the `move_on`
move of its own table of states (at_point -> in_transit, its point changing to the next
stage's), and comes home once (start_return or recall, then close). We chose this over
closing the batch at each point and opening a new one because:

- the counts stay right: `dispatched` is the copies that left home, and at the single close
  returned + damaged + missing = dispatched; a copy found missing at one stage stays
  missing (receipt at the next point does not bring it back unless it is scanned), instead
  of the copy being checked in at home between two points it never left;
- the copies never pass through `available` between two points, so the desk never lends
  a copy that is on the road, and the partial unique index keeps it in the one open batch;
- the minutes stay right: every leg is handed over between the batch's library and the
  point it is going to (the batch's point), and the return minutes count the whole journey.

Each point a batch visits is a stop (RotationBatchStop): the stage, the days it had when the
batch got there (so editing a route never changes a leg already under way), the arrival and
the departure; that is the history of every point a batch and its copies have visited.
Nothing here cancels a move already under way: a batch in transit cannot move on or follow
another route; it can only arrive, or be recalled home out loud (`recall`, its own event).
A batch at a point can always go home (`start_return`), whatever its route says.
"""

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from libsys.catalog.models import Item
from libsys.core.clock import local_today
from libsys.core.forms import read_name
from libsys.db import lock_row
from libsys.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.network.services import get_library
from libsys.rotation.access import require_manager, stored_id
from libsys.rotation.batches import BATCH_STATES, locked_batch, receiving_library
from libsys.rotation.models import (
    RotationBatch,
    RotationBatchStop,
    RotationRoute,
    RotationRouteStage,
)

# A batch picks its route only before it leaves.
UNSENT_STATES = ("draft", "packed")


def max_stage_days() -> int:
    """The longest stage: ROTATION_MAX_MONTHS (6) months at one point, counted in days."""
    return current_app.config.get("ROTATION_MAX_MONTHS", 6) * 366 // 12


# -- Who sees a route ---------------------------------------------------------------------


def _can_manage(user, library_id: int) -> bool:
    return user.can("rotation.manage") and user.can_act_for(library_id)


def visible_routes(user) -> list[RotationRoute]:
    """The routes of the libraries this account's rotation staff work for."""
    statement = select(RotationRoute).order_by(RotationRoute.name, RotationRoute.id)
    if not user.can("rotation.manage"):
        return []
    if user.library_id is not None:
        statement = statement.where(RotationRoute.library_id == user.library_id)
    return list(db.session.scalars(statement))


def get_route(user, route_id) -> RotationRoute:
    """A route this account may see, or NotFound."""
    route_id = stored_id(route_id)
    route = None if route_id is None else db.session.get(RotationRoute, route_id)
    if route is None or not _can_manage(user, route.library_id):
        raise NotFound(_l("No rotation route has this number."), code="UNKNOWN_ROUTE")
    return route


# -- Saving a route -----------------------------------------------------------------------


def save_route(user, data: dict, route: RotationRoute | None = None) -> RotationRoute:
    """Create or change a route: `library` (code), `name`, `cyclical`, `active` and
    `stages` [{"point": id or code, "days"}]. Batches already on the route keep the leg
    they are on; the new stages apply from their next move."""
    errors: dict = {}
    if route is None:
        if data.get("library"):
            library = get_library(data["library"])
        elif user.library is not None:
            library = user.library
        else:
            raise ValidationFailed(fields={"library": _l("Give the owning library's code.")})
        if not _can_manage(user, library.id):
            raise PermissionDenied(_l("Only the library's rotation staff may plan its routes."))
        if library.level == "point":
            errors["library"] = _l("A rotation point owns no batches.")
    else:
        # Two edits of one route at once take turns: the second sees the first's stages
        # (the unique index on a route's positions would refuse a stage added twice).
        route = lock_row(RotationRoute, route.id)
        library = route.library
    name = read_name(data.get("name"), "name", errors, _l("Enter the name."))
    stages = _read_stages(data.get("stages") or [], library, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    route = route or RotationRoute(library_id=library.id)
    route.name = name[:200]
    route.cyclical = bool(data.get("cyclical"))
    route.active = bool(data.get("active", True))
    db.session.add(route)
    db.session.flush()
    _place_stages(route, stages)
    db.session.flush()
    return route


def _read_stages(raw, library: Library, errors: dict) -> list[tuple[Library, int]]:
    if not isinstance(raw, list) or not raw:
        errors["stages"] = _l("A route has at least one stage.")
        return []
    longest = max_stage_days()
    stages = []
    for number, stage in enumerate(raw, start=1):
        try:
            point = receiving_library((stage or {}).get("point"))
        except ValidationFailed:
            errors["stages"] = _l("Stage %(number)s: choose an active point.", number=number)
            return []
        days = (stage or {}).get("days")
        if isinstance(days, str) and days.strip().isdigit():
            days = int(days)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
            errors["stages"] = _l(
                "Stage %(number)s: a stay of 1 to %(days)s days.", number=number, days=longest
            )
            return []
        if point.id == library.id:
            errors["stages"] = _l("Stage %(number)s: choose a point other than the library.",
                                  number=number)  # fmt: skip
            return []
        if stages and stages[-1][0].id == point.id:
            errors["stages"] = _l("Stage %(number)s: the same point twice in a row.",
                                  number=number)  # fmt: skip
            return []
        stages.append((point, days))
    return stages


def _place_stages(route: RotationRoute, stages: list[tuple[Library, int]]) -> None:
    """Write the stages in place by position: the unique (route, position) index would
    refuse new rows before old ones are deleted in the same flush."""
    existing = {stage.position: stage for stage in route.stages}
    for position, (point, days) in enumerate(stages, start=1):
        stage = existing.pop(position, None)
        if stage is None:
            stage = RotationRouteStage(route=route, position=position)
            db.session.add(stage)
        stage.point_id, stage.days = point.id, days
    for stage in existing.values():
        route.stages.remove(stage)
    db.session.flush()
    db.session.refresh(route)


# -- A batch on its route -----------------------------------------------------------------


def current_stop(batch: RotationBatch) -> RotationBatchStop | None:
    """The batch's latest stop on its route (None: it follows no route)."""
    return db.session.scalar(
        select(RotationBatchStop)
        .where(RotationBatchStop.batch_id == batch.id)
        .order_by(RotationBatchStop.id.desc())
        .limit(1)
    )


def stops_of(batch: RotationBatch) -> list[RotationBatchStop]:
    """Every point the batch has visited or is going to on its route, in order."""
    return list(
        db.session.scalars(
            select(RotationBatchStop)
            .where(RotationBatchStop.batch_id == batch.id)
            .order_by(RotationBatchStop.id)
        )
    )


def next_stage(stop: RotationBatchStop) -> RotationRouteStage | None:
    """The stage after this stop (the first again on a cyclical route); None at the end of
    the route, or when the route is no longer in use (the batch then goes home)."""
    route = stop.route
    if not route.active or not route.stages:
        return None
    following = [stage for stage in route.stages if stage.position > stop.position]
    if following:
        return following[0]
    return route.stages[0] if route.cyclical else None


def stage_ends(batch: RotationBatch, stop: RotationBatchStop | None = None) -> date | None:
    """When the batch's stay at its present point is over (None unless it is at a point on
    a route): its days count from the receipt at the point."""
    stop = stop or current_stop(batch)
    if stop is None or batch.state != "at_point" or batch.received_on is None:
        return None
    return batch.received_on + timedelta(days=stop.days)


def _planned_return(route: RotationRoute, position: int, start: date) -> date:
    """Home after the stages still to come; on a cyclical route, at the end of this stage
    (the pull list then says to move on, or the officer calls it home)."""
    remaining = [stage for stage in route.stages if stage.position >= position]
    if route.cyclical:
        remaining = remaining[:1]
    return start + timedelta(days=sum(stage.days for stage in remaining))


def follow_route(user, batch_id: int, route_id) -> RotationBatch:
    """A batch not yet sent follows a route: its point becomes the first stage's, its
    planned return the end of the route (of the first stage, on a cyclical route)."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    if batch.state not in UNSENT_STATES:
        raise Conflict(
            _l("A batch already on its way keeps its course: it may only arrive or go home."),
            code="BATCH_UNDER_WAY",
        )
    route = get_route(user, route_id)
    if route.library_id != batch.library_id:
        raise ValidationFailed(fields={"route": _l("Choose a route of the batch's library.")})
    if not route.active or not route.stages:
        raise ValidationFailed(fields={"route": _l("This route is not in use.")})
    first = route.stages[0]
    db.session.execute(delete(RotationBatchStop).where(RotationBatchStop.batch_id == batch.id))
    batch.point = first.point
    batch.planned_return = _planned_return(
        route, first.position, batch.planned_dispatch or local_today()
    )
    db.session.add(
        RotationBatchStop(
            batch=batch, route=route, position=first.position, point=first.point, days=first.days
        )
    )
    db.session.flush()
    return batch


def move_on(user, batch_id: int) -> RotationBatch:
    """The batch's stay at its point is over: it leaves for the next stage's point.

    Its copies stay `at_rotation_point` (still out with the batch: ITEM_STATES has no move
    because the status does not change), located at the next point from now. A copy lent
    at the point must come back first: a loan under way is never cancelled by a move.
    """
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    BATCH_STATES.move_for(batch.state, "move_on")
    stop = current_stop(batch)
    if stop is None:
        raise Conflict(_l("This batch follows no route: bring it home."), code="NOT_ON_ROUTE")
    stage = next_stage(stop)
    if stage is None:
        raise Conflict(
            _l("This is the last stage of the route: bring the batch home."), code="ROUTE_ENDED"
        )
    if not stage.point.active:
        raise Conflict(
            _l("The next point, %(point)s, is not active.", point=stage.point.name),
            code="POINT_INACTIVE",
        )
    items = [lock_row(Item, line.item_id) for line in batch.lines]
    away = [item.barcode for item in items if item.status != "at_rotation_point"]
    if away:
        raise Conflict(
            _l("These copies are lent at the point; they must come back first: %(barcodes)s.",
               barcodes=", ".join(away)),
            code="COPIES_ON_LOAN",
            details={"barcodes": away},
        )  # fmt: skip
    today = local_today()
    leaving = batch.point.code

    def leave(moving: RotationBatch) -> None:
        stop.arrived_on = stop.arrived_on or moving.received_on
        stop.left_on = today
        moving.point = stage.point
        moving.received_on = None
        moving.planned_return = _planned_return(stop.route, stage.position, today)
        for line in moving.lines:
            if line.received:  # a copy missing here stays missing
                line.received = None
        for item in items:
            item.location_library_id = stage.point_id
        db.session.add(
            RotationBatchStop(
                batch=moving,
                route_id=stop.route_id,
                position=stage.position,
                point_id=stage.point_id,
                days=stage.days,
            )
        )

    BATCH_STATES.trigger(
        batch,
        "move_on",
        apply=leave,
        event={
            "items": items,
            "library": batch.library_id,
            "batch": batch.id,
            "point": stage.point.code,
            "from_point": leaving,
        },
    )
    db.session.flush()
    return batch


def recall(user, batch_id: int) -> RotationBatch:
    """Call home a batch on the road: it is not cancelled, it goes on as a return (and the
    event log says so), to be closed at home like any other."""
    batch = locked_batch(user, batch_id)
    require_manager(user, batch)
    stop = current_stop(batch)
    today = local_today()

    def turn_back(returning: RotationBatch) -> None:
        returning.return_started_on = today
        if stop is not None and stop.left_on is None:
            stop.left_on = today

    BATCH_STATES.trigger(
        batch,
        "recall",
        apply=turn_back,
        event={"library": batch.library_id, "batch": batch.id, "point": batch.point.code},
    )
    db.session.flush()
    return batch


# -- As the API shows them ----------------------------------------------------------------


def _day(value):
    return value.isoformat() if value else None


def route_json(route: RotationRoute) -> dict:
    """A route with its stages."""
    return {
        "id": route.id,
        "name": route.name,
        "library": route.library.code,
        "cyclical": route.cyclical,
        "active": route.active,
        "stages": [
            {"position": s.position, "point": s.point.code, "point_name": s.point.name,
             "days": s.days}
            for s in route.stages
        ],
    }  # fmt: skip


def batch_route_json(batch: RotationBatch) -> dict | None:
    """Where a batch is on its route: the stage, when its stay ends, where it goes next."""
    stop = current_stop(batch)
    if stop is None:
        return None
    following = next_stage(stop)
    return {
        "id": stop.route_id,
        "name": stop.route.name,
        "cyclical": stop.route.cyclical,
        "stage": stop.position,
        "stages": len(stop.route.stages),
        "stage_ends": _day(stage_ends(batch, stop)),
        "next_point": following.point.code if following else None,
    }


def stop_json(batch: RotationBatch, stop: RotationBatchStop) -> dict:
    """One stop of a batch: the point, the stage, arrival and departure."""
    arrived = stop.arrived_on
    if arrived is None and stop.left_on is None and stop.point_id == batch.point_id:
        arrived = batch.received_on
    return {
        "stage": stop.position,
        "point": stop.point.code,
        "point_name": stop.point.name,
        "days": stop.days,
        "arrived_on": _day(arrived),
        "left_on": _day(stop.left_on),
    }
