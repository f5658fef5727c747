"""Today's numbers (loans, returns, renewals, visits, in-library uses, new readers) from the
event log, for the staff home page."""

from sqlalchemy import func, select

from libsys.core.clock import local_today
from libsys.extensions import db
from libsys.stats.models import Event

TODAY_KINDS = ("checkout", "checkin", "renewal", "visit", "inhouse_use", "reader_registered")


def today_numbers(library_ids) -> dict[str, int]:
    """Today's counts from the event log, for some libraries (a scope's library_ids: a
    library with its rotation points) or, given None, the whole network."""
    query = (
        select(Event.kind, func.coalesce(func.sum(Event.quantity), 0))
        .where(Event.day == local_today(), Event.kind.in_(TODAY_KINDS))
        .group_by(Event.kind)
    )
    if library_ids is not None:
        query = query.where(Event.library_id.in_(sorted(library_ids)))
    counts = dict.fromkeys(TODAY_KINDS, 0)
    counts.update({kind: int(total) for kind, total in db.session.execute(query)})
    return counts
