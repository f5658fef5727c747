"""Sign-in throttling: wrong passwords counted per name and per client address, then a lockout.

One rule for staff (user name) and readers (card number), who share the sign-in page. The
counts live in the database (`SignInThrottle`), not in a process's memory, so every gunicorn
worker and every app server behind a proxy sees the same count and a restart forgets
nothing; no extra service (Redis) is needed. Each count moves by one guarded UPDATE (the
row's old values decide the new ones in the statement itself), so two workers counting the
same name at once never lose a failure, on SQLite or PostgreSQL.

- A name: `SIGN_IN_NAME_FAILURES` wrong passwords in a row (within `SIGN_IN_WINDOW_MINUTES`)
  lock it for `SIGN_IN_LOCKOUT_MINUTES`, doubled at each further lockout up to
  `SIGN_IN_LOCKOUT_MAX_MINUTES`; the right password resets it.
- An address: `SIGN_IN_ADDRESS_FAILURES` wrong passwords within the window, to any names,
  lock the address the same way (a guesser trying many names); success does not reset it.

While locked, a sign-in is refused before the password is even looked at. Every night the
counters quiet for `SIGN_IN_FORGET_DAYS` are deleted (`forget_quiet_counters`), so the table
holds only the names and addresses that failed lately, not every typo since installation.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, func, null, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from libsys.accounts.models import SignInThrottle
from libsys.db import utcnow
from libsys.extensions import db

DEFAULTS = {
    "SIGN_IN_NAME_FAILURES": 10,
    "SIGN_IN_ADDRESS_FAILURES": 30,
    "SIGN_IN_WINDOW_MINUTES": 15,
    "SIGN_IN_LOCKOUT_MINUTES": 15,
    "SIGN_IN_LOCKOUT_MAX_MINUTES": 240,
    "SIGN_IN_FORGET_DAYS": 7,
}
KEY_LENGTH = 200


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def name_key(name: str) -> str:
    """The counter of a typed user name or card number (any case, spaces around ignored)."""
    return ("name:" + (name or "").strip().upper())[:KEY_LENGTH]


def address_key(address: str | None) -> str:
    """The counter of a client address."""
    return ("address:" + (address or "unknown"))[:KEY_LENGTH]


def now() -> datetime:
    """The throttle's clock (naive UTC); tests move it."""
    return utcnow()


def locked_until(name: str, address: str | None) -> datetime | None:
    """When the lockout on this name or address ends (the later of the two), or None."""
    moment = now()
    return db.session.scalar(
        select(func.max(SignInThrottle.locked_until)).where(
            SignInThrottle.key.in_((name_key(name), address_key(address))),
            SignInThrottle.locked_until > moment,
        )
    )


def record_failure(name: str, address: str | None) -> datetime | None:
    """Count a wrong password for the name and the address; when the lockout begins, if
    this failure began one (or one was already running)."""
    moment = now()
    ends = [
        _count_failure(name_key(name), _setting("SIGN_IN_NAME_FAILURES"), moment),
        _count_failure(address_key(address), _setting("SIGN_IN_ADDRESS_FAILURES"), moment),
    ]
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


def record_success(name: str) -> None:
    """The right password: the name's count and lockouts start again (the address's stay)."""
    db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.key == name_key(name), SignInThrottle.failures > 0)
        .values(failures=0, first_failure_at=None, locked_until=None, lockouts=0)
        .execution_options(synchronize_session=False)
    )


def _insert_missing(key: str) -> None:
    """The counter row for `key`, created once whoever comes first (no error for the second)."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(SignInThrottle)
        .values(key=key, failures=0, lockouts=0)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def _count_failure(key: str, limit: int, moment: datetime) -> datetime | None:
    """One more failure on `key`, by a guarded UPDATE; the lockout's end when locked."""
    table = SignInThrottle
    window = timedelta(minutes=_setting("SIGN_IN_WINDOW_MINUTES"))
    # A new round when the first failure counted is older than the window, or the last
    # lockout has ended: decided from the row as it is, inside the UPDATE.
    fresh = or_(
        table.first_failure_at.is_(None),
        table.first_failure_at < moment - window,
        and_(table.locked_until.is_not(None), table.locked_until <= moment),
    )
    count = (
        update(table)
        .where(table.key == key)
        .values(
            failures=case((fresh, 1), else_=table.failures + 1),
            first_failure_at=case((fresh, moment), else_=table.first_failure_at),
            locked_until=case((fresh, null()), else_=table.locked_until),
        )
        .returning(table.failures, table.lockouts, table.locked_until)
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(count).first()
    if row is None:
        _insert_missing(key)
        row = db.session.execute(count).first()
    failures, lockouts, running = row
    if running is not None and running > moment:
        return running  # locked meanwhile by another request
    if failures < limit:
        return None
    minutes = min(
        _setting("SIGN_IN_LOCKOUT_MINUTES") * 2 ** min(lockouts, 10),
        _setting("SIGN_IN_LOCKOUT_MAX_MINUTES"),
    )
    until = moment + timedelta(minutes=minutes)
    # Guarded: only the request whose failure reached the limit starts the lockout.
    started = db.session.execute(
        update(table)
        .where(
            table.key == key,
            table.failures >= limit,
            or_(table.locked_until.is_(None), table.locked_until <= moment),
        )
        .values(locked_until=until, lockouts=table.lockouts + 1)
        .execution_options(synchronize_session=False)
    )
    if started.rowcount:
        return until
    return db.session.scalar(select(table.locked_until).where(table.key == key))


def forget_quiet_counters() -> int:
    """Delete the counters with no failure and no lockout in the last `SIGN_IN_FORGET_DAYS`
    (a name's later failure starts a new count, its lockouts from the first length again);
    the number deleted. The nightly job (core.jobs PERIODIC)."""
    cutoff = now() - timedelta(days=_setting("SIGN_IN_FORGET_DAYS"))
    table = SignInThrottle
    # One guarded DELETE: a counter that fails again meanwhile no longer matches.
    forgotten = db.session.execute(
        delete(table)
        .where(
            or_(table.first_failure_at.is_(None), table.first_failure_at < cutoff),
            or_(table.locked_until.is_(None), table.locked_until < cutoff),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return forgotten
