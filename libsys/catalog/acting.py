"""The libraries and stores a staff member acts for, as the cataloguer's tools choose them.

Shared by the pages of registers, labels, periodicals and stocktaking.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.scope import require_library_scope
from libsys.core.dates import read_date
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store


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
    """The library with this code, checked against what the staff member may act for (another
    library's: PermissionDenied, the Vietnamese 403 page)."""
    library = db.session.scalar(select(Library).where(Library.code == (code or "").strip()))
    if library is None:
        raise ValidationFailed(fields={field: _l("Choose a library.")})
    require_library_scope(current_user, library.id)
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
    """A date from a form (yyyy-mm-dd, or dd/mm/yyyy typed by hand); notes bad input."""
    return read_date(text, field, errors, _l("Not a valid date."))
