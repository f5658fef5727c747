"""Periodicals' services: titles, subscriptions, issues received, what is due, counts for plans."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from stdnum import issn as stdnum_issn

from libsys.accounts.scope import require_library_scope
from libsys.catalog.periodicals.models import (
    EXPECTED_AFTER,
    FREQUENCIES,
    KINDS,
    IssueReceived,
    Periodical,
    Subscription,
)
from libsys.core.clock import local_today
from libsys.core.forms import read_name
from libsys.errors import Conflict, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.events import record_event


def _positive_int(value, field: str, errors: dict, *, allow_empty=False, minimum=1):
    text = str(value if value is not None else "").strip().replace(".", "")
    if not text:
        if allow_empty:
            return None
        errors[field] = _l("Enter a number.")
        return None
    try:
        number = int(text)
    except ValueError:
        errors[field] = _l("Enter a number.")
        return None
    if number < minimum:
        errors[field] = _l("Enter a number of at least %(n)s.", n=minimum)
        return None
    return number


def save_periodical(library: Library, data: dict, *, periodical=None, user=None) -> Periodical:
    """Create or edit a periodical title from form data (name, issn, frequency, kind...);
    `user`, a library's account, keeps its own library's titles only."""
    require_library_scope(user, library.id)
    if periodical is not None:
        require_library_scope(user, periodical.library_id)
    errors = {}
    name = read_name(
        data.get("name"), "name", errors, _l("Enter the name of the newspaper or magazine.")
    )
    issn = (data.get("issn") or "").strip()
    if issn:
        if stdnum_issn.is_valid(issn):
            issn = stdnum_issn.format(issn)
        else:
            errors["issn"] = _l("This ISSN is not valid (check digit).")
    frequency = data.get("frequency") or "monthly"
    if frequency not in FREQUENCIES:
        errors["frequency"] = _l("Choose a frequency.")
    kind = data.get("kind") or "newspaper"
    if kind not in KINDS:
        errors["kind"] = _l("Choose newspaper or magazine.")
    language = (data.get("language") or "vie").strip().lower()
    if len(language) != 3 or not language.isalpha():
        errors["language"] = _l("A language is a three-letter MARC code (vie, eng...).")
    if errors:
        raise ValidationFailed(fields=errors)
    if periodical is None:
        periodical = Periodical(library=library)
        db.session.add(periodical)
    periodical.name = name
    periodical.issn = issn or None
    periodical.publisher = (data.get("publisher") or "").strip() or None
    periodical.frequency = frequency
    periodical.kind = kind
    periodical.language = language
    periodical.notes = (data.get("notes") or "").strip() or None
    if "active" in data:
        periodical.active = bool(data.get("active"))
    db.session.flush()
    return periodical


def subscribe(
    periodical: Periodical,
    library: Library,
    year: int,
    copies: int = 1,
    price: int | None = None,
    *,
    user=None,
) -> Subscription:
    """Record (or change) a library's subscription to a periodical for a year (`user`: its
    own library's only)."""
    require_library_scope(user, library.id)
    errors = {}
    copies_value = _positive_int(copies, "copies", errors)
    price_value = _positive_int(price, "price", errors, allow_empty=True, minimum=0)
    year_value = _positive_int(year, "year", errors, minimum=1900)
    if errors:
        raise ValidationFailed(fields=errors)
    subscription = db.session.scalar(
        select(Subscription).where(
            Subscription.periodical_id == periodical.id,
            Subscription.library_id == library.id,
            Subscription.year == year_value,
        )
    )
    new = subscription is None
    if new:
        subscription = Subscription(periodical=periodical, library=library, year=year_value)
        db.session.add(subscription)
    subscription.copies = copies_value
    subscription.price = price_value
    db.session.flush()
    if new:
        # A title subscribed for a year is an acquisition of a periodical title (đầu báo):
        # one event per title, library and year, whatever its copies become later.
        record_event(
            "periodical_subscribed",
            library=library,
            periodical_id=periodical.id,
            periodical=periodical.name,
            periodical_kind=periodical.kind,
            year=year_value,
            copies=copies_value,
        )
    return subscription


def receive_issue(
    subscription: Subscription,
    *,
    issue: str | None = None,
    copies: int | None = None,
    day: date | None = None,
    user_id: int | None = None,
    user=None,
) -> IssueReceived:
    """Check in an issue: one row and a `periodical_received` event for the library
    (`user`, a library's account: its own library's subscriptions only)."""
    require_library_scope(user, subscription.library_id)
    if user is not None:
        user_id = user.id
    errors = {}
    copies_value = (
        subscription.copies if copies in (None, "") else _positive_int(copies, "copies", errors)
    )
    if errors:
        raise ValidationFailed(fields=errors)
    day = day or local_today()
    issue = (issue or "").strip()[:100] or None
    if issue:
        # The same numbered issue twice is a double scan, not a second delivery.
        duplicate = db.session.scalar(
            select(IssueReceived.id).where(
                IssueReceived.subscription_id == subscription.id, IssueReceived.issue == issue
            )
        )
        if duplicate:
            raise Conflict(
                _l("Issue %(issue)s is already received.", issue=issue), code="ISSUE_RECEIVED"
            )
    received = IssueReceived(
        subscription=subscription, received_on=day, issue=issue, copies=copies_value,
        user_id=user_id,
    )  # fmt: skip
    db.session.add(received)
    db.session.flush()
    periodical = subscription.periodical
    record_event(
        "periodical_received",
        library=subscription.library,
        quantity=copies_value,
        day=day,
        periodical_id=periodical.id,
        periodical=periodical.name,
        periodical_kind=periodical.kind,
        issue=issue,
    )
    return received


def count_periodical_titles(library_id: int | None, year: int) -> int:
    """Periodical titles (đầu báo, tạp chí) subscribed in a year; None: the whole network."""
    query = select(func.count(func.distinct(Subscription.periodical_id))).where(
        Subscription.year == year
    )
    if library_id is not None:
        query = query.where(Subscription.library_id == library_id)
    return db.session.scalar(query) or 0


def count_issues_received(library_id: int | None, start: date, end: date) -> int:
    """Copies of periodical issues received between two days (inclusive)."""
    query = (
        select(func.coalesce(func.sum(IssueReceived.copies), 0))
        .join(Subscription, Subscription.id == IssueReceived.subscription_id)
        .where(IssueReceived.received_on.between(start, end))
    )
    if library_id is not None:
        query = query.where(Subscription.library_id == library_id)
    return int(db.session.scalar(query) or 0)


def last_received(subscription_ids: list[int]) -> dict[int, date]:
    """The day of the latest issue of each subscription."""
    rows = db.session.execute(
        select(IssueReceived.subscription_id, func.max(IssueReceived.received_on))
        .where(IssueReceived.subscription_id.in_(subscription_ids))
        .group_by(IssueReceived.subscription_id)
    )
    return {row[0]: row[1] for row in rows}


def is_expected(frequency: str, last: date | None, day: date) -> bool:
    """Whether an issue is due on a day, from the frequency and the last issue received."""
    after = EXPECTED_AFTER.get(frequency)
    if after is None:
        return False
    return last is None or day - last >= timedelta(days=after)


def checkin_list(library: Library, day: date) -> list[dict]:
    """This year's subscriptions of a library for the check-in page, expected ones first."""
    subscriptions = db.session.scalars(
        select(Subscription)
        .join(Periodical)
        .where(
            Subscription.library_id == library.id,
            Subscription.year == day.year,
            Periodical.active.is_(True),
        )
        .options(joinedload(Subscription.periodical))
        .order_by(Periodical.name)
    ).all()
    last = last_received([s.id for s in subscriptions])
    received_today = set(
        db.session.scalars(
            select(IssueReceived.subscription_id).where(
                IssueReceived.subscription_id.in_([s.id for s in subscriptions]),
                IssueReceived.received_on == day,
            )
        )
    )
    rows = []
    for subscription in subscriptions:
        latest = last.get(subscription.id)
        rows.append(
            {
                "subscription": subscription,
                "last": latest,
                "received_today": subscription.id in received_today,
                "expected": subscription.id not in received_today
                and is_expected(subscription.periodical.frequency, latest, day),
            }
        )
    rows.sort(key=lambda row: (not row["expected"], row["received_today"]))
    return rows


def get_periodical(periodical_id: int, *, user=None) -> Periodical:
    """A periodical title by id, or NotFound (`user`, a library's account: its own only)."""
    periodical = db.session.get(Periodical, periodical_id)
    if periodical is None:
        raise NotFound(_l("No such periodical."))
    require_library_scope(user, periodical.library_id)
    return periodical
