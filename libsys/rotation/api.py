"""Rotation in the JSON API: points, batches, their moves, tallies and minutes."""

from flask import g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from libsys.api import api_permission, bp
from libsys.catalog.copies.services import get_item
from libsys.core.clock import local_today
from libsys.core.pdf import pdf_response
from libsys.core.schemas import load_body, load_data
from libsys.errors import NotFound, ValidationFailed
from libsys.network.services import get_library
from libsys.rotation import at_point, batches, routes
from libsys.rotation.access import can_see, find_batch, require_seen
from libsys.rotation.minutes import MINUTES_KINDS, handover_minutes_pdf
from libsys.rotation.models import RotationBatch
from libsys.rotation.overview import (
    AWAY_STATES,
    batches_for,
    copy_visits,
    overdue_batches,
    point_history,
    whereabouts,
)
from libsys.rotation.points import create_point, point_json, visible_points
from libsys.rotation.schemas import (
    BatchItemSchema,
    BatchQuerySchema,
    BatchSchema,
    MoveSchema,
    PointLoanSchema,
    PointSchema,
    TallySchema,
)

EITHER = ("rotation.manage", "rotation.point")
_COUNTS = {"type": "object", "properties": {k: {"type": "integer"} for k in
           ("dispatched", "returned", "damaged", "missing")}}  # fmt: skip
OPENAPI_SCHEMAS = {
    "PointInput": PointSchema,
    "BatchInput": BatchSchema,
    "BatchItemInput": BatchItemSchema,
    "BatchMoveInput": MoveSchema,
    "TallyInput": TallySchema,
    "PointLoanInput": PointLoanSchema,
    "RotationPoint": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "library": {"type": "string", "description": "code of the library serving it"},
        },
    },
    "RotationBatch": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": "string"},
            "state": {"type": "string"},
            "library": {"type": "string"},
            "point": {"$ref": "#/components/schemas/RotationPoint"},
            "planned_return": {"type": "string", "format": "date"},
            "copies": {"type": "array", "items": {"type": "object"}},
            "counts": _COUNTS,
            "where": {
                "type": "object",
                "description": "home, to_point, at_point, to_home or cancelled; the place's "
                "code; since when",
            },
            "transitions": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _day(value):
    return value.isoformat() if value else None


def batch_json(batch: RotationBatch, *, copies: bool = True) -> dict:
    """A batch as the API shows it: its state, dates, copies and counts."""
    body = {
        "id": batch.id,
        "reference": batch.reference,
        "state": batch.state,
        "library": batch.library.code,
        "point": point_json(batch.point),
        "priority_groups": batch.priority_groups or [],
        "planned_dispatch": _day(batch.planned_dispatch),
        "planned_return": _day(batch.planned_return),
        "dispatched_on": _day(batch.dispatched_on),
        "received_on": _day(batch.received_on),
        "return_started_on": _day(batch.return_started_on),
        "closed_on": _day(batch.closed_on),
        "overdue": batch.state in AWAY_STATES and batch.planned_return < local_today(),
        "counts": batches.batch_counts(batch),
        "transitions": batches.BATCH_STATES.triggers_from(batch.state),
        "route": routes.batch_route_json(batch),
        "where": {key: _day(value) if key == "since" else value
                  for key, value in whereabouts(batch).items()},
    }  # fmt: skip
    if copies:
        body["copies"] = [
            {
                "item": line.item.barcode,
                "accession_number": line.item.accession_number,
                "title": line.item.record.title,
                "status": line.item.status,
                "received": line.received,
                "outcome": line.outcome,
            }
            for line in batch.lines
        ]
    return body


def _seen_batch(batch_id: int) -> RotationBatch:
    return require_seen(g.api_user, find_batch(batch_id))


@bp.route("/rotation/points", methods=["GET"])
@api_permission(EITHER)
def list_points():
    """Rotation points.
    ---
    get:
      summary: The rotation points this account may see (a keeper sees its own)
      tags: [rotation]
      security: [{bearer: []}]
      responses:
        200:
          description: Points
          content:
            application/json:
              schema:
                type: object
                properties:
                  points: {type: array, items: {$ref: '#/components/schemas/RotationPoint'}}
        401: {description: No valid token}
    """
    return jsonify({"points": [point_json(p) for p in visible_points(g.api_user)]})


@bp.route("/rotation/points", methods=["POST"])
@api_permission("rotation.manage")
def add_point():
    """Add a rotation point.
    ---
    post:
      summary: Add a rotation point served by a library
      tags: [rotation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/PointInput'}}}
      responses:
        201:
          description: The new point
          content: {application/json: {schema: {$ref: '#/components/schemas/RotationPoint'}}}
        422: {description: A field is missing or wrong}
    """
    point = create_point(g.api_user, load_body(PointSchema()))
    return jsonify(point_json(point)), 201


@bp.route("/rotation/batches", methods=["GET"])
@api_permission(EITHER)
def list_batches():
    """Rotation batches.
    ---
    get:
      summary: >
        Where every batch this account may see is now, newest first (state=..., overdue=1,
        point=CODE, library=CODE)
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: query, schema: BatchQuerySchema}
      responses:
        200:
          description: Batches (without their copies)
          content:
            application/json:
              schema:
                type: object
                properties:
                  batches: {type: array, items: {$ref: '#/components/schemas/RotationBatch'}}
        422: {description: A parameter is not valid, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    query = load_data(BatchQuerySchema(), request.args.to_dict())
    point_code, library_code = query.get("point"), query.get("library")
    if query.get("overdue"):
        found = overdue_batches(local_today(), g.api_user)
    else:
        found = batches_for(
            g.api_user,
            state=query.get("state"),
            point=get_library(point_code) if point_code else None,
            library=get_library(library_code) if library_code else None,
        )
    return jsonify({"batches": [batch_json(b, copies=False) for b in found]})


@bp.route("/rotation/batches", methods=["POST"])
@api_permission("rotation.manage")
def create_batch():
    """Start a batch.
    ---
    post:
      summary: Start a rotation batch (draft) from a library to a point
      tags: [rotation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/BatchInput'}}}
      responses:
        201:
          description: The new batch
          content: {application/json: {schema: {$ref: '#/components/schemas/RotationBatch'}}}
        422: {description: A field is missing or wrong (a stay too long, an unknown point)}
    """
    data = load_body(BatchSchema())
    user = g.api_user
    if data.get("library"):
        library = get_library(data["library"])
    elif user.library is not None:
        library = user.library
    else:
        raise ValidationFailed(fields={"library": _l("Give the owning library's code.")})
    batch = batches.create_batch(
        user,
        library=library,
        point=batches.receiving_library(data["point"]),
        planned_return=data["planned_return"],
        planned_dispatch=data.get("planned_dispatch"),
        priority_groups=data["priority_groups"],
        approve_long_stay=data["approve_long_stay"],
        note=data.get("note"),
    )
    response = jsonify(batch_json(batch))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_batch", batch_id=batch.id)
    return response


@bp.route("/rotation/batches/<int:batch_id>", methods=["GET"])
@api_permission(EITHER)
def show_batch(batch_id):
    """One batch.
    ---
    get:
      summary: A batch with its state, copies and counts
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: The batch
          content: {application/json: {schema: {$ref: '#/components/schemas/RotationBatch'}}}
        404: {description: No such batch (or not this account's)}
    """
    return jsonify(batch_json(_seen_batch(batch_id)))


@bp.route("/rotation/batches/<int:batch_id>/items", methods=["POST"])
@api_permission("rotation.manage")
def add_batch_item(batch_id):
    """Scan a copy into a batch.
    ---
    post:
      summary: Add a copy to a draft batch, after the checks (each refusal explained)
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/BatchItemInput'}}}
      responses:
        201:
          description: >
            The copy is in the batch; `warnings` lists what to consider; `already_in_batch`
            says it was scanned before (nothing changed)
        409: {description: Refused (on loan, in another batch, reference only...), with reasons}
    """
    barcode = load_body(BatchItemSchema())["item"]
    added = batches.add_copy(g.api_user, batch_id, barcode)
    body = batch_json(added.line.batch)
    body["warnings"] = added.warnings
    body["already_in_batch"] = added.already
    return jsonify(body), 201


@bp.route("/rotation/batches/<int:batch_id>/items/<barcode>", methods=["DELETE"])
@api_permission("rotation.manage")
def remove_batch_item(batch_id, barcode):
    """Take a copy out of a batch.
    ---
    delete:
      summary: Take a copy out of a draft batch
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
        - {in: path, name: barcode, required: true, schema: {type: string}}
      responses:
        200: {description: The batch}
        404: {description: The copy is not in the batch}
    """
    batches.remove_copy(g.api_user, batch_id, barcode)
    return jsonify(batch_json(_seen_batch(batch_id)))


TRANSITIONS = ("pack", "unpack", "dispatch", "receive", "start_return", "close", "cancel",
               "move_on", "recall")  # fmt: skip


@bp.route("/rotation/batches/<int:batch_id>/<transition>", methods=["POST"])
@api_permission(EITHER)
def move_batch(batch_id, transition):
    """Move a batch.
    ---
    post:
      summary: Move a batch (pack, unpack, dispatch, receive, start_return, close, cancel,
        move_on to its route's next point, recall home from the road)
      description: >
        receive takes {"items": [barcodes]} (leave it out when everything came); close takes
        {"returned": [...], "damaged": [...]} and counts every other copy as missing (lost).
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
        - in: path
          name: transition
          required: true
          schema: {type: string, enum: [pack, unpack, dispatch, receive, start_return, close,
                   cancel, move_on, recall]}
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/BatchMoveInput'}}}
      responses:
        200:
          description: The batch in its new state
          content: {application/json: {schema: {$ref: '#/components/schemas/RotationBatch'}}}
        409: {description: Not allowed from the batch's present state}
    """
    user = g.api_user
    if transition not in TRANSITIONS:
        raise NotFound(_l("No such move for a batch."), code="UNKNOWN_TRANSITION")
    _seen_batch(batch_id)
    data = load_body(MoveSchema(), required=transition == "close")
    if transition == "receive":
        batch = at_point.receive(user, batch_id, data.get("items"))
    elif transition == "close":
        batch = batches.close(user, batch_id, returned=data["returned"], damaged=data["damaged"])
    elif transition in ("move_on", "recall"):
        batch = getattr(routes, transition)(user, batch_id)
    else:
        batch = getattr(batches, transition)(user, batch_id)
    return jsonify(batch_json(batch))


@bp.route("/rotation/batches/<int:batch_id>/tallies", methods=["POST"])
@api_permission(EITHER)
def add_tally(batch_id):
    """Record a period's tally at the point.
    ---
    post:
      summary: Visits and uses at the point for a period (one point_tally event)
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/TallyInput'}}}
      responses:
        201: {description: 'Recorded: {"event": id}'}
        409: {description: The batch is not at the point}
    """
    _seen_batch(batch_id)
    event = at_point.record_tally(g.api_user, batch_id, load_body(TallySchema()))
    return jsonify({"event": event}), 201


@bp.route("/rotation/batches/<int:batch_id>/loans", methods=["POST"])
@api_permission(EITHER)
def add_point_loan(batch_id):
    """Record a loan at the point.
    ---
    post:
      summary: A copy of the batch lent to a local reader (one point_loan event)
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/PointLoanInput'}}}
      responses:
        201: {description: 'Recorded: {"event": id}'}
        409: {description: The copy is not at the point}
    """
    _seen_batch(batch_id)
    data = load_body(PointLoanSchema())
    event = at_point.record_point_loan(
        g.api_user, batch_id, data["item"], children=data["children"]
    )
    return jsonify({"event": event}), 201


@bp.route("/rotation/batches/<int:batch_id>/minutes.pdf", methods=["GET"])
@api_permission(EITHER)
def batch_minutes(batch_id):
    """The handover minutes.
    ---
    get:
      summary: The handover minutes (biên bản giao nhận) as a PDF, for dispatch or return
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
        - {in: query, name: kind, schema: {type: string, enum: [dispatch, return]}}
      responses:
        200: {description: The PDF, content: {application/pdf: {}}}
        404: {description: No such batch}
    """
    batch = _seen_batch(batch_id)
    kind = request.args.get("kind") or ("return" if batch.state == "closed" else "dispatch")
    if kind not in MINUTES_KINDS:
        raise ValidationFailed(fields={"kind": _l("Choose dispatch or return.")})
    return pdf_response(handover_minutes_pdf(batch, kind), f"{batch.reference}-{kind}.pdf")


@bp.route("/rotation/points/<code>/history", methods=["GET"])
@api_permission(EITHER)
def point_rotation_history(code):
    """Every batch a point has had.
    ---
    get:
      summary: The batches a point has received or is to receive, oldest first
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: code, required: true, schema: {type: string}}
      responses:
        200: {description: 'The point and its batches: {"point", "batches": [...]}'}
        404: {description: No such point (or not this account's)}
    """
    point = next((p for p in visible_points(g.api_user) if p.code == code), None)
    if point is None:
        raise NotFound(_l("No rotation point has this code."), code="UNKNOWN_POINT")
    found = [b for b in point_history(point) if can_see(g.api_user, b)]
    return jsonify(
        {"point": point_json(point), "batches": [batch_json(b, copies=False) for b in found]}
    )


@bp.route("/rotation/items/<barcode>/history", methods=["GET"])
@api_permission("rotation.manage")
def item_rotation_history(barcode):
    """Every point a copy has visited.
    ---
    get:
      summary: Every point a copy visited (one per stop of a route), and what became of it
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: barcode, required: true, schema: {type: string}}
      responses:
        200: {description: 'The history: {"item", "visits": [...]}'}
        404: {description: No copy has this barcode}
    """
    item = get_item(barcode)
    # One visit per point: a batch that followed a route gives one per stop.
    visits = [
        {key: _day(value) if key.endswith("_on") else value for key, value in visit.items()}
        for visit in copy_visits(item)
    ]
    return jsonify({"item": item.barcode, "visits": visits})
