"""What the desk's JSON calls may send: checkouts, checkins, renewals, holds and visits.

Each body is loaded through one of these schemas (`libsys.core.schemas.load_body`) and the
same schema is the request body in the OpenAPI document. Codes are checked here for their
type only; whether a copy, a reader or a library exists is the service's answer.
"""

from flask_babel import lazy_gettext as _l

from libsys.circulation.visits.services import MAX_VISITORS, TALLY_CATEGORIES
from libsys.core.schemas import ApiSchema, Text, WholeNumber

_LIBRARY = {"description": "acting library code (default: the token user's library)"}


def _code(description: str, *, required: bool = False) -> Text:
    return Text(max_length=100, required=required, metadata={"description": description})


class CheckoutSchema(ApiSchema):
    """Lend a copy: its barcode, the reader's card and, to lift a refusal, a reason."""

    item = _code("barcode of the copy", required=True)
    reader = _code("card number", required=True)
    library = _code(_LIBRARY["description"])
    override_reason = Text(max_length=500)


class CheckinSchema(ApiSchema):
    """Take a copy back by its barcode."""

    item = _code("barcode of the copy", required=True)
    library = _code(_LIBRARY["description"])


class RenewalSchema(ApiSchema):
    """Renew a loan (the body may be left out)."""

    library = _code(_LIBRARY["description"])
    override_reason = Text(max_length=500)


class InHouseUseSchema(ApiSchema):
    """One in-library use of a copy (lượt đọc tại chỗ), by its barcode."""

    item = Text(
        max_length=100,
        required=True,
        error_messages={"required": _l("Give the copy's barcode.")},
        metadata={"description": "the copy's barcode"},
    )
    library = _code("library code (network accounts only)")


class HoldSchema(ApiSchema):
    """Place a hold on a title (record id) or a copy (barcode) for a reader."""

    record = WholeNumber(metadata={"description": "id of the title"})
    item = _code("barcode of a copy")
    reader = _code("card number", required=True)
    pickup_library = _code("library code", required=True)


class VisitSchema(ApiSchema):
    """A reader's visit (card number) or a tally of walk-ins by category."""

    library = _code(_LIBRARY["description"])
    reader = _code("card number")
    count = WholeNumber(maximum=MAX_VISITORS, load_default=1)
    category = Text(max_length=30, metadata={"enum": list(TALLY_CATEGORIES)})
