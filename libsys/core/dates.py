"""The one date parser: what a page says it accepts (dd/mm/yyyy, d/m/yyyy) and ISO yyyy-mm-dd.

Browsers' date inputs send ISO; people type dd/mm/yyyy as Vietnamese forms write it; the API
documents ISO. Every form, page query and API body reads dates through `parse_date`.
"""

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

DATE_MESSAGE = _l("Write the date as dd/mm/yyyy.")

_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


class InvalidDate(ValueError):
    """Text that is not a date in dd/mm/yyyy or yyyy-mm-dd."""


def parse_date(text) -> date | None:
    """A date from dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd (None when blank); else InvalidDate.

    A date or datetime passes through as its day, so typed callers need no special case.
    """
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    if not isinstance(text, str):
        raise InvalidDate(text)
    text = text.strip()
    if not text:
        return None
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise InvalidDate(text)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate(text) from None


def read_date(text, field: str, errors: dict, message=DATE_MESSAGE) -> date | None:
    """`parse_date` for a form: a bad date is noted in `errors[field]` and gives None."""
    try:
        return parse_date(text)
    except InvalidDate:
        errors[field] = message
        return None
