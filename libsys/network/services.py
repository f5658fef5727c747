"""Changing the network: libraries and rotation points, their stores, administrative units."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.accounts.scope import require_library_scope, require_network_scope
from libsys.core.forms import read_name
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import (
    ADMIN_LEVELS,
    LIBRARY_LEVELS,
    POINT_KINDS,
    STORE_KINDS,
    AdminUnit,
    Library,
    Store,
)
from libsys.text import nfc

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,19}$")


def _text(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    value = nfc(str(value)).strip()
    return value or None


def _code(data: dict, key: str, errors: dict) -> str | None:
    code = (_text(data, key) or "").upper()
    if not CODE_PATTERN.match(code):
        errors[key] = _l("A code is 1 to 20 capital letters, digits, dots or dashes.")
        return None
    return code


def _int_or_none(data: dict, key: str, errors: dict) -> int | None:
    value = _text(data, key)
    if value is None:
        return None
    try:
        number = int(value.replace(".", "").replace(",", ""))
    except ValueError:
        errors[key] = _l("Enter a whole number.")
        return None
    if number < 0:
        errors[key] = _l("Enter a whole number.")
        return None
    return number


def get_library(code: str) -> Library:
    """The library with this code, or NotFound."""
    library = db.session.scalar(select(Library).where(Library.code == code))
    if library is None:
        raise NotFound(_l("No library has the code %(code)s.", code=code), code="UNKNOWN_LIBRARY")
    return library


def list_libraries() -> list[Library]:
    """Every library and rotation point, by code."""
    return list(db.session.scalars(select(Library).order_by(Library.code)))


def save_library(data: dict, library: Library | None = None, *, user=None) -> Library:
    """Create or change a library or rotation point.

    The libraries, their codes, levels and places in the network are the network's settings:
    only a network account (`user` without a library) changes them."""
    require_network_scope(user)
    creating = library is None
    library = library or Library()
    with db.session.no_autoflush:
        errors = _fill_library(library, data, creating)
    return _finish(library, errors, creating)


def _finish(obj, errors: dict, creating: bool):
    """Raise with every problem (the new object never reaches the database), else flush."""
    if errors:
        if creating and obj in db.session:
            db.session.expunge(obj)
        raise ValidationFailed(fields=errors)
    if creating:
        db.session.add(obj)
    db.session.flush()
    return obj


def _fill_library(library: Library, data: dict, creating: bool) -> dict:
    errors: dict = {}
    if creating or "code" in data:
        code = _code(data, "code", errors)
        if code and code != library.code:
            if db.session.scalar(select(Library.id).where(Library.code == code)):
                errors["code"] = _l("The code %(code)s is already used.", code=code)
            else:
                library.code = code
    name = read_name(_text(data, "name"), "name", errors, _l("Enter the name."))
    if name:
        library.name = name
    level = _text(data, "level")
    if level not in LIBRARY_LEVELS:
        errors["level"] = _l("Choose the level.")
    else:
        library.level = level
    kind = _text(data, "point_kind")
    if level == "point":
        if kind not in POINT_KINDS:
            errors["point_kind"] = _l("Choose the kind of rotation point.")
        library.point_kind = kind
    else:
        library.point_kind = None
    parent_code = _text(data, "parent")
    library.parent = None
    if parent_code:
        parent = db.session.scalar(select(Library).where(Library.code == parent_code))
        if parent is None or parent is library:
            errors["parent"] = _l("Choose another parent library.")
        else:
            library.parent = parent
    unit_code = _text(data, "admin_unit")
    library.admin_unit = None
    if unit_code:
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == unit_code))
        if unit is None:
            errors["admin_unit"] = _l("Unknown administrative unit.")
        library.admin_unit = unit
    for key in ("address", "phone", "email", "contact_name"):
        setattr(library, key, _text(data, key))
    library.population_served = _int_or_none(data, "population_served", errors)
    return errors


def save_store(library: Library, data: dict, store: Store | None = None, *, user=None) -> Store:
    """Create or change a store (kho) of a library; its code prefixes accession numbers.

    A library's account whose role manages the network (a library's administrator) keeps
    its own library's stores; another library's are refused."""
    require_library_scope(user, library.id)
    if store is not None:
        require_library_scope(user, store.library_id)
    creating = store is None
    store = store or Store()
    with db.session.no_autoflush:
        errors = _fill_store(store, library, data)
    if not errors and creating:
        store.library = library
    return _finish(store, errors, creating)


def _fill_store(store: Store, library: Library, data: dict) -> dict:
    errors: dict = {}
    code = _code(data, "code", errors)
    if code and code != store.code:
        taken = db.session.scalar(
            select(Store.id).where(Store.library_id == library.id, Store.code == code)
        )
        if taken:
            errors["code"] = _l("The code %(code)s is already used.", code=code)
        else:
            store.code = code
    name = read_name(_text(data, "name"), "name", errors, _l("Enter the name."))
    if name:
        store.name = name
    kind = _text(data, "kind")
    if kind not in STORE_KINDS:
        errors["kind"] = _l("Choose the kind of store.")
    else:
        store.kind = kind
    store.reference_only = str(data.get("reference_only", "")).lower() in ("1", "true", "on")
    return errors


def save_admin_unit(data: dict, unit: AdminUnit | None = None, *, user=None) -> AdminUnit:
    """Create or change an administrative unit and the population it has (the network's
    settings: only a network account)."""
    require_network_scope(user)
    creating = unit is None
    unit = unit or AdminUnit()
    with db.session.no_autoflush:
        errors = _fill_admin_unit(unit, data)
    return _finish(unit, errors, creating)


def _fill_admin_unit(unit: AdminUnit, data: dict) -> dict:
    errors: dict = {}
    code = _code(data, "code", errors)
    if code and code != unit.code:
        if db.session.scalar(select(AdminUnit.id).where(AdminUnit.code == code)):
            errors["code"] = _l("The code %(code)s is already used.", code=code)
        else:
            unit.code = code
    name = read_name(_text(data, "name"), "name", errors, _l("Enter the name."))
    if name:
        unit.name = name
    level = _text(data, "level")
    if level not in ADMIN_LEVELS:
        errors["level"] = _l("Choose the level.")
    else:
        unit.level = level
    parent_code = _text(data, "parent")
    unit.parent = None
    if parent_code:
        parent = db.session.scalar(select(AdminUnit).where(AdminUnit.code == parent_code))
        if parent is None or parent is unit:
            errors["parent"] = _l("Unknown administrative unit.")
        unit.parent = parent
    unit.population = _int_or_none(data, "population", errors)
    unit.children_population = _int_or_none(data, "children_population", errors)
    unit.remote = str(data.get("remote", "")).lower() in ("1", "true", "on")
    return errors


def list_admin_units() -> list[AdminUnit]:
    """Administrative units, provinces first."""
    order = {level: i for i, level in enumerate(ADMIN_LEVELS)}
    units = list(db.session.scalars(select(AdminUnit)))
    return sorted(units, key=lambda u: (order.get(u.level, 9), u.code))
