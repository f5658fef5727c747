"""What figures are about: one library (with its rotation points), a level of library, or
the whole network; and the population it serves (the per-capita indicators' divisor)."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.errors import NotFound, PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.network.models import LIBRARY_LEVELS, AdminUnit, Library
from libsys.network.population import population_served

# A library's level and the administrative level whose inhabitants it serves.
_SERVED_UNIT_LEVEL = {"provincial": "province", "district": "district", "commune": "commune"}


@dataclass(frozen=True)
class Scope:
    """Libraries whose events count (None: the whole network), and what to call them.

    A library's scope holds its rotation points: what a point served is the library's
    service (its loans and tallies at the point, its batches), so the library's figures
    include them, and the breakdown by library shows each point on its own line.
    """

    library_ids: frozenset[int] | None = None
    library: Library | None = None
    level: str | None = None
    label: str = ""
    own_ids: frozenset[int] = field(default_factory=frozenset)


def network_scope() -> Scope:
    """The whole network."""
    return Scope(label="network")


def library_scope(code: str) -> Scope:
    """One library by code with its rotation points; NotFound for an unknown code."""
    library = db.session.scalar(select(Library).where(Library.code == (code or "").strip()))
    if library is None:
        raise NotFound(_l("There is no library with this code."), code="UNKNOWN_LIBRARY")
    points = db.session.scalars(
        select(Library.id).where(Library.parent_id == library.id, Library.level == "point")
    ).all()
    return Scope(
        library_ids=frozenset({library.id, *points}),
        library=library,
        label=library.code,
        own_ids=frozenset({library.id}),
    )


def level_scope(level: str) -> Scope:
    """Every library of one level (district, commune...) with their rotation points."""
    if level not in LIBRARY_LEVELS:
        raise ValidationFailed(
            fields={"level": _l("Choose one of: %(levels)s.", levels=", ".join(LIBRARY_LEVELS))}
        )
    own = db.session.scalars(select(Library.id).where(Library.level == level)).all()
    points = db.session.scalars(
        select(Library.id).where(Library.parent_id.in_(own), Library.level == "point")
    ).all()
    return Scope(
        library_ids=frozenset({*own, *points}), level=level, label=level, own_ids=frozenset(own)
    )


def _served_unit(library: Library) -> AdminUnit | None:
    """The administrative unit whose inhabitants a library serves (its own unit's ancestor
    at the library's level: a district library serves the district, not its town)."""
    wanted = _SERVED_UNIT_LEVEL.get(library.level)
    unit = library.admin_unit
    if wanted is None:
        return None
    while unit is not None and unit.level != wanted:
        unit = unit.parent
    return unit


def library_population(library: Library, year: int | None = None) -> int | None:
    """Inhabitants a library serves in a year: its own figure (points), else its unit's
    that year (network.population: the year's row, else the latest before, else today's)."""
    if library.population_served:
        return library.population_served
    unit = _served_unit(library)
    if unit is None:
        return None
    if year is None:
        return unit.population
    return population_served(unit, year)[0]


def scope_population(scope: Scope, year: int | None = None) -> int | None:
    """Population served by a scope: a library's; the sum over a level's libraries (none
    counted twice); for the network, the provinces' (the units with no parent)."""
    if scope.library is not None:
        return library_population(scope.library, year)
    if scope.level is not None:
        libraries = db.session.scalars(select(Library).where(Library.id.in_(scope.own_ids)))
        values = [library_population(library, year) for library in libraries]
        values = [value for value in values if value]
        return sum(values) or None
    provinces = db.session.scalars(select(AdminUnit).where(AdminUnit.parent_id.is_(None)))
    values = [
        unit.population if year is None else population_served(unit, year)[0] for unit in provinces
    ]
    return sum(value for value in values if value) or None


def _within(library: Library, ancestor_id: int) -> bool:
    while library is not None:
        if library.id == ancestor_id:
            return True
        library = library.parent
    return False


def scope_for(user, library_code: str | None = None, level: str | None = None) -> Scope:
    """The scope a staff account asks for and may see.

    A network account sees any library, level or the whole network (the default). An account
    of one library sees that library (the default) and the libraries and points under it.
    """
    if library_code and level:
        raise ValidationFailed(fields={"level": _l("Choose a library or a level, not both.")})
    own = getattr(user, "library_id", None)
    if own is None:
        if library_code:
            return library_scope(library_code)
        return level_scope(level) if level else network_scope()
    if level:
        raise PermissionDenied(_l("Your account sees its own library only."), code="OUT_OF_SCOPE")
    if not library_code:
        return library_scope(db.session.get(Library, own).code)
    scope = library_scope(library_code)
    if not _within(scope.library, own):
        raise PermissionDenied(_l("Your account sees its own library only."), code="OUT_OF_SCOPE")
    return scope
