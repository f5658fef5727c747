"""Limits on what one request may carry: its body, its address, the depth of its JSON.

- The whole body: MAX_CONTENT_LENGTH (LIBSYS_MAX_UPLOAD_MB, default 512), the largest upload
  a page takes (a MARC file of a whole catalogue).
- A body sent to the API: API_MAX_BODY (LIBSYS_MAX_API_BODY_KB, default 1024); no call of
  /api/v1 needs more (a reader, a checkout, a batch's barcodes).
- The address (path and query): MAX_URL_LENGTH (LIBSYS_MAX_URL_LENGTH, default 4096
  characters); gunicorn (scripts/serve) reads request lines up to 8190 bytes, so a longer
  address reaches the application and is told 414 in the API's JSON or on a page.
- JSON nested deeper than Python's parser goes (100,000 "[") is a 400, not a crash.
- A NUL byte or another control character in the address is refused before any view
  looks it up (PostgreSQL cannot compare a text holding NUL): in the path a 404, in a
  query parameter a 422 naming it.

Above a limit the answer is 413, 414 or 400: JSON under /api/, a page elsewhere
(libsys.core.errors).
"""

from flask import Flask, abort, current_app, request
from flask import Request as FlaskRequest
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from libsys.core.characters import CONTROL_MESSAGE, has_control_characters
from libsys.errors import ValidationFailed

DEFAULTS = {
    "MAX_CONTENT_LENGTH": 512 * 1024 * 1024,
    "API_MAX_BODY": 1024 * 1024,
    "MAX_URL_LENGTH": 4096,
}


class Request(FlaskRequest):
    """Flask's request, whose JSON nested too deeply is a 400 (the parser's RecursionError
    would be a 500)."""

    def get_json(self, force=False, silent=False, cache=True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            raise BadRequest(_("The JSON of this request is nested too deeply.")) from None


def _address_length() -> int:
    # RAW_URI (gunicorn) and REQUEST_URI (werkzeug) are the address as sent, query included.
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    return len(raw) if raw else len(request.full_path)


def check_request() -> None:
    """Refuse an over-long address (414) or an over-large body (413) before any view runs."""
    config = current_app.config
    if _address_length() > config["MAX_URL_LENGTH"]:
        abort(414)
    if request.path.startswith("/api/"):
        request.max_content_length = config["API_MAX_BODY"]
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)
    if has_control_characters(request.path):
        abort(404)
    wrong = {
        name: CONTROL_MESSAGE
        for name, value in request.args.items(multi=True)
        if has_control_characters(name) or has_control_characters(value)
    }
    if wrong:
        raise ValidationFailed(fields=wrong)


def init_app(app: Flask) -> None:
    """Use the request class above and check every request's size first."""
    for name, value in DEFAULTS.items():
        if app.config.get(name) is None:
            app.config[name] = value
    app.request_class = Request
    # First of the hooks: nothing (CSRF, sign-in) reads a body that is too large.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
