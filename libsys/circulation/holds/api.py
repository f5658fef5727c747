"""Holds in the JSON API: placing and cancelling, and the copies to pull for waiting holds."""

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.api import api_permission, bp
from libsys.circulation.holds.services import (
    cancel_hold,
    find_record,
    get_hold,
    place_hold,
    queue_position,
)
from libsys.circulation.holds.to_pull import holds_to_pull, pull_library_for
from libsys.circulation.lookups import find_copy, find_reader
from libsys.circulation.schemas import (
    HoldSchema,
)
from libsys.core.schemas import ApiSchema, Text, load_body, load_data
from libsys.db import MAX_INTEGER
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.events import record_online_activity


class ToPullQuerySchema(ApiSchema):
    """The query of GET /api/v1/holds/to-pull."""

    library = Text(max_length=20, metadata={"description": "library code"})


OPENAPI_SCHEMAS = {
    "HoldToPull": {
        "type": "object",
        "properties": {
            "hold_id": {"type": "integer"},
            "record_id": {"type": "integer"},
            "title": {"type": "string"},
            "barcode": {"type": "string", "description": "the copy to take off the shelf"},
            "call_number": {"type": "string", "nullable": True},
            "pickup_library": {"type": "string", "description": "code of the pickup library"},
        },
    },
}


def hold_json(hold) -> dict:
    """A hold as the API shows it."""
    return {
        "hold_id": hold.id,
        "status": hold.status,
        "position": queue_position(hold),
        "record_id": hold.record_id,
        "barcode": hold.item.barcode if hold.item else None,
        "pickup_library": hold.pickup_library.code,
        "shelf_expires_on": hold.shelf_expires_on.isoformat() if hold.shelf_expires_on else None,
    }


@bp.route("/holds", methods=["POST"])
@api_permission("circulation.desk")
def create_hold():
    """Place a hold.
    ---
    post:
      summary: Place a hold on a title (record id) or a copy (barcode) for a reader
      tags: [circulation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/HoldInput'}}}
      responses:
        201:
          description: The hold
          content: {application/json: {schema: {$ref: '#/components/schemas/Hold'}}}
        409: {description: Refused, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {description: Missing or unknown field, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    body = load_body(HoldSchema())
    record_id = body.get("record")
    reader = find_reader(body["reader"])
    pickup = db.session.scalar(select(Library).where(Library.code == body["pickup_library"]))
    if pickup is None:
        raise ValidationFailed(fields={"pickup_library": _l("Unknown library.")})
    item = record = None
    if body.get("item"):
        item = find_copy(body["item"])
    elif record_id is not None:
        record = find_record(record_id)
        if record is None:
            raise ValidationFailed(fields={"record": _l("Unknown title.")})
    hold = place_hold(reader, record=record, item=item, pickup_library=pickup, user=g.api_user)
    record_online_activity(reader, library=pickup, action="hold", channel="api")
    return jsonify(hold_json(hold)), 201


@bp.route("/holds/<int:hold_id>", methods=["DELETE"])
@api_permission("circulation.desk")
def delete_hold(hold_id):
    """Cancel a hold.
    ---
    delete:
      summary: Cancel a hold (a copy waiting for it goes to the next reader)
      tags: [circulation]
      security: [{bearer: []}]
      parameters:
        - {name: hold_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: The cancelled hold
          content: {application/json: {schema: {$ref: '#/components/schemas/Hold'}}}
        404: {description: No such hold, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        409: {description: Already closed, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    if hold_id > MAX_INTEGER:
        raise NotFound()  # beyond the id column: no such hold
    hold = cancel_hold(get_hold(hold_id), user=g.api_user)
    return jsonify(hold_json(hold))


@bp.route("/holds/to-pull", methods=["GET"])
@api_permission("circulation.desk")
def list_holds_to_pull():
    """Copies to pull for waiting holds.
    ---
    get:
      summary: The copies on a library's shelves that can fill a waiting hold (holds to pull)
      description: >
        Each waiting hold once, the oldest first, with one copy on this library's shelves
        (available, lending, set aside for nobody, not travelling). A hold its own pickup
        library can fill from its shelf is listed there only. Scanning the copy at returns
        traps it for the hold. An account of one library sees its own library's list (the
        default); a network account names the library.
      tags: [circulation]
      security: [{bearer: []}]
      parameters:
        - {in: query, name: library, schema: {type: string}, description: library code}
      responses:
        200:
          description: The copies to pull, oldest hold first
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/HoldToPull'}}
        401: {description: No valid token}
        403: {description: Another library than the account's, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        404: {description: Unknown library, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {description: No library named (network account), content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    query = load_data(ToPullQuerySchema(), request.args.to_dict())
    library = pull_library_for(g.api_user, query.get("library"))
    return jsonify(
        [
            {
                "hold_id": line.hold.id,
                "record_id": line.hold.record_id,
                "title": line.hold.record.title,
                "barcode": line.item.barcode,
                "call_number": line.item.call_number,
                "pickup_library": line.hold.pickup_library.code,
            }
            for line in holds_to_pull(library)
        ]
    )
