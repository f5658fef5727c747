"""Visits in the JSON API."""

from flask import jsonify

from libsys.api import api_permission, bp
from libsys.circulation.acting import acting_library
from libsys.circulation.errors import REFUSAL_MESSAGES, DeskRefusal
from libsys.circulation.lookups import find_reader
from libsys.circulation.schemas import (
    VisitSchema,
)
from libsys.circulation.visits.services import record_visit
from libsys.core.schemas import load_body
from libsys.errors import ValidationFailed


@bp.route("/visits", methods=["POST"])
@api_permission("circulation.desk")
def create_visit():
    """Count a visit.
    ---
    post:
      summary: Count a reader's visit (once a day) or an anonymous tally by category
      tags: [circulation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/VisitInput'}}}
      responses:
        201:
          description: The visit
          content:
            application/json:
              schema:
                type: object
                properties:
                  visit_id: {type: integer}
                  count: {type: integer}
                  category: {type: string}
        409: {description: Refused, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {description: Unknown reader or wrong count, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    try:
        body = load_body(VisitSchema())
    except ValidationFailed as exc:
        if "count" not in exc.fields:
            raise
        # A wrong count is the desk's own refusal, as the tally buttons say it.
        message = REFUSAL_MESSAGES["INVALID_COUNT"]
        raise DeskRefusal(code="INVALID_COUNT", fields={"count": message}) from None
    library = acting_library(body)
    if body.get("reader"):
        visit = record_visit(library, find_reader(body["reader"]))
    else:
        count = body.get("count") or 1  # null counts as left out: one walk-in
        visit = record_visit(library, count=count, category=body.get("category"))
    return jsonify({"visit_id": visit.id, "count": visit.count, "category": visit.category}), 201
