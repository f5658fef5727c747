"""The OpenAPI 3 document: paths from the endpoints' docstrings, request bodies from schemas.

Request bodies refer to components that are the marshmallow schemas `load_body` checks
(apispec's MarshmallowPlugin turns them into JSON Schema); responses are written by hand.
"""

import sys

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify

from libsys.api import api_public, bp

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
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
        info={"description": 'JSON API of libsys. Errors: {"error": {"code", "message"}}.'},
        servers=[{"url": "/"}],
    )
    spec.components.schema("Error", ERROR_SCHEMA)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    # The domains' api modules, found from their endpoints: no second list to keep in step.
    module_names = sorted({app.view_functions[r.endpoint].__module__ for r in rules})
    for module_name in module_names:
        module = sys.modules.get(module_name)
        for name, schema in getattr(module, "OPENAPI_SCHEMAS", {}).items():
            if isinstance(schema, dict):  # a response's shape, written by hand
                spec.components.schema(name, schema)
            else:  # a request's marshmallow schema: what is checked is what is documented
                spec.components.schema(name, schema=schema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for rule in sorted(rules, key=lambda r: r.rule):
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
