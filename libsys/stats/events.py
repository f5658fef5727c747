"""Appending to the event log, with the snapshot every report needs."""

import hashlib
import hmac
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context
from flask_login import current_user

from libsys.db import insert_now
from libsys.stats.models import EVENT_KINDS, Event


def local_today() -> date:
    """Today in the library's time zone (Asia/Ho_Chi_Minh by default)."""
    return local_now().date()


def local_now() -> datetime:
    """Now in the library's time zone, naive."""
    zone = ZoneInfo(current_app.config.get("LIBSYS_TIMEZONE", "Asia/Ho_Chi_Minh"))
    return datetime.now(zone).replace(tzinfo=None)


def reader_key(reader_id: int) -> str:
    """A stable pseudonym for a reader: distinct counts without identity."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"reader:{reader_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _acting_user_id() -> int | None:
    if has_request_context() and getattr(current_user, "is_staff", False):
        return current_user.id
    return None


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
    **details,
) -> Event:
    """Append one event with the reader's and the copy's attributes as they are now.

    `reader_category` alone (no reader) records anonymous tallies such as walk-in visits.
    The event is written at once, in the request's transaction, and stays in the session.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    today = day or local_today()
    event = Event(
        kind=kind,
        day=today,
        library_id=getattr(library, "id", library),
        user_id=user_id if user_id is not None else _acting_user_id(),
        quantity=quantity,
        reader_category=reader_category,
        details=details or None,
    )
    if reader is not None:
        event.reader_key = reader_key(reader.id)
        event.reader_category = reader.category.code
        event.reader_children = reader.category.is_children
        event.reader_age_group = reader.age_group_on(today)
        event.reader_gender = reader.gender
        event.reader_ethnicity = reader.ethnicity
        event.reader_admin_unit = reader.admin_unit.code if reader.admin_unit else None
    if item is not None:
        _snapshot_item(event, item)
    if loan is not None:
        event.loan_id = loan.id
    # Written at once with one INSERT (a flush per event cost more than the desk's queries).
    return insert_now(event)


def _snapshot_item(event: Event, item) -> None:
    """Copy the item's grouping attributes; duck-typed so the catalogue owns Item."""
    event.item_id = item.id
    event.record_id = getattr(item, "record_id", None)
    store = getattr(item, "store", None)
    library = getattr(item, "library", None)
    event.item_store = getattr(store, "code", None)
    event.item_library = getattr(library, "code", None)
    record = getattr(item, "record", None)
    event.item_material_type = getattr(record, "material_type", None)
    ddc = getattr(record, "ddc", None) or ""
    event.item_class = ddc[:3] if ddc[:3].isdigit() else None
