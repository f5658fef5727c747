"""Error answers for the whole application: JSON under /api/, an HTML page elsewhere."""

from flask import Flask, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from libsys.core.views import render_http_error, render_libsys_error
from libsys.errors import LibsysError


def error_response(code: str, message: str, status: int, **extra):
    """The one error shape: {"error": {"code", "message"}} with the HTTP status."""
    body = {"error": {"code": code, "message": str(message), **extra}}
    return jsonify(body), status


def _http_message(exc: HTTPException) -> str:
    """What an HTTP error says, in the request's language (werkzeug's own text is English)."""
    if exc.description and exc.description != type(exc).description:
        return exc.description  # a message given on purpose, e.g. abort(404, "...")
    if exc.code == 404:
        return _("There is nothing at this address of the API: check the path and its numbers.")
    if exc.code == 405:
        return _("This address of the API does not accept the method %(method)s.",
                 method=request.method)  # fmt: skip
    if exc.code == 413:
        return _("The request is too large: send less at a time.")
    if exc.code == 414:
        return _("The address of the request is too long: send fewer or shorter parameters.")
    if exc.code == 400:
        return _("The request could not be read: check its JSON.")
    if exc.code is not None and exc.code >= 500:
        return _("Something went wrong on the server. Try again; if it happens again, tell the "
                 "system administrator.")  # fmt: skip
    return _("The request could not be carried out.")


def _is_api_request() -> bool:
    return request.path.startswith("/api/")


def libsys_error(exc: LibsysError):
    """A rule a view did not handle itself: its JSON body under /api/, else an error page."""
    if _is_api_request():
        return jsonify(exc.to_dict()), exc.status
    return render_libsys_error(exc)


def http_error(exc: HTTPException):
    """A 403, 404, 405, 500...: the one error shape under /api/, else an error page."""
    if _is_api_request():
        code = (exc.name or "ERROR").upper().replace(" ", "_")
        body, status = error_response(code, _http_message(exc), exc.code or 500)
        # The exception's own headers stay: a 405 says which methods are allowed (Allow), a
        # 429 or 503 when to come back (Retry-After).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                body.headers[name] = value
        return body, status
    # Too large or too long: the page says what to do, as the API does.
    message = _http_message(exc) if exc.code in (413, 414) else None
    return render_http_error(exc, message)


def init_app(app: Flask) -> None:
    """Register the application-wide error handlers."""
    app.register_error_handler(LibsysError, libsys_error)
    app.register_error_handler(HTTPException, http_error)
