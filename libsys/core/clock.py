"""The library's clock: today and now in its time zone, and the local day of a stored time.

Stored times are naive UTC (`libsys.db.utcnow`, the database's convention); what a reader
or a librarian calls "today" is the library's local day (Asia/Ho_Chi_Minh by default).
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def _zone() -> ZoneInfo:
    """The library's time zone (Asia/Ho_Chi_Minh by default)."""
    return ZoneInfo(current_app.config.get("LIBSYS_TIMEZONE", "Asia/Ho_Chi_Minh"))


def local_now() -> datetime:
    """Now in the library's time zone, naive."""
    return datetime.now(_zone()).replace(tzinfo=None)


def local_today() -> date:
    """Today in the library's time zone (Asia/Ho_Chi_Minh by default)."""
    return local_now().date()


def local_day_of(moment: datetime) -> date:
    """The library's local day of a stored (naive UTC) time."""
    return moment.replace(tzinfo=UTC).astimezone(_zone()).date()
