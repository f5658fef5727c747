"""The library network: administrative units, libraries (and rotation points), stores."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db

ADMIN_LEVELS = ("province", "district", "commune")
LIBRARY_LEVELS = ("provincial", "district", "commune", "school", "point", "other")
# Kinds of rotation point (điểm luân chuyển) for libraries of level "point".
POINT_KINDS = ("post_office", "school", "bookcase", "community", "army", "prison", "mobile")
STORE_KINDS = (
    "reading",
    "lending",
    "children",
    "local_studies",
    "foreign",
    "rotation",
    "multimedia",
)


class AdminUnit(db.Model):
    """Administrative unit (tỉnh, huyện, xã) with the population the libraries serve."""

    __tablename__ = "admin_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    population: Mapped[int | None]
    children_population: Mapped[int | None]
    remote: Mapped[bool] = mapped_column(default=False)  # vùng sâu, vùng xa

    parent: Mapped["AdminUnit | None"] = relationship(remote_side=[id])

    def path(self) -> str:
        """Full name, commune first: "Xã A, Huyện B, Tỉnh C"."""
        parts, unit = [], self
        while unit is not None:
            parts.append(unit.name)
            unit = unit.parent
        return ", ".join(parts)


class Library(db.Model):
    """A library of the network, or a rotation point that receives batches."""

    __tablename__ = "library"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    point_kind: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"), index=True)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    # The person who keeps a rotation point (or answers for a library), for the minutes.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    # People a rotation point serves (its commune or village), when the plan states it.
    population_served: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Library | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Library"]] = relationship(back_populates="parent")
    admin_unit: Mapped[AdminUnit | None] = relationship()
    stores: Mapped[list["Store"]] = relationship(
        back_populates="library", order_by="Store.code", cascade="all, delete-orphan"
    )

    @property
    def is_point(self) -> bool:
        """A rotation point rather than a library proper."""
        return self.level == "point"


class Store(db.Model):
    """Store (kho) of a library; its code prefixes accession numbers (VN.000123)."""

    __tablename__ = "store"
    __table_args__ = (UniqueConstraint("library_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # Reading-room-only stores lend nothing: copies are for in-library use.
    reference_only: Mapped[bool] = mapped_column(default=False)
    # Serial of the last accession number given in this store.
    last_accession: Mapped[int] = mapped_column(default=0)

    library: Mapped[Library] = relationship(back_populates="stores")


class Population(db.Model):
    """Population served in one year: a unit's inhabitants and children, a school's students.

    An administrative unit's row holds inhabitants and children (the per-capita indicators'
    denominators); a school's row names the school as a `Library` (level "school", or a
    rotation point of kind "school") and holds its students, so "share of students reached"
    compares the school's own readers with its own roll. `AdminUnit.population` stays the
    latest year's figure, kept in step by the services.
    """

    __tablename__ = "population"
    __table_args__ = (
        UniqueConstraint("admin_unit_id", "year"),
        UniqueConstraint("library_id", "year"),
        CheckConstraint("(admin_unit_id IS NULL) <> (library_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"), index=True)
    population: Mapped[int | None]
    children: Mapped[int | None]
    students: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    admin_unit: Mapped[AdminUnit | None] = relationship()
    library: Mapped[Library | None] = relationship()
