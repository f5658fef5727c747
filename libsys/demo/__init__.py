"""Vietnamese demo data: a provincial network, staff for each role, readers, books.

Other domains add their part in `libsys/<domain>/demo.py` with `load_demo(context)`, listed
in DEMO_PARTS.
"""

from sqlalchemy import func, select

from libsys.audit.tracking import audit_paused
from libsys.catalog import demo as catalog_demo
from libsys.circulation import demo as circulation_demo
from libsys.core.clock import local_today
from libsys.extensions import db
from libsys.network.models import Library
from libsys.rotation import demo as rotation_demo
from libsys.stats import demo as stats_demo
from libsys.stats import demo_history
from libsys.stats.activities import demo as activities_demo

# The catalogue first: circulation lends its copies, rotation sends those left on the shelf.
# The event log's past last: it writes only what the other parts did not, and then freezes
# the closed months with everything in them.
DEMO_PARTS = (
    catalog_demo,
    circulation_demo,
    rotation_demo,
    stats_demo,
    activities_demo,
    demo_history,
)
DEMO_READER_COUNT = 300


def database_is_empty() -> bool:
    """True when no library is recorded yet (a new installation)."""
    return not db.session.scalar(select(func.count(Library.id)))


def load_demo(reader_count: int = DEMO_READER_COUNT) -> list[str]:
    """Load the whole demo in one transaction and say what was loaded.

    The audit log stays empty: the demo is the installation's starting point, not a staff
    change, and a new installation's log begins with the first change its staff make."""
    with audit_paused(db.session()):
        return _load_demo(reader_count)


def _load_demo(reader_count: int) -> list[str]:
    from libsys.demo.network import load_network, load_reader_categories
    from libsys.demo.people import DEMO_PASSWORD, DEMO_READER_PASSWORD, load_readers, load_staff

    today = local_today()
    load_reader_categories()
    libraries = load_network()
    staff = load_staff()
    readers = load_readers(reader_count, today)
    context = {"libraries": libraries, "readers": readers, "today": today}
    summary = [
        f"libraries and points: {len(libraries)}",
        f"readers: {len(readers)}",
    ]
    for part in DEMO_PARTS:
        summary.extend(part.load_demo(context) or [])
    db.session.commit()
    summary.append(f"staff accounts (password: {DEMO_PASSWORD}):")
    summary.extend(f"  {username:15} {role}" for username, role in staff)
    summary.append(
        f"reader sign-in: card {readers[0].card_number}, password {DEMO_READER_PASSWORD}"
    )
    return summary
