"""The JSON API frame: /api/v1, Bearer tokens, the OpenAPI document.

Each domain adds its endpoints in `libsys/<domain>/api.py` on `bp`, with the OpenAPI
operation as YAML after `---` in the view's docstring, and wraps each view in
`api_permission(...)` or `api_public`; the domain's init_app imports that module. Errors
are answered in the one JSON shape by `libsys.core.errors`.
"""

from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, Flask, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from libsys.core.errors import error_response
from libsys.core.forms import whole_number
from libsys.db import MAX_INTEGER, begin_writing, reading_first
from libsys.errors import ValidationFailed
from libsys.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _bearer_user():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    from libsys.accounts.services import user_for_token

    return user_for_token(token.strip())


def api_permission(permission: str | tuple[str, ...]):
    """Endpoint decorator: a staff Bearer token whose role holds the permission (or, given a
    tuple, one of them: a rotation batch is the officer's and its point keeper's)."""
    permissions = (permission,) if isinstance(permission, str) else tuple(permission)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            with reading_first():  # the token is checked outside SQLite's write lock
                user = _bearer_user()
            if user is None:
                return error_response(
                    "UNAUTHORIZED", _("Send a valid API token (Authorization: Bearer ...)."), 401
                )
            if not any(user.can(name) for name in permissions):
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


def utc_time(value: datetime | None) -> str | None:
    """A stored time (naive, in UTC) as RFC 3339 with its zone, as format date-time says."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def init_app(app: Flask) -> None:
    """Register the API blueprint, once every domain's init_app has added its endpoints."""
    from libsys.api import openapi  # noqa: F401  (the /openapi.json endpoint)

    csrf.exempt(bp)
    app.register_blueprint(bp)
