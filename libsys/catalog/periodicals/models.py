"""Periodicals' tables: a title (báo, tạp chí), its yearly subscriptions, the issues received."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library

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
