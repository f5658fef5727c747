"""Errors that services raise and views turn into messages a librarian understands.

A service raises one of these with a machine code and a translated message; page views
show the message, the JSON API answers `{"error": {"code": ..., "message": ...}}`.
"""

from flask_babel import lazy_gettext as _l


class LibsysError(Exception):
    """Base error: a machine code, an HTTP status and a message for people."""

    code = "ERROR"
    status = 400
    default_message = _l("The request could not be carried out.")

    def __init__(self, message=None, *, code=None, status=None, fields=None, details=None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        self.details = details or {}
        super().__init__(str(self.message))

    def to_dict(self) -> dict:
        """The API body for this error."""
        body = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {name: str(msg) for name, msg in self.fields.items()}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class ValidationFailed(LibsysError):
    """Input that breaks a rule; `fields` maps each field to what is wrong with it."""

    code = "VALIDATION_ERROR"
    status = 422
    default_message = _l("Some fields are not valid.")


class NotFound(LibsysError):
    """The thing asked for does not exist."""

    code = "NOT_FOUND"
    status = 404
    default_message = _l("Not found.")


class Conflict(LibsysError):
    """The request clashes with the current state (already on loan, duplicate...)."""

    code = "CONFLICT"
    status = 409
    default_message = _l("This clashes with what is already recorded.")


class PermissionDenied(LibsysError):
    """The signed-in person may not do this."""

    code = "FORBIDDEN"
    status = 403
    default_message = _l("You do not have permission to do this.")
