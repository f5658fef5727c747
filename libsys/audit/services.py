"""Searching the audit log, and forgetting a reader's values in it."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from libsys.audit.models import AuditEntry
from libsys.core.clock import _zone
from libsys.extensions import db

PAGE_SIZE = 50

# The kinds of change the admin filters by: a name for a group of tables.
KINDS = {
    "records": ("record", "item", "acquisition_batch", "withdrawn_copy"),
    "periodicals": ("periodical", "periodical_subscription"),
    "readers": ("reader", "reader_category"),
    "policies": ("circulation_policy", "closed_weekday", "holiday"),
    "overrides": ("override",),
    "rotation": ("rotation_batch", "rotation_route", "rotation_route_stage"),
    "plans": ("stat_plan", "stat_plan_target", "activity"),
    "accounts": ("staff_user", "api_token"),
    "network": ("library", "store", "admin_unit", "population"),
}


def search_entries(
    *,
    user: str | None = None,
    kind: str | None = None,
    record_id: int | None = None,
    reader_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    account=None,
) -> list[AuditEntry]:
    """Entries newest first, filtered by user name, kind, record, reader and local days.

    `account`, the administrator who reads: a library's reads only the entries about its
    own library's things (its copies, readers, rules, calendars, batches, periodicals,
    accounts, stores); what belongs to the network and every other library's entries are a
    network administrator's to read."""
    statement = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    if account is not None and account.library_id is not None:
        statement = statement.where(AuditEntry.library_id == account.library_id)
    if user:
        statement = statement.where(AuditEntry.user_name == user.strip())
    if kind in KINDS:
        statement = statement.where(AuditEntry.table_name.in_(KINDS[kind]))
    if record_id is not None:
        statement = statement.where(AuditEntry.record_id == record_id)
    if reader_id is not None:
        statement = statement.where(AuditEntry.reader_id == reader_id)
    if since is not None:
        statement = statement.where(AuditEntry.occurred_at >= _start_of(since))
    if until is not None:
        statement = statement.where(AuditEntry.occurred_at < _start_of(until + timedelta(days=1)))
    return list(db.session.scalars(statement.limit(limit).offset(offset)))


def _start_of(day: date) -> datetime:
    """The stored (naive UTC) time of the library's local midnight starting a day."""
    local = datetime.combine(day, time(), tzinfo=_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def entry_json(entry: AuditEntry) -> dict:
    """An entry as the JSON view gives it."""
    return {
        "id": entry.id,
        "occurred_at": entry.occurred_at.isoformat(timespec="seconds") + "Z",
        "user": entry.user_name,
        "user_id": entry.user_id,
        "action": entry.action,
        "table": entry.table_name,
        "row_id": entry.row_id,
        "label": entry.label,
        "record_id": entry.record_id,
        "reader_id": entry.reader_id,
        "changes": entry.changes or {},
    }


def forget_reader(reader_id: int) -> int:
    """Erase a deleted reader's values and name from the entries about her; returns how many.

    Who changed her record and when stays; what it said does not (her personal data).
    """
    result = db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.reader_id == reader_id)
        .where(AuditEntry.table_name == "reader")
        .values(changes=None, label=f"#{reader_id}")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
