"""Appending to the event log, with the snapshot every report needs."""

import hashlib
import hmac
from datetime import date

from flask import current_app, has_request_context
from flask_login import current_user

from libsys.core.clock import local_today
from libsys.db import utcnow
from libsys.extensions import db
from libsys.stats.models import EVENT_KINDS, Event


def reader_key(reader_id: int) -> str:
    """A stable pseudonym for a reader: distinct counts without identity.

    Keyed by PSEUDONYM_KEY, not SECRET_KEY: rotating the session key must not make the same
    reader look like a new one in the statistics.
    """
    secret = current_app.config["PSEUDONYM_KEY"].encode()
    return hmac.new(secret, f"reader:{reader_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _acting_user_id() -> int | None:
    if has_request_context() and getattr(current_user, "is_staff", False):
        return current_user.id
    return None


# Every column is given at each INSERT, so the statement is compiled once.
_EVENT = Event.__table__
_INSERT_EVENT = _EVENT.insert()
_NO_VALUES = dict.fromkeys(column.key for column in _EVENT.columns if not column.primary_key)


def record_event(
    kind: str,
    *,
    library=None,
    reader=None,
    item=None,
    loan=None,
    quantity: int = 1,
    user_id: int | None = None,
    day: date | None = None,
    reader_category: str | None = None,
    record_id: int | None = None,
    **details,
) -> int:
    """Append one event with the reader's and the copy's attributes as they are now.

    `reader_category` alone (no reader) records anonymous tallies such as walk-in visits;
    `record_id` names the title of an event about a title (the copy's title otherwise).
    The event is written at once, with one INSERT in the request's transaction (no ORM
    object: the desk appends one or two at every scan). Returns the event's id.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    today = day or local_today()
    values = dict(_NO_VALUES)
    values.update(
        occurred_at=utcnow(),
        kind=kind,
        day=today,
        library_id=getattr(library, "id", library),
        user_id=user_id if user_id is not None else _acting_user_id(),
        quantity=quantity,
        reader_category=reader_category,
        record_id=record_id,
        details=details or None,
    )
    if reader is not None:
        category = reader.category
        values.update(
            reader_category=category.code,
            reader_children=category.is_children,
            reader_age_group=reader.age_group_on(today),
            reader_gender=reader.gender,
            reader_ethnicity=reader.ethnicity,
            reader_admin_unit=reader.admin_unit.code if reader.admin_unit else None,
        )
    if item is not None:
        _snapshot_item(values, item)
    if loan is not None:
        values["loan_id"] = loan.id
    if reader is not None and values["item_id"] is None and values["record_id"] is None:
        # The pseudonym goes only on events that name no copy or title (visits, cards):
        # distinct readers are counted from those (a loan counts a visit), and nothing in
        # the log ties a reader to what they read once the loan forgets them.
        values["reader_key"] = reader_key(reader.id)
    result = db.session.connection().execute(_INSERT_EVENT, values)
    return result.inserted_primary_key[0]


def _snapshot_item(values: dict, item) -> None:
    """Copy the item's grouping attributes; duck-typed so the catalogue owns Item."""
    values["item_id"] = item.id
    values["record_id"] = getattr(item, "record_id", None)
    store = getattr(item, "store", None)
    library = getattr(item, "library", None)
    values["item_store"] = getattr(store, "code", None)
    values["item_library"] = getattr(library, "code", None)
    record = getattr(item, "record", None)
    values["item_material_type"] = getattr(record, "material_type", None)
    ddc = getattr(record, "ddc", None) or ""
    values["item_class"] = ddc[:3] if ddc[:3].isdigit() else None


ONLINE_ACTIONS = ("renewal", "hold")
ONLINE_CHANNELS = ("opac", "api")


def record_online_activity(reader, *, library, action: str, channel: str) -> int:
    """An `online_activity` event: the reader acted online (a renewal or a hold).

    The renewal's or hold's own event names the copy or title and so carries no pseudonym;
    this one names neither and carries it, so a reader who only renews from home still
    counts among the active readers without the log tying her to what she reads.
    """
    if action not in ONLINE_ACTIONS or channel not in ONLINE_CHANNELS:
        raise ValueError(f"unknown online action {action!r} or channel {channel!r}")
    return record_event(
        "online_activity", library=library, reader=reader, action=action, channel=channel
    )
