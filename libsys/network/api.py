"""The library network in the JSON API."""

from flask import jsonify
from sqlalchemy import select

from libsys.api import api_permission, bp
from libsys.extensions import db
from libsys.network.models import Library


def library_json(library: Library) -> dict:
    """A library with its stores."""
    return {
        "code": library.code,
        "name": library.name,
        "level": library.level,
        "point_kind": library.point_kind,
        "parent": library.parent.code if library.parent else None,
        "admin_unit": library.admin_unit.code if library.admin_unit else None,
        "stores": [
            {"code": s.code, "name": s.name, "kind": s.kind, "reference_only": s.reference_only}
            for s in library.stores
        ],
    }


@bp.route("/libraries", methods=["GET"])
@api_permission("network.view")
def list_libraries():
    """The libraries of the network.
    ---
    get:
      summary: Libraries and rotation points with their stores
      tags: [network]
      security: [{bearer: []}]
      responses:
        200:
          description: Libraries (code, name, level, parent, stores)
          content:
            application/json:
              schema:
                type: object
                properties:
                  libraries: {type: array, items: {$ref: '#/components/schemas/Library'}}
    """
    libraries = db.session.scalars(select(Library).order_by(Library.code))
    return jsonify({"libraries": [library_json(lib) for lib in libraries]})


OPENAPI_SCHEMAS = {
    "Library": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "level": {
                "type": "string",
                "enum": ["provincial", "district", "commune", "school", "point", "other"],
            },
            "point_kind": {"type": "string", "nullable": True},
            "parent": {"type": "string", "nullable": True},
            "admin_unit": {"type": "string", "nullable": True},
            "stores": {"type": "array", "items": {"type": "object"}},
        },
    }
}
