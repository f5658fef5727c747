"""Routes and the daily pull list in the JSON API (under /api/v1/rotation)."""

from flask import g, jsonify, request

from libsys.api import api_permission, bp
from libsys.core.clock import local_today
from libsys.core.schemas import load_body, load_data
from libsys.network.services import get_library
from libsys.rotation import routes
from libsys.rotation.access import find_batch, require_seen
from libsys.rotation.api import EITHER, batch_json
from libsys.rotation.pull_list import pull_list, pull_list_json
from libsys.rotation.schemas import FollowRouteSchema, LibraryQuerySchema, RouteSchema

OPENAPI_SCHEMAS = {
    "RouteInput": RouteSchema,
    "FollowRouteInput": FollowRouteSchema,
    "RotationRoute": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "library": {"type": "string"},
            "cyclical": {"type": "boolean"},
            "active": {"type": "boolean"},
            "stages": {"type": "array", "items": {"type": "object"}},
        },
    },
}


@bp.route("/rotation/routes", methods=["GET"])
@api_permission("rotation.manage")
def list_routes():
    """Rotation routes.
    ---
    get:
      summary: The routes of this account's library (every library's for a network account)
      tags: [rotation]
      security: [{bearer: []}]
      responses:
        200:
          description: Routes
          content:
            application/json:
              schema:
                type: object
                properties:
                  routes: {type: array, items: {$ref: '#/components/schemas/RotationRoute'}}
    """
    return jsonify({"routes": [routes.route_json(r) for r in routes.visible_routes(g.api_user)]})


@bp.route("/rotation/routes", methods=["POST"])
@api_permission("rotation.manage")
def add_route():
    """Plan a route.
    ---
    post:
      summary: A route of points, each stage with its days, cyclical or not
      tags: [rotation]
      security: [{bearer: []}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/RouteInput'}}}
      responses:
        201:
          description: The new route
          content: {application/json: {schema: {$ref: '#/components/schemas/RotationRoute'}}}
        422: {description: A field is missing or wrong (no stage, a stay too long)}
    """
    route = routes.save_route(g.api_user, load_body(RouteSchema()))
    return jsonify(routes.route_json(route)), 201


@bp.route("/rotation/routes/<int:route_id>", methods=["GET"])
@api_permission("rotation.manage")
def show_route(route_id):
    """One route.
    ---
    get:
      summary: A route with its stages
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: route_id, required: true, schema: {type: integer}}
      responses:
        200:
          description: The route
          content: {application/json: {schema: {$ref: '#/components/schemas/RotationRoute'}}}
        404: {description: No such route (or not this account's)}
    """
    return jsonify(routes.route_json(routes.get_route(g.api_user, route_id)))


@bp.route("/rotation/routes/<int:route_id>", methods=["PUT"])
@api_permission("rotation.manage")
def change_route(route_id):
    """Change a route.
    ---
    put:
      summary: Change a route (batches on it keep the leg they are on)
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: route_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/RouteInput'}}}
      responses:
        200:
          description: The route
          content: {application/json: {schema: {$ref: '#/components/schemas/RotationRoute'}}}
        404: {description: No such route}
    """
    route = routes.get_route(g.api_user, route_id)
    route = routes.save_route(g.api_user, load_body(RouteSchema()), route)
    return jsonify(routes.route_json(route))


@bp.route("/rotation/batches/<int:batch_id>/route", methods=["POST"])
@api_permission("rotation.manage")
def follow_route(batch_id):
    """A batch follows a route.
    ---
    post:
      summary: A batch not yet sent follows a route (its point becomes the first stage's)
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/FollowRouteInput'}}}
      responses:
        200:
          description: The batch
          content: {application/json: {schema: {$ref: '#/components/schemas/RotationBatch'}}}
        409: {description: The batch has already left}
    """
    require_seen(g.api_user, find_batch(batch_id))
    data = load_body(FollowRouteSchema())
    return jsonify(batch_json(routes.follow_route(g.api_user, batch_id, data["route"])))


@bp.route("/rotation/batches/<int:batch_id>/stops", methods=["GET"])
@api_permission(EITHER)
def batch_stops(batch_id):
    """The points a batch has visited on its route.
    ---
    get:
      summary: Every stop of a batch on its route, with arrival and departure
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: batch_id, required: true, schema: {type: integer}}
      responses:
        200: {description: '{"batch", "route", "stops": [...]}'}
        404: {description: No such batch (or not this account's)}
    """
    batch = require_seen(g.api_user, find_batch(batch_id))
    return jsonify(
        {
            "batch": batch.id,
            "route": routes.batch_route_json(batch),
            "stops": [routes.stop_json(batch, stop) for stop in routes.stops_of(batch)],
        }
    )


@bp.route("/rotation/pull-list", methods=["GET"])
@api_permission(EITHER)
def rotation_pull_list():
    """Today's pull list.
    ---
    get:
      summary: What to send, move on or bring back today (library=CODE for one library)
      tags: [rotation]
      security: [{bearer: []}]
      parameters:
        - {in: query, schema: LibraryQuerySchema}
      responses:
        200: {description: '{"date", "send": [...], "move_on": [...], "bring_back": [...]}'}
        404: {description: No library has this code}
        422: {description: A parameter is not valid}
    """
    code = load_data(LibraryQuerySchema(), request.args.to_dict()).get("library")
    library = get_library(code) if code else None
    today = local_today()
    return jsonify(pull_list_json(pull_list(today, g.api_user, library), today))
