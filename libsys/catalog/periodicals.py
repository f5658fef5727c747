"""Periodicals (báo, tạp chí): titles, yearly subscriptions and the issues received.

Plans count periodicals in titles (đầu báo, tạp chí): `count_periodical_titles` gives the
titles a library subscribed to in a year. Receiving an issue appends a
`periodical_received` event so acquisitions of periodicals come from the event log too.
"""

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from stdnum import issn as stdnum_issn

from libsys.accounts.access import permission_required
from libsys.catalog.acting import acting_libraries, parse_day, resolve_library
from libsys.core.clock import local_today
from libsys.core.forms import error_text
from libsys.db import utcnow
from libsys.errors import Conflict, LibsysError, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.events import record_event

FREQUENCIES = {
    "daily": _l("Daily"),
    "weekly": _l("Weekly"),
    "biweekly": _l("Twice a month"),
    "monthly": _l("Monthly"),
    "bimonthly": _l("Every two months"),
    "quarterly": _l("Quarterly"),
    "irregular": _l("Irregular"),
}
# Days after the last issue when the next one is expected (None: never "expected").
EXPECTED_AFTER = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "monthly": 28,
    "bimonthly": 58,
    "quarterly": 88,
    "irregular": None,
}
KINDS = {"newspaper": _l("Newspaper"), "magazine": _l("Magazine")}


class Periodical(db.Model):
    """A newspaper or magazine title (đầu báo, tạp chí) a library takes."""

    __tablename__ = "periodical"

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    issn: Mapped[str | None] = mapped_column(String(9))
    publisher: Mapped[str | None] = mapped_column(String(300))
    frequency: Mapped[str] = mapped_column(String(20), default="monthly")
    kind: Mapped[str] = mapped_column(String(20), default="newspaper")
    language: Mapped[str] = mapped_column(String(3), default="vie")
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    library: Mapped[Library] = relationship()
    subscriptions: Mapped[list["Subscription"]] = relationship(
        back_populates="periodical", order_by="Subscription.year.desc()"
    )


class Subscription(db.Model):
    """A year's subscription of a library to a periodical: copies and price (VND)."""

    __tablename__ = "periodical_subscription"
    __table_args__ = (UniqueConstraint("periodical_id", "library_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    periodical_id: Mapped[int] = mapped_column(ForeignKey("periodical.id"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    year: Mapped[int]
    copies: Mapped[int] = mapped_column(default=1)
    price: Mapped[int | None]  # VND for the year

    periodical: Mapped[Periodical] = relationship(back_populates="subscriptions")
    library: Mapped[Library] = relationship()
    issues: Mapped[list["IssueReceived"]] = relationship(
        back_populates="subscription", order_by="IssueReceived.received_on.desc()"
    )


class IssueReceived(db.Model):
    """An issue received (check-in) under a subscription."""

    __tablename__ = "periodical_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("periodical_subscription.id"), index=True
    )
    received_on: Mapped[date] = mapped_column(index=True)
    issue: Mapped[str | None] = mapped_column(String(100))  # "Số 125", "3/2025"
    copies: Mapped[int] = mapped_column(default=1)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    subscription: Mapped[Subscription] = relationship(back_populates="issues")


# --- Services ----------------------------------------------------------------------------


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


def save_periodical(library: Library, data: dict, *, periodical=None) -> Periodical:
    """Create or edit a periodical title from form data (name, issn, frequency, kind...)."""
    errors = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _l("Enter the name of the newspaper or magazine.")
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
    periodical: Periodical, library: Library, year: int, copies: int = 1, price: int | None = None
) -> Subscription:
    """Record (or change) a library's subscription to a periodical for a year."""
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
    if subscription is None:
        subscription = Subscription(periodical=periodical, library=library, year=year_value)
        db.session.add(subscription)
    subscription.copies = copies_value
    subscription.price = price_value
    db.session.flush()
    return subscription


def receive_issue(
    subscription: Subscription,
    *,
    issue: str | None = None,
    copies: int | None = None,
    day: date | None = None,
    user_id: int | None = None,
) -> IssueReceived:
    """Check in an issue: one row and a `periodical_received` event for the library."""
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


def get_periodical(periodical_id: int) -> Periodical:
    """A periodical title by id, or NotFound."""
    periodical = db.session.get(Periodical, periodical_id)
    if periodical is None:
        raise NotFound(_l("No such periodical."))
    return periodical


# --- Pages -------------------------------------------------------------------------------

bp = Blueprint("periodicals", __name__, url_prefix="/staff/periodicals")


def _library_for_page() -> Library:
    code = request.values.get("library")
    if code:
        return resolve_library(code)
    libraries = acting_libraries()
    if not libraries:
        abort(403)
    return libraries[0]


def _own(periodical: Periodical) -> Periodical:
    if not current_user.can_act_for(periodical.library_id):
        abort(403)
    return periodical


@bp.route("/")
@permission_required("catalog.view")
def index():
    """The library's titles with this year's subscriptions."""
    library = _library_for_page()
    year = request.args.get("year", type=int) or local_today().year
    periodicals = db.session.scalars(
        select(Periodical).where(Periodical.library_id == library.id).order_by(Periodical.name)
    ).all()
    subscriptions = {
        s.periodical_id: s
        for s in db.session.scalars(
            select(Subscription).where(
                Subscription.library_id == library.id, Subscription.year == year
            )
        )
    }
    return render_template(
        "catalog/tools/periodicals.html",
        library=library,
        libraries=acting_libraries(),
        year=year,
        periodicals=periodicals,
        subscriptions=subscriptions,
        titles=count_periodical_titles(library.id, year),
        frequencies=FREQUENCIES,
        kinds=KINDS,
    )


def _form_page(periodical, library, values, errors):
    return render_template(
        "catalog/tools/periodical_form.html",
        periodical=periodical,
        library=library,
        values=values,
        errors=errors,
        frequency_options=list(FREQUENCIES.items()),
        kind_options=list(KINDS.items()),
    ), (422 if errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("catalog.edit")
def new():
    """Add a periodical title, with this year's subscription."""
    library = _library_for_page()
    year = local_today().year
    values = {"frequency": "daily", "kind": "newspaper", "language": "vie", "copies": "1"}
    values["year"] = str(year)
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            with db.session.begin_nested():
                periodical = save_periodical(library, values)
                if values.get("copies"):
                    subscribe(
                        periodical,
                        library,
                        values.get("year") or year,
                        values.get("copies"),
                        values.get("price"),
                    )
            flash(_("Periodical %(name)s added.", name=periodical.name), "success")
            return redirect(url_for("periodicals.index", library=library.code))
        except LibsysError as exc:
            errors = exc.fields
            flash(str(exc.message), "error")
    return _form_page(None, library, values, errors)


@bp.route("/<int:periodical_id>", methods=["GET", "POST"])
@permission_required("catalog.edit")
def edit(periodical_id):
    """Edit a title and set a year's subscription; its receipts below."""
    periodical = _own(get_periodical(periodical_id))
    errors = {}
    values = {
        "name": periodical.name,
        "issn": periodical.issn or "",
        "publisher": periodical.publisher or "",
        "frequency": periodical.frequency,
        "kind": periodical.kind,
        "language": periodical.language,
        "notes": periodical.notes or "",
        "active": "1" if periodical.active else "",
        "year": str(local_today().year),
    }
    if request.method == "POST":
        values = request.form.to_dict()
        values.setdefault("active", "")
        try:
            with db.session.begin_nested():
                save_periodical(periodical.library, values, periodical=periodical)
                if values.get("copies"):
                    subscribe(
                        periodical,
                        periodical.library,
                        values.get("year"),
                        values.get("copies"),
                        values.get("price"),
                    )
            flash(_("Changes saved."), "success")
            return redirect(url_for("periodicals.edit", periodical_id=periodical.id))
        except LibsysError as exc:
            errors = exc.fields
            flash(str(exc.message), "error")
            db.session.refresh(periodical)
    return _form_page(periodical, periodical.library, values, errors)


@bp.route("/checkin")
@permission_required("catalog.edit")
def checkin():
    """Today's check-in list: expected titles first, one Enter to receive each."""
    library = _library_for_page()
    today = local_today()
    return render_template(
        "catalog/tools/periodical_checkin.html",
        library=library,
        libraries=acting_libraries(),
        today=today,
        rows=checkin_list(library, today),
    )


@bp.route("/checkin/<int:subscription_id>", methods=["POST"])
@permission_required("catalog.edit")
def receive(subscription_id):
    """Receive one issue of a subscription and come back to the list."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        abort(404)
    if not current_user.can_act_for(subscription.library_id):
        abort(403)
    try:
        with db.session.begin_nested():
            receive_issue(
                subscription,
                issue=request.form.get("issue"),
                copies=request.form.get("copies") or None,
                user_id=current_user.id,
            )
        flash(
            _("%(name)s received.", name=subscription.periodical.name),
            "success",
        )
    except LibsysError as exc:
        flash(error_text(exc), "error")
    return redirect(url_for("periodicals.checkin", library=subscription.library.code))


@bp.route("/history")
@permission_required("catalog.view")
def history():
    """Issues received, newest first, for a library (one title or all) over a period."""
    library = _library_for_page()
    errors: dict = {}
    today = local_today()
    start = parse_day(request.args.get("start"), "start", errors) or today - timedelta(days=30)
    end = parse_day(request.args.get("end"), "end", errors) or today
    query = (
        select(IssueReceived)
        .join(Subscription)
        .where(Subscription.library_id == library.id, IssueReceived.received_on.between(start, end))
        .options(joinedload(IssueReceived.subscription).joinedload(Subscription.periodical))
        .order_by(IssueReceived.received_on.desc(), IssueReceived.id.desc())
    )
    periodical_id = request.args.get("periodical", type=int)
    if periodical_id:
        query = query.where(Subscription.periodical_id == periodical_id)
    return render_template(
        "catalog/tools/periodical_history.html",
        library=library,
        libraries=acting_libraries(),
        issues=db.session.scalars(query.limit(1000)).all(),
        start=start,
        end=end,
        periodical_id=periodical_id,
        errors=errors,
        total=count_issues_received(library.id, start, end),
    )
