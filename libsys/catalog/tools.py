"""The cataloguer's tools (MARC editor, registers, labels, periodicals, stocktaking).

Each tool is its own module with its own blueprint; `init_tools(app)` registers them all and
is called by the catalogue's `init_app`. The helpers below are shared by their pages.
"""

from datetime import date

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store


def init_tools(app: Flask) -> None:
    """Register the blueprints of the cataloguer's tools (once, however often called)."""
    from libsys.catalog import editor, labels, periodicals, registers, stocktaking

    for module in (editor, registers, labels, periodicals, stocktaking):
        if module.bp.name not in app.blueprints:
            app.register_blueprint(module.bp)


def init_app(app: Flask) -> None:
    """Found by the catalogue's init_app, which calls each module's init_app."""
    init_tools(app)


def acting_libraries(include_points: bool = False) -> list[Library]:
    """Libraries the signed-in staff member may act for, by code (network accounts: all)."""
    query = select(Library).where(Library.active.is_(True)).order_by(Library.code)
    if not include_points:
        query = query.where(Library.level != "point")
    if current_user.library_id is not None:
        query = query.where(Library.id == current_user.library_id)
    return list(db.session.scalars(query))


def store_codes(libraries: list[Library]) -> list[str]:
    """Distinct store codes of these libraries (VN, TN...), for one store list on a form."""
    return sorted({store.code for library in libraries for store in library.stores})


def resolve_library(code: str | None, field: str = "library") -> Library:
    """The library with this code, checked against what the staff member may act for."""
    library = db.session.scalar(select(Library).where(Library.code == (code or "").strip()))
    if library is None:
        raise ValidationFailed(fields={field: _l("Choose a library.")})
    if not current_user.can_act_for(library.id):
        abort(403)
    return library


def resolve_store(library: Library, code: str | None, field: str = "store") -> Store | None:
    """The library's store with this code, None for "all stores"."""
    code = (code or "").strip()
    if not code:
        return None
    for store in library.stores:
        if store.code == code:
            return store
    raise ValidationFailed(fields={field: _l("This library has no store %(code)s.", code=code)})


def parse_day(text: str | None, field: str, errors: dict) -> date | None:
    """An ISO date from a form (yyyy-mm-dd, or dd/mm/yyyy typed by hand); notes bad input."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = _l("Not a valid date.")
        return None
