"""Activities in the JSON API: list a year's, record one."""

from flask import g, jsonify, request
from marshmallow import validate

from libsys.api import api_permission, bp
from libsys.core.schemas import ApiSchema, Day, Text, WholeNumber, load_body, load_data
from libsys.stats.activities.models import ACTIVITY_KINDS
from libsys.stats.activities.services import (
    activity_json,
    library_by_code,
    list_activities,
    record_activity,
)


class ActivitySchema(ApiSchema):
    """An activity held: when, where, what, and how many came (children among them)."""

    day = Day(required=True, metadata={"example": "2026-04-21"})
    library = Text(required=True, max_length=20, metadata={"description": "library code"})
    kind = Text(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    title = Text(required=True, max_length=300)
    participants = WholeNumber(minimum=0, load_default=0)
    children = WholeNumber(minimum=0, load_default=0)
    note = Text(max_length=1000, load_default=None)


class ActivityQuerySchema(ApiSchema):
    """Which activities to list: a year's, a library's, of a kind."""

    year = WholeNumber(minimum=1900, maximum=9999)
    library = Text(max_length=20, metadata={"description": "library code"})
    kind = Text(validate=validate.OneOf(ACTIVITY_KINDS))


OPENAPI_SCHEMAS = {
    "ActivityInput": ActivitySchema,
    "Activity": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "day": {"type": "string", "format": "date"},
            "library": {"type": "string"},
            "kind": {"type": "string", "enum": list(ACTIVITY_KINDS)},
            "title": {"type": "string"},
            "participants": {"type": "integer"},
            "children": {"type": "integer"},
            "note": {"type": "string", "nullable": True},
        },
    },
}


@bp.route("/stats/activities", methods=["GET"])
@api_permission(("stats.activities", "stats.view"))
def list_activities_api():
    """Activities of a year.
    ---
    get:
      summary: Activities (exhibitions, book talks, contests...) of a year, optionally of a kind
      tags: [stats]
      security: [{bearer: []}]
      parameters:
        - {in: query, schema: ActivityQuerySchema}
      responses:
        200:
          description: The activities, the latest first
          content:
            application/json:
              schema:
                type: object
                properties:
                  activities: {type: array, items: {$ref: '#/components/schemas/Activity'}}
        422: {description: A parameter is not valid, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    query = load_data(ActivityQuerySchema(), request.args.to_dict())
    library = query.get("library")
    found = list_activities(
        g.api_user,
        year=query.get("year"),
        library=library_by_code(g.api_user, library) if library else None,
        kind=query.get("kind"),
    )
    return jsonify({"activities": [activity_json(activity) for activity in found]})


@bp.route("/stats/activities", methods=["POST"])
@api_permission("stats.activities")
def create_activity():
    """Record an activity.
    ---
    post:
      summary: Record an activity held at a library (appends an `activity` event)
      tags: [stats]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ActivityInput'}}}
      responses:
        201:
          description: The activity
          content: {application/json: {schema: {$ref: '#/components/schemas/Activity'}}}
        403: {description: Another library's, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
        422: {description: Missing or wrong field, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    data = load_body(ActivitySchema())
    library = library_by_code(g.api_user, data.pop("library"))
    activity = record_activity(g.api_user, library=library, **data)
    return jsonify(activity_json(activity)), 201
