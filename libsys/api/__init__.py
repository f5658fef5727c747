"""The JSON API frame: /api/v1, Bearer tokens, errors as JSON, the OpenAPI document.

Each domain adds its endpoints in `libsys/<domain>/api.py` on `bp`, with the OpenAPI
operation as YAML after `---` in the view's docstring, and wraps each view in
`api_permission(...)` or `api_public`.
"""

from functools import wraps

from flask import Blueprint, Flask, g, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from libsys.core.forms import whole_number
from libsys.db import MAX_INTEGER, begin_writing, reading_first
from libsys.errors import LibsysError, ValidationFailed
from libsys.extensions import csrf
from libsys.modules import import_optional

bp = Blueprint("api", __name__, url_prefix="/api/v1")

API_MODULES = (
    "libsys.network.api",
    "libsys.readers.api",
    "libsys.catalog.api",
    "libsys.search.api",
    "libsys.circulation.api",
    "libsys.rotation.api",
    "libsys.stats.api",
)


def error_response(code: str, message: str, status: int, **extra):
    """The one error shape: {"error": {"code", "message"}} with the HTTP status."""
    body = {"error": {"code": code, "message": str(message), **extra}}
    return jsonify(body), status


def _bearer_user():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    from libsys.accounts.services import user_for_token

    return user_for_token(token.strip())


def api_permission(permission: str):
    """Endpoint decorator: a staff Bearer token whose role holds the permission."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            with reading_first():  # the token is checked outside SQLite's write lock
                user = _bearer_user()
            if user is None:
                return error_response(
                    "UNAUTHORIZED", _("Send a valid API token (Authorization: Bearer ...)."), 401
                )
            if not user.can(permission):
                return error_response("FORBIDDEN", _("You do not have permission to do this."), 403)
            begin_writing()  # a refused call never waits for the write lock
            g.api_user = user
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def api_public(view):
    """Mark an endpoint open to everyone (the OPAC's search, for instance)."""
    view.public = True
    return view


def json_body() -> dict:
    """The request's JSON object, or a 422 saying the body must be a JSON object."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(_("The request body must be a JSON object."), code="INVALID_JSON")
    return data


def json_integer(body: dict, name: str, *, default=None, minimum=1, maximum=MAX_INTEGER):
    """A whole-number field of a JSON body (`default` when absent or null); else a 422.

    JSON true is not 1 and 2.9 is not 2: booleans and decimals are refused, as is a number
    outside minimum..maximum. A string of ASCII digits ("12") is read as its number.
    """
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, str):
        value = whole_number(value, maximum)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValidationFailed(
            fields={
                name: _l(
                    "Give a whole number from %(minimum)s to %(maximum)s.",
                    minimum=minimum,
                    maximum=maximum,
                )
            }
        )
    return value


def _http_message(exc: HTTPException) -> str:
    """What an HTTP error says, in the request's language (werkzeug's own text is English)."""
    if exc.description and exc.description != type(exc).description:
        return exc.description  # a message given on purpose, e.g. abort(404, "...")
    if exc.code == 404:
        return _("There is nothing at this address of the API: check the path and its numbers.")
    if exc.code == 405:
        return _("This address of the API does not accept the method %(method)s.",
                 method=request.method)  # fmt: skip
    if exc.code is not None and exc.code >= 500:
        return _("Something went wrong on the server. Try again; if it happens again, tell the "
                 "system administrator.")  # fmt: skip
    return _("The request could not be carried out.")


def init_app(app: Flask) -> None:
    """Attach every domain's endpoints, then register the blueprint and its error shape."""
    for name in API_MODULES:
        import_optional(name)
    from libsys.api import openapi  # noqa: F401  (the /openapi.json endpoint)

    csrf.exempt(bp)
    if "api" not in app.blueprints:
        app.register_blueprint(bp)

    @app.errorhandler(LibsysError)
    def _libsys_error(exc: LibsysError):
        if request.path.startswith("/api/"):
            return jsonify(exc.to_dict()), exc.status
        from libsys.core.views import render_libsys_error

        return render_libsys_error(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            code = (exc.name or "ERROR").upper().replace(" ", "_")
            return error_response(code, _http_message(exc), exc.code or 500)
        from libsys.core.views import render_http_error

        return render_http_error(exc)
