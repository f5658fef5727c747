"""The OpenAPI 3 document: paths from the endpoints' docstrings, request bodies from schemas.

Request bodies refer to components that are the marshmallow schemas `load_body` checks
(apispec's MarshmallowPlugin turns them into JSON Schema); responses are written by hand.
Every operation also gets, written once here, what any call may answer: an endpoint that
needs a token declares the bearer scheme with its 401 (no valid token) and 403 (the role may
not), and every one a `default` response in the error shape (404, 413, 414, 422, 429...), so
no answer of the API is outside its document.
"""

import sys

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify

from libsys.api import api_public, bp

METHODS = ("get", "put", "post", "patch", "delete")
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


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


UNAUTHORIZED = _error("No valid API token (Authorization: Bearer ...): UNAUTHORIZED")
FORBIDDEN = _error("The token's account may not do this: FORBIDDEN")
ANY_ERROR = _error(
    "Any other answer is an error in this shape: not found (404), a wrong or too big request "
    "(400, 413, 414, 422), a conflict (409), too many requests (429)"
)


def _complete(document: dict, rules, app) -> None:
    """Add to each operation the answers every call of its kind may get (see the module)."""
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        operations = document["paths"].get(FlaskPlugin.flaskpath2openapi(rule.rule), {})
        for method in rule.methods:
            operation = operations.get(method.lower())
            if method.lower() not in METHODS or operation is None:
                continue
            responses = operation.setdefault("responses", {})
            if getattr(view, "required_permission", None) is not None:
                operation.setdefault("security", [{"bearer": []}])
                responses.setdefault("401", UNAUTHORIZED)
                responses.setdefault("403", FORBIDDEN)
            responses.setdefault("default", ANY_ERROR)


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
    document = spec.to_dict()
    _complete(document, rules, app)
    return document


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
