"""What page views share when a form or a button runs a service.

A failed action must leave nothing written: the service runs in a savepoint, and a
LibsysError is turned into a flashed message (and the fields to show next to the form).
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import flash, redirect, request
from flask_babel import gettext as _
from wtforms.validators import ValidationError

from libsys.core.characters import INVISIBLE_MESSAGE, invisible
from libsys.db import MAX_INTEGER
from libsys.errors import LibsysError, PermissionDenied
from libsys.extensions import db


def whole_number(raw, maximum: int = MAX_INTEGER) -> int | None:
    """ASCII digits read as a number from 0 to `maximum`; None for anything else.

    `str.isdigit()` alone lets "²" through (and int() then fails), and a long run of digits
    would overflow the database's integer column.
    """
    raw = str(raw if raw is not None else "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(maximum)):
        return None
    number = int(raw)
    return number if number <= maximum else None


def read_name(raw, field: str, errors: dict, missing) -> str | None:
    """A name from a page's form (a library, a store, a unit, a holiday, a route...), stripped:
    `missing` in `errors` when it is blank, and the API's refusal of a name that shows
    nothing (only zero-width spaces, joiners, blank letters) when it is invisible."""
    name = str(raw if raw is not None else "").strip()
    if not name:
        errors[field] = missing
        return None
    if invisible(name):
        errors[field] = INVISIBLE_MESSAGE
        return None
    return name


class VisibleText:
    """WTForms validator: a name or title made only of invisible characters is refused with
    the API's message (a blank field is left to InputRequired or Optional)."""

    def __call__(self, form, field):
        """Raise the refusal when the field's text shows nothing."""
        text = str(field.data or "").strip()
        if text and invisible(text):
            raise ValidationError(str(INVISIBLE_MESSAGE))


def local_next(default: str) -> str:
    """Where a form's or a link's `next` points, only when it is a path on this site."""
    target = (request.form.get("next") or request.args.get("next") or "").strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return default  # a line break would split the redirect's header
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not parts.scheme
        and not parts.netloc
    ):
        return target
    return default


def error_text(exc: LibsysError) -> str:
    """The error's message followed by what is wrong with each field (for a page with no form)."""
    return " ".join([str(exc.message), *(str(m) for m in exc.fields.values())])


def save_form(
    action: Callable,
    next_url: Callable,
    message: Callable | None = None,
    *,
    status: int = 302,
):
    """Run a form's service in a savepoint: on success flash and redirect, else flash the error.

    Returns (response, errors): a redirect to `next_url(result)` and {} when the service
    succeeded (flashing `message(result)`, by default "Changes saved."); None and the error's
    fields when it broke a rule, so the view shows the form again with them.
    """
    try:
        with db.session.begin_nested():
            result = action()
    except PermissionDenied:
        raise  # out of the account's scope: the 403 page, not the form again
    except LibsysError as exc:
        flash(str(exc.message), "error")
        return None, exc.fields
    flash(message(result) if message is not None else _("Changes saved."), "success")
    return redirect(next_url(result), status), {}


def run_action(action: Callable, message=None) -> bool:
    """Run a button's service in a savepoint and flash the outcome; True when it succeeded.

    `message` (a string, already translated) is flashed on success; on a broken rule the
    error and what is wrong with each field are flashed instead.
    """
    try:
        with db.session.begin_nested():
            action()
    except PermissionDenied:
        raise  # out of the account's scope: the 403 page
    except LibsysError as exc:
        flash(error_text(exc), "error")
        return False
    if message is not None:
        flash(message, "success")
    return True
