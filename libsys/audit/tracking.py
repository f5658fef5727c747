"""Every staff change of an audited table is written to the audit log at flush time.

One mechanism for the whole application: an `after_flush` listener on every session looks at
the new, changed and deleted objects of the audited tables (`AUDITED`), takes each changed
column's value before (attribute history) and after, and appends one `audit_entry` row per
object with one INSERT on the session's connection, in the same transaction: a request that
is rolled back leaves no entry. After the flush (not before) the new rows have their ids and
the foreign keys set through relationships (a copy's store) show in the history.

Not audited, on purpose: loans, holds, visits, fines and transfers (the desk's work, already
in the event log with the user; `insert_now`/`update_now` on the desk's path never flush), the
event log itself, search tables, counters and job rows. Bulk imports write with Core INSERTs
and are in the event log (`record_created`).
"""

import getpass
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, g, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from libsys.audit.models import AuditEntry
from libsys.db import utcnow

# Columns never written, whatever their value: the entry says only that they changed.
MASKED = "***"
SECRET_WORDS = ("password", "hash", "secret", "token")
# Columns that change with every save and say nothing the entry's own time does not.
SKIPPED_COLUMNS = frozenset(
    {
        "updated_at",
        "created_at",
        "last_login_at",
        "session_version",
        "name_folded",
        "title_sort",
        "author_sort",
    }
)
# Longer values are cut (a record's whole MARC is kept only as its length).
MAX_VALUE_CHARS = 500


def _first(obj, *names) -> str:
    for name in names:
        value = obj.__dict__.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


def _item_label(item) -> str:
    return " · ".join(
        part for part in (_first(item, "barcode"), _first(item, "accession_number")) if part
    )


def _reader_label(reader) -> str:
    return " · ".join(
        part for part in (_first(reader, "card_number"), _first(reader, "full_name")) if part
    )


# table name -> (readable label, the title it belongs to, the reader it belongs to)
AUDITED = {
    "record": (lambda o: _first(o, "title"), lambda o: o.__dict__.get("id"), None),
    "item": (_item_label, lambda o: o.__dict__.get("record_id"), None),
    "acquisition_batch": (lambda o: _first(o, "number", "source", "id"), None, None),
    "periodical": (lambda o: _first(o, "title", "id"), None, None),
    "periodical_subscription": (lambda o: _first(o, "id"), None, None),
    "withdrawn_copy": (lambda o: _first(o, "barcode", "accession_number", "id"), None, None),
    "reader": (_reader_label, None, lambda o: o.__dict__.get("id")),
    "reader_category": (lambda o: _first(o, "code", "name"), None, None),
    "circulation_policy": (lambda o: _first(o, "id"), None, None),
    "closed_weekday": (lambda o: _first(o, "weekday", "id"), None, None),
    "holiday": (lambda o: _first(o, "day", "name", "id"), None, None),
    "rotation_batch": (lambda o: _first(o, "number", "code", "id"), None, None),
    "rotation_route": (lambda o: _first(o, "name", "code", "id"), None, None),
    "rotation_route_stage": (lambda o: _first(o, "id"), None, None),
    "stat_plan": (lambda o: _first(o, "name", "year", "id"), None, None),
    "stat_plan_target": (lambda o: _first(o, "indicator", "id"), None, None),
    "activity": (lambda o: _first(o, "title", "name", "id"), None, None),
    "staff_user": (lambda o: _first(o, "username"), None, None),
    "api_token": (lambda o: _first(o, "name", "id"), None, None),
    "library": (lambda o: _first(o, "code", "name"), None, None),
    "store": (lambda o: _first(o, "code", "name"), None, None),
    "admin_unit": (lambda o: _first(o, "code", "name"), None, None),
    "population": (lambda o: _first(o, "year", "id"), None, None),
}

_ENTRY = AuditEntry.__table__
_INSERT_ENTRY = _ENTRY.insert()


def is_secret(column: str) -> bool:
    """Whether a column holds a password, a hash, a secret or a token (masked)."""
    return any(word in column for word in SECRET_WORDS)


def plain_value(value):
    """A value as JSON can keep it: dates in ISO, numbers as they are, long text cut."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        text = repr(value)
        return value if len(text) <= MAX_VALUE_CHARS else f"({len(text)} characters)"
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def acting_user() -> tuple[int | None, str]:
    """The staff account of the request (page or API token), or the system user of a command."""
    if has_request_context():
        user = g.get("api_user") or (current_user._get_current_object() if current_user else None)
        if getattr(user, "is_staff", False):
            return user.id, user.username
        if getattr(user, "is_reader", False):
            return None, f"reader:{user.id}"
        return None, "anonymous"
    if has_app_context() and current_app.config.get("LIBSYS_CLI_USER"):
        return None, current_app.config["LIBSYS_CLI_USER"]
    try:
        return None, f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return None, "cli"


def _changes(state, mapper, action: str) -> dict:
    changes = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key in SKIPPED_COLUMNS or key == "id":
            continue
        if action == "update":
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
        elif action == "create":
            before, after = None, state.dict.get(key)
            if after is None:
                continue
        else:
            before, after = state.dict.get(key), None
            if before is None:
                continue
        if is_secret(key):
            changes[key] = [MASKED if before is not None else None, MASKED]
        else:
            changes[key] = [plain_value(before), plain_value(after)]
    return changes


def library_of(table: str, obj) -> int | None:
    """The library a changed row belongs to: a library itself, a reader's home library, else
    the row's own `library_id` (copies, rules, calendars, batches, periodicals, accounts...)."""
    values = obj.__dict__
    if table == "library":
        return values.get("id")
    if table == "reader":
        return values.get("home_library_id")
    return values.get("library_id")


def _entry(obj, action: str, user: tuple, now) -> dict | None:
    state = inspect(obj)
    mapper = state.mapper
    table = mapper.local_table.name
    label, record_of, reader_of = AUDITED[table]
    changes = _changes(state, mapper, action)
    if action == "update" and not changes:
        return None
    row_id = state.identity[0] if state.identity else obj.__dict__.get("id")
    return {
        "occurred_at": now,
        "user_id": user[0],
        "user_name": user[1][:120],
        "action": action,
        "table_name": table,
        "row_id": row_id,
        "label": (label(obj) or f"#{row_id}")[:300],
        "record_id": record_of(obj) if record_of else None,
        "reader_id": reader_of(obj) if reader_of else None,
        "library_id": library_of(table, obj),
        "changes": changes or None,
    }


def _audited(objects) -> list:
    return [obj for obj in objects if getattr(obj, "__tablename__", None) in AUDITED]


@contextmanager
def audit_paused(session):
    """Write no audit entry for what the session flushes inside the block (the demo's load,
    a deletion that writes its own entry). Pauses nest: the outer one stays."""
    before = session.info.get("audit_paused")
    session.info["audit_paused"] = True
    try:
        yield session
    finally:
        if before:
            session.info["audit_paused"] = before
        else:
            session.info.pop("audit_paused", None)


def _after_flush(session, _flush_context) -> None:
    if session.info.get("audit_paused"):
        return
    new, dirty, deleted = _audited(session.new), _audited(session.dirty), _audited(session.deleted)
    if not (new or dirty or deleted):
        return
    user, now = acting_user(), utcnow()
    rows = []
    for objects, action in ((new, "create"), (dirty, "update"), (deleted, "delete")):
        for obj in objects:
            row = _entry(obj, action, user, now)
            if row is not None:
                rows.append(row)
    if rows:
        session.connection().execute(_INSERT_ENTRY, rows)


def record_action(
    table_name: str, row_id, label: str, changes: dict, *, user=None, **about
) -> None:
    """Append one entry for a change that bypasses the flush (a desk override)."""
    from libsys.extensions import db

    user = (user.id, user.username) if getattr(user, "is_staff", False) else acting_user()
    db.session.connection().execute(
        _INSERT_ENTRY,
        {
            "occurred_at": utcnow(),
            "user_id": user[0],
            "user_name": user[1][:120],
            "action": "update",
            "table_name": table_name,
            "row_id": row_id,
            "label": label[:300],
            "record_id": about.get("record_id"),
            "reader_id": about.get("reader_id"),
            "library_id": about.get("library_id"),
            "changes": {key: [plain_value(a), plain_value(b)] for key, (a, b) in changes.items()},
        },
    )


def listen() -> None:
    """Attach the listener to every session, once however many apps are created."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
