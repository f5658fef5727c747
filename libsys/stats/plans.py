"""Plans (kế hoạch) and their targets (chỉ tiêu): per year, per indicator, for a library, a
level of library or the whole network, as a value or a range (8,000-9,000)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library
from libsys.stats.scope import Scope


class Plan(db.Model):
    """A plan document: its number, who issued it and when, the years it covers."""

    __tablename__ = "stat_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(60))
    issuer: Mapped[str] = mapped_column(String(300))
    issued_on: Mapped[date | None]
    first_year: Mapped[int]
    last_year: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    # The library whose manager entered it (she keeps it, and its targets are hers only);
    # None for a plan entered by a network account.
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    targets: Mapped[list["PlanTarget"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class PlanTarget(db.Model):
    """One target: for a library, a level of library or (neither) the whole network."""

    __tablename__ = "stat_plan_target"
    __table_args__ = (
        CheckConstraint("library_id IS NULL OR level IS NULL", name="one_scope"),
        CheckConstraint("value_min IS NOT NULL OR value_max IS NOT NULL", name="value"),
        Index("ix_stat_plan_target_indicator_year", "indicator", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("stat_plan.id"), index=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"))
    level: Mapped[str | None] = mapped_column(String(20))
    year: Mapped[int]
    indicator: Mapped[str] = mapped_column(String(40))
    # A single value has min = max; "at least" has no max, "at most" no min.
    value_min: Mapped[float | None] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)

    plan: Mapped[Plan] = relationship(back_populates="targets")
    library: Mapped[Library | None] = relationship()


def add_plan(number, issuer, issued_on, years, title, targets) -> Plan:
    """Record a plan with its targets: (indicator, scope, years, min, max) each, where the
    scope is a library code, a level ("district") or None for the network."""
    plan = Plan(
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        first_year=years[0],
        last_year=years[-1],
        title=title,
    )
    libraries = {library.code: library for library in db.session.scalars(select(Library))}
    for indicator, where, target_years, low, high in targets:
        library = libraries.get(where) if where else None
        level = where if where and library is None else None
        for year in target_years:
            plan.targets.append(
                PlanTarget(
                    library=library,
                    level=level,
                    year=year,
                    indicator=indicator,
                    value_min=low,
                    value_max=high,
                )
            )
    db.session.add(plan)
    db.session.flush()
    return plan


def _candidates(scope: Scope):
    """Where a scope's target may be set, most specific first."""
    if scope.library is not None:
        return [
            PlanTarget.library_id == scope.library.id,
            (PlanTarget.level == scope.library.level) & PlanTarget.library_id.is_(None),
        ]
    if scope.level is not None:
        return [(PlanTarget.level == scope.level) & PlanTarget.library_id.is_(None)]
    return [PlanTarget.level.is_(None) & PlanTarget.library_id.is_(None)]


def targets_for(scope: Scope, year: int | None) -> dict[str, tuple[float | None, float | None]]:
    """Each indicator's target for the scope in a year: {code: (min, max)}.

    The most specific target wins (the library's own, then its level's). A target stays in
    force until a later one replaces it: a year no plan names takes the latest earlier
    year's target (plans are renewed with the same figures, often late).
    """
    if year is None:
        return {}
    found: dict[str, tuple[float | None, float | None]] = {}
    for condition in _candidates(scope):
        rows = db.session.execute(
            select(PlanTarget.indicator, PlanTarget.year, PlanTarget.value_min,
                   PlanTarget.value_max)
            .where(condition, PlanTarget.year <= year)
            .order_by(PlanTarget.indicator, PlanTarget.year.desc(), PlanTarget.id.desc())
        )  # fmt: skip
        chosen: dict[str, tuple] = {}
        for code, _year, low, high in rows:
            chosen.setdefault(code, (low, high))
        for code, values in chosen.items():
            found.setdefault(code, values)
    return found
