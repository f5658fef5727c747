"""Recording and listing activities; each one appends an `activity` event to the log."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, select

from libsys.core.clock import local_today
from libsys.core.dates import InvalidDate, parse_date
from libsys.core.forms import whole_number
from libsys.errors import NotFound, PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.activities.models import ACTIVITY_KINDS, Activity
from libsys.stats.events import record_event
from libsys.text import nfc


def libraries_for(user) -> list[Library]:
    """Where a staff account may record activities: its own library, or every active one."""
    query = select(Library).where(Library.active.is_(True)).order_by(Library.code)
    if user.library_id is not None:
        query = query.where(Library.id == user.library_id)
    return list(db.session.scalars(query))


def library_by_code(user, code) -> Library:
    """The library named by code, if this account may act for it (else NotFound, 403)."""
    library = db.session.scalar(select(Library).where(Library.code == str(code or "").strip()))
    if library is None:
        raise NotFound(_l("No library has the code %(code)s.", code=code), code="UNKNOWN_LIBRARY")
    if not user.can_act_for(library.id):
        raise PermissionDenied(_l("You record activities for your own library only."))
    return library


def _count(value, name: str, errors: dict) -> int:
    if value is None or value == "":
        return 0
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if number is None:
        number = whole_number(value)
    if number is None or number < 0:
        errors[name] = _l("Enter a whole number.")
        return 0
    return number


def record_activity(
    user,
    *,
    library: Library,
    day,
    kind: str,
    title: str,
    participants=0,
    children=0,
    note: str | None = None,
) -> Activity:
    """Record an activity held (not one planned) and append its `activity` event.

    The event carries quantity 1 and, in details, `activity_id`, `activity_kind`,
    `participants` and `children`, so indicators count exhibitions and people from the log.
    """
    errors: dict = {}
    if not user.can_act_for(library.id):
        raise PermissionDenied(_l("You record activities for your own library only."))
    try:
        held_on = parse_date(day)
    except InvalidDate:
        held_on = None
        errors["day"] = _l("Write the date as dd/mm/yyyy.")
    else:
        if held_on is None:
            errors["day"] = _l("Write the date as dd/mm/yyyy.")
        elif held_on > local_today():
            errors["day"] = _l("Record an activity once it has taken place.")
    if kind not in ACTIVITY_KINDS:
        errors["kind"] = _l("Choose the kind of activity.")
    title = nfc(str(title or "")).strip()
    if not title:
        errors["title"] = _l("Write the title of the activity.")
    elif len(title) > 300:
        errors["title"] = _l("At most %(n)s characters.", n=300)
    participants = _count(participants, "participants", errors)
    children = _count(children, "children", errors)
    if "children" not in errors and "participants" not in errors and children > participants:
        errors["children"] = _l("Children are counted among the participants.")
    note = nfc(str(note or "")).strip()[:1000] or None
    if errors:
        raise ValidationFailed(fields=errors)
    activity = Activity(
        day=held_on,
        library=library,
        kind=kind,
        title=title,
        participants=participants,
        children=children,
        note=note,
        user_id=getattr(user, "id", None),
    )
    db.session.add(activity)
    db.session.flush()
    record_event(
        "activity",
        library=library,
        day=held_on,
        quantity=1,
        user_id=getattr(user, "id", None),
        activity_id=activity.id,
        activity_kind=kind,
        participants=participants,
        children=children,
    )
    return activity


def list_activities(
    user, *, year: int | None = None, library: Library | None = None, kind: str | None = None
) -> list[Activity]:
    """Activities this account may see (its library's, or all), the latest first."""
    query = select(Activity).order_by(Activity.day.desc(), Activity.id.desc())
    if user.library_id is not None:
        query = query.where(Activity.library_id == user.library_id)
    if library is not None:
        query = query.where(Activity.library_id == library.id)
    if kind:
        query = query.where(Activity.kind == kind)
    if year:
        query = query.where(extract("year", Activity.day) == year)
    return list(db.session.scalars(query))


def activity_json(activity: Activity) -> dict:
    """An activity as the API shows it."""
    return {
        "id": activity.id,
        "day": activity.day.isoformat(),
        "library": activity.library.code,
        "kind": activity.kind,
        "title": activity.title,
        "participants": activity.participants,
        "children": activity.children,
        "note": activity.note,
    }
