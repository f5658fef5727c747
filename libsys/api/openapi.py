"""The OpenAPI 3 document, built from the endpoints' own docstrings."""

import sys

from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify

from libsys.api import API_MODULES, api_public, bp

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "VALIDATION_ERROR"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def build_spec(app) -> dict:
    """Describe every /api/v1 endpoint from the YAML after `---` in its docstring."""
    spec = APISpec(
        title="libsys API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin()],
        info={"description": 'JSON API of libsys. Errors: {"error": {"code", "message"}}.'},
        servers=[{"url": "/"}],
    )
    spec.components.schema("Error", ERROR_SCHEMA)
    for module_name in API_MODULES:
        module = sys.modules.get(module_name)
        for name, schema in getattr(module, "OPENAPI_SCHEMAS", {}).items():
            spec.components.schema(name, schema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        spec.path(view=view, app=app)
    return spec.to_dict()


@bp.route("/openapi.json")
@api_public
def openapi_document():
    """The OpenAPI description of this API.
    ---
    get:
      summary: OpenAPI 3 description of the libsys API
      tags: [meta]
      responses:
        200:
          description: The OpenAPI document
    """
    return jsonify(build_spec(current_app))
