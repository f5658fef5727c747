"""One validation layer: marshmallow fields that refuse wrong types, `load_data` and `load_body`.

Every JSON body under /api/v1 is loaded through a schema built from these fields, and the
same schema writes the request body of the OpenAPI document (apispec's MarshmallowPlugin), so
what is documented is what is checked. A wrong field is a 422 in the project's error shape,
{"error": {"code": "VALIDATION_ERROR", "message", "fields": {name: message}}}, with the
messages in the request's language.
"""

from flask import request
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from libsys.core.characters import (
    CONTROL_MESSAGE,
    INVISIBLE_MESSAGE,
    has_control_characters,
    invisible,
)
from libsys.core.dates import DATE_MESSAGE, InvalidDate, parse_date
from libsys.core.forms import whole_number
from libsys.db import MAX_INTEGER
from libsys.errors import ValidationFailed
from libsys.text import nfc

REQUIRED = _l("This field is required.")
TEXT_MESSAGE = _l("Write this as text.")
FLAG_MESSAGE = _l("Write true or false.")


def _default_messages(field: fields.Field) -> None:
    """A missing or null field says "This field is required." unless the field says more."""
    given = field.error_messages
    for key in ("required", "null"):
        if given.get(key) == fields.Field.default_error_messages[key]:
            given[key] = REQUIRED


class Text(fields.String):
    """A string, NFC, stripped ("" and blanks become None); a number or a list is refused."""

    def __init__(self, *, max_length: int | None = None, too_long=None, **kwargs):
        self.max_length = max_length
        self.too_long = too_long
        if max_length is not None:
            kwargs.setdefault("validate", validate.Length(max=max_length))
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(**kwargs)
        _default_messages(self)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(TEXT_MESSAGE)
        if has_control_characters(value):
            raise ValidationError(CONTROL_MESSAGE)
        value = nfc(value).strip()
        if value and invisible(value):
            raise ValidationError(INVISIBLE_MESSAGE)
        if self.required and not value:
            raise ValidationError(self.error_messages["required"])
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                self.too_long or _l("Write at most %(n)s characters.", n=self.max_length)
            )
        return value or None

    def _validate(self, value):
        if value is not None:  # a blank field is "not given", never "too short" or "not one of"
            super()._validate(value)


class Secret(fields.String):
    """A password: any string as typed (not stripped), never a number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("load_only", True)
        super().__init__(**kwargs)
        _default_messages(self)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 1000:
            raise ValidationError(TEXT_MESSAGE)
        return value


class WholeNumber(fields.Integer):
    """A whole number in minimum..maximum: JSON true is not 1 and 2.9 is not 2.

    A string of ASCII digits ("12") is read as its number, as the API always allowed.
    """

    def __init__(self, *, minimum: int = 1, maximum: int = MAX_INTEGER, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        kwargs.setdefault("validate", validate.Range(min=minimum, max=maximum))
        kwargs.setdefault("allow_none", True)
        super().__init__(strict=True, **kwargs)
        _default_messages(self)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = whole_number(value, self.maximum)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(self.range_message())
        if not self.minimum <= value <= self.maximum:
            raise ValidationError(self.range_message())
        return value

    def range_message(self):
        """What a wrong number is told (the same words as the desk's forms)."""
        return _l(
            "Give a whole number from %(minimum)s to %(maximum)s.",
            minimum=self.minimum,
            maximum=self.maximum,
        )


class Day(fields.Date):
    """A date as yyyy-mm-dd or dd/mm/yyyy (libsys.core.dates.parse_date); blank is None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        _default_messages(self)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_date(value)
        except InvalidDate:
            raise ValidationError(DATE_MESSAGE) from None


class Flag(fields.Boolean):
    """true or false (a form's "1", "on" or "" too); a number is not a yes or a no."""

    TRUE = frozenset({"1", "true", "on", "yes", "y"})
    FALSE = frozenset({"", "0", "false", "off", "no", "n"})

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        _default_messages(self)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in self.TRUE | self.FALSE:
            return value.strip().lower() in self.TRUE
        raise ValidationError(FLAG_MESSAGE)


class ApiSchema(Schema):
    """Base of every request schema: unknown keys are ignored, as the API always did; every
    field, whatever its class, says a missing or null value in the request's language."""

    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name, field_obj):
        _default_messages(field_obj)
        inner = getattr(field_obj, "inner", None)  # a list's items
        if inner is not None:
            _default_messages(inner)


def _first_message(messages):
    """One message per field: marshmallow gives lists (and dicts for nested input)."""
    while isinstance(messages, (list, tuple)) and messages:
        messages = messages[0]
    if isinstance(messages, dict):
        return _first_message(next(iter(messages.values()), ""))
    return messages


def validation_failed(error: ValidationError, *, code: str | None = None) -> ValidationFailed:
    """The project's 422 for a marshmallow error: one message for each wrong field."""
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return ValidationFailed(
        code=code, fields={name: _first_message(msgs) for name, msgs in messages.items()}
    )


def load_data(schema: Schema, data: dict, *, partial: bool = False) -> dict:
    """Clean typed values from `data` through `schema`, or a ValidationFailed (422)."""
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise validation_failed(exc) from None


def load_body(schema: Schema, *, partial: bool = False, required: bool = True) -> dict:
    """The request's JSON object loaded through `schema`; a 422 naming each wrong field.

    With required=False a missing or non-object body counts as {} (a renewal needs none).
    """
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        if required:
            raise ValidationFailed(
                _l("The request body must be a JSON object."), code="INVALID_JSON"
            )
        data = {}
    return load_data(schema, data, partial=partial)
