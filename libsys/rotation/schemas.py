"""What the rotation API's calls may send: points, batches, scans, the close and tallies."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from libsys.core.schemas import ApiSchema, Day, Flag, Text, WholeNumber
from libsys.network.models import POINT_KINDS
from libsys.rotation.models import PRIORITY_GROUPS

BARCODES_MESSAGE = _l("Give a list of barcodes.")
RETURN_MESSAGE = _l("Write the planned return date.")
PERIOD_MESSAGE = _l("Write the period as yyyy-mm (a month) or yyyy (a year).")


def _given(value, message) -> None:
    if value is None:
        raise ValidationError(message)


def _code(description: str, *, required: bool = False) -> Text:
    return Text(max_length=100, required=required, metadata={"description": description})


class IdOrCode(fields.Field):
    """A library given by its id (a number) or its code (text)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValidationError(_l("Give the point's id or code."))
        if isinstance(value, str):
            value = value.strip()
            if not value or len(value) > 100:
                raise ValidationError(_l("Give the point's id or code."))
        return value


class Barcodes(fields.List):
    """A list of barcodes (each a short text)."""

    def __init__(self, **kwargs):
        super().__init__(Text(max_length=100, required=True), **kwargs)
        self.error_messages["invalid"] = BARCODES_MESSAGE


class PointSchema(ApiSchema):
    """A new rotation point, served by a library."""

    code = _code("the point's code (its library code)", required=True)
    name = Text(max_length=200, required=True)
    kind = Text(
        required=True,
        metadata={"enum": list(POINT_KINDS), "description": "kind of point"},
    )
    library = _code("code of the library serving the point", required=True)
    admin_unit = _code("code of its administrative unit (commune)")
    address = Text(max_length=300)
    contact_name = Text(max_length=200, metadata={"description": "the point's keeper"})
    phone = Text(max_length=40)
    population_served = WholeNumber(minimum=0)


class BatchSchema(ApiSchema):
    """A new batch: from a library to a point, home by the planned return."""

    library = _code("code of the owning library (default: the account's library)")
    point = IdOrCode(required=True, metadata={"description": "the point's id or code"})
    # A blank date reads as None, which the validator (run on what was read) refuses.
    planned_return = Day(
        required=True,
        allow_none=False,
        validate=lambda day: _given(day, RETURN_MESSAGE),
    )
    planned_dispatch = Day()
    priority_groups = fields.List(
        Text(max_length=30, required=True),
        load_default=list,
        metadata={"items": {"enum": list(PRIORITY_GROUPS)}},
    )
    approve_long_stay = Flag(
        load_default=False,
        metadata={"description": "a manager approves a stay beyond ROTATION_MAX_MONTHS"},
    )
    note = Text(max_length=500)


class BatchItemSchema(ApiSchema):
    """A copy scanned into a batch."""

    item = _code("barcode of the copy", required=True)


class MoveSchema(ApiSchema):
    """A batch's move: `receive` reads `items` (leave it out when everything came); `close`
    reads `returned` and `damaged` (every other copy is missing); the others read nothing."""

    items = Barcodes(
        allow_none=True,
        metadata={"description": "receive: barcodes scanned at the point; the rest are missing"},
    )
    returned = Barcodes(load_default=list, metadata={"description": "close: copies back"})
    damaged = Barcodes(load_default=list, metadata={"description": "close: copies damaged"})


class Requests(fields.Field):
    """Titles readers asked for: a list of texts, or one text with a title per line."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_l("Give the titles asked for as a list of texts."))
        titles = [title.strip()[:300] for title in value if title.strip()]
        return titles[:200]


class TallySchema(ApiSchema):
    """A period's tally at the point (visits, uses, of which children; titles asked for)."""

    period = Text(
        required=True,
        validate=validate.Regexp(r"^\d{4}(-(0[1-9]|1[0-2]))?$", error=PERIOD_MESSAGE),
        metadata={"example": "2026-05"},
    )
    visits = WholeNumber(minimum=0, load_default=0)
    uses = WholeNumber(minimum=0, load_default=0)
    children_visits = WholeNumber(minimum=0, load_default=0)
    children_uses = WholeNumber(minimum=0, load_default=0)
    requests = Requests(load_default=list, metadata={"type": "array", "items": {"type": "string"}})


class PointLoanSchema(ApiSchema):
    """A copy of the batch lent at the point (the reader is written in the keeper's book)."""

    item = _code("barcode of the copy", required=True)
    children = Flag(load_default=False, metadata={"description": "lent to a child"})


class StageSchema(ApiSchema):
    """One stage of a route: a point and its number of days."""

    point = IdOrCode(required=True, metadata={"description": "the point's id or code"})
    days = WholeNumber(minimum=1, required=True, metadata={"description": "days at the point"})


class RouteSchema(ApiSchema):
    """A route: points in order, each with its days; cyclical or not."""

    library = _code("code of the owning library (default: the account's library)")
    name = Text(max_length=200, required=True)
    cyclical = Flag(load_default=False, metadata={"description": "start again at stage 1"})
    active = Flag(load_default=True)
    stages = fields.List(fields.Nested(StageSchema), required=True)


class FollowRouteSchema(ApiSchema):
    """The route a batch not yet sent is to follow."""

    route = WholeNumber(minimum=1, required=True, metadata={"description": "the route's id"})


class BatchQuerySchema(ApiSchema):
    """Which batches to list: by state, point or library, or only the overdue ones."""

    state = Text(max_length=30, metadata={"description": "a batch state (draft, at_point...)"})
    overdue = Text(max_length=5, metadata={"description": "1: only batches past their return"})
    point = _code("the point's code")
    library = _code("the owning library's code")


class LibraryQuerySchema(ApiSchema):
    """One library, by code (all the account may see when left out)."""

    library = _code("library code")
