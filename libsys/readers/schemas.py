"""A reader's fields: the schema that checks them (API and services) and the API's output.

`ReaderSchema` is the one place that says what each field of a reader may hold: its type,
its length, its form (dates, phone, e-mail) and its choices. Lookups (category, library,
commune) and rules between fields stay in the service.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, post_load, validate, validates

from libsys.core.clock import local_today
from libsys.core.schemas import ApiSchema, Day, Flag, Secret, Text, WholeNumber
from libsys.db import MAX_INTEGER
from libsys.readers.ethnicities import ETHNICITY_NAMES
from libsys.readers.models import GENDERS

PHONE_PATTERN = re.compile(r"^\+?[0-9 .\-]{8,15}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CARD_PATTERN = re.compile(r"[A-Za-z0-9.\-]{3,30}")
PHONE_MESSAGE = _l("The phone number is not valid.")


def _phone():
    return Text(
        max_length=30,
        validate=validate.Regexp(PHONE_PATTERN, error=PHONE_MESSAGE),
        metadata={"description": "digits, spaces, dots or dashes, 8 to 15, + in front allowed"},
    )


class ReaderSchema(ApiSchema):
    """What a reader's fields may hold, for registering (all) or changing (some) a reader."""

    card_number = Text(
        max_length=30,
        too_long=_l("A card number has 3 to 30 letters or digits."),
        metadata={"description": "generated when absent"},
    )
    full_name = Text(max_length=200, too_long=_l("The name is too long."))
    date_of_birth = Day()
    gender = Text(
        validate=validate.OneOf(GENDERS, error=_l("Choose female, male or other.")),
    )
    ethnicity = Text(
        validate=validate.OneOf(
            sorted(ETHNICITY_NAMES), error=_l("Choose one of the 54 ethnic groups.")
        ),
        metadata={"description": "GSO code 01-54"},
    )
    category = Text(max_length=30, metadata={"description": "reader category code"})
    admin_unit = Text(max_length=30, metadata={"description": "commune or ward code"})
    address = Text(max_length=300)
    phone = _phone()
    email = Text(
        max_length=200,
        validate=validate.Regexp(EMAIL_PATTERN, error=_l("The e-mail address is not valid.")),
    )
    school = Text(max_length=200)
    guardian_name = Text(max_length=200)
    guardian_phone = _phone()
    notes = Text(max_length=5000)
    disability = Flag(allow_none=True)
    home_library = Text(max_length=30, metadata={"description": "library code"})
    card_issued = Day()
    card_expires = Day()
    keep_history = Flag(allow_none=True)
    status = Text(
        validate=validate.OneOf(("active", "blocked"), error=_l("Status is active or blocked.")),
    )
    blocked_reason = Text(max_length=1000)
    password = Secret()

    @validates("card_number")
    def _card_number(self, value, **_kwargs):
        if value is not None and not CARD_PATTERN.fullmatch(value):
            raise ValidationError(_l("A card number has 3 to 30 letters or digits."))

    @validates("date_of_birth")
    def _born(self, value, **_kwargs):
        if value is not None and (value > local_today() or value < date(1900, 1, 1)):
            raise ValidationError(_l("The date of birth is not possible."))

    @post_load
    def _tidy(self, values, **_kwargs):
        if values.get("full_name"):
            values["full_name"] = " ".join(values["full_name"].split())
        if values.get("card_number"):
            values["card_number"] = values["card_number"].upper()
        return values


class ReaderQuerySchema(ApiSchema):
    """The reader search's query string: words or a card number, and a page of results."""

    q = Text(max_length=200, metadata={"description": "card number or name"})
    limit = WholeNumber(
        maximum=MAX_INTEGER, load_default=50, metadata={"description": "at most 200"}
    )
    offset = WholeNumber(minimum=0, load_default=0)


_STRING = {"type": "string", "nullable": True}
_DATE = {"type": "string", "format": "date", "nullable": True}

READER = {
    "type": "object",
    "properties": {
        "card_number": {"type": "string"},
        "full_name": {"type": "string"},
        "date_of_birth": _DATE,
        "gender": {"type": "string", "enum": ["female", "male", "other"], "nullable": True},
        "ethnicity": {"type": "string", "description": "GSO code 01-54", "nullable": True},
        "category": {"type": "string", "description": "reader category code"},
        "admin_unit": _STRING,
        "address": _STRING,
        "phone": _STRING,
        "email": _STRING,
        "school": _STRING,
        "guardian_name": _STRING,
        "guardian_phone": _STRING,
        "disability": {"type": "boolean"},
        "home_library": {"type": "string", "description": "library code"},
        "card_issued": _DATE,
        "card_expires": _DATE,
        "keep_history": {"type": "boolean"},
        "status": {"type": "string", "enum": ["active", "blocked", "expired"]},
        "blocked_reason": _STRING,
        "loans": {"type": "array", "items": {"type": "object"}},
        "holds": {"type": "array", "items": {"type": "object"}},
        "fines_due": {"type": "integer", "description": "overdue fines not yet paid, VND"},
    },
}
