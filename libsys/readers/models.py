"""Readers (bạn đọc), their categories and cards."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import AdminUnit, Library

GENDERS = ("female", "male", "other")
READER_STATUSES = ("active", "blocked")  # "expired" is derived from card_expires
# Age groups used by reports; bounds are inclusive lower ages.
AGE_GROUPS = (("child", 0), ("youth", 15), ("adult", 18), ("elderly", 60))


class ReaderCategory(db.Model):
    """Reader category (đối tượng bạn đọc): children, pupils, students, officials, ..."""

    __tablename__ = "reader_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    is_children: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    def label(self, locale: str = "vi") -> str:
        """The name in the interface language."""
        return self.name_en if locale == "en" and self.name_en else self.name


class Reader(db.Model):
    """A reader with a card (thẻ bạn đọc); signs in to the OPAC with card number."""

    __tablename__ = "reader"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_number: Mapped[str] = mapped_column(String(30), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Folded name (no diacritics, lower case) so "nguyen van an" finds "Nguyễn Văn An".
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    date_of_birth: Mapped[date | None]
    gender: Mapped[str | None] = mapped_column(String(10))
    ethnicity: Mapped[str | None] = mapped_column(String(2))
    category_id: Mapped[int] = mapped_column(ForeignKey("reader_category.id"), index=True)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    school: Mapped[str | None] = mapped_column(String(200))
    guardian_name: Mapped[str | None] = mapped_column(String(200))
    guardian_phone: Mapped[str | None] = mapped_column(String(30))
    disability: Mapped[bool] = mapped_column(default=False)
    home_library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    card_issued: Mapped[date]
    card_expires: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="active")
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    # Part of the session id: raising it ends every session (sign-out, a new password).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Loan history is kept with the reader only when the reader opts in (privacy).
    keep_history: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(5))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[ReaderCategory] = relationship()
    admin_unit: Mapped[AdminUnit | None] = relationship()
    home_library: Mapped[Library] = relationship()

    is_staff = False
    is_reader = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Session id, prefixed so staff and readers never collide, with the session version."""
        return f"reader:{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        """Blocked readers keep their session out."""
        return self.status != "blocked"

    def can(self, permission: str) -> bool:
        """Readers hold no staff permission."""
        return False

    def effective_status(self, today: date) -> str:
        """active, blocked or expired (expired is the card's date, not a stored state)."""
        if self.status == "blocked":
            return "blocked"
        if self.card_expires < today:
            return "expired"
        return "active"

    def age_on(self, day: date) -> int | None:
        """Age in whole years on a day, None when the birth date is unknown."""
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def age_group_on(self, day: date) -> str | None:
        """Report age group on a day: child, youth, adult, elderly."""
        age = self.age_on(day)
        if age is None:
            return None
        group = AGE_GROUPS[0][0]
        for name, lower in AGE_GROUPS:
            if age >= lower:
                group = name
        return group
