"""The library a circulation page or API call acts for, and the lists of libraries pages offer."""

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from libsys.circulation.errors import DeskRefusal
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import LIBRARY_LEVELS, Library
from libsys.text import sort_key


def working_library() -> Library | None:
    """The librarian's own library; a network account picks one with ?library=CODE (else all)."""
    if current_user.library_id is not None:
        return current_user.library
    code = request.values.get("library")
    if code:
        return db.session.scalar(select(Library).where(Library.code == code))
    return None


def library_code_arg(library: Library | None) -> str | None:
    """The ?library= to keep in links: only a network account chooses a library."""
    return library.code if library is not None and current_user.library_id is None else None


def library_options() -> list[tuple[str, str]]:
    """(code, name) of every library that is not a rotation point, for a library filter."""
    libraries = db.session.scalars(select(Library).where(Library.level != "point"))
    return [(lib.code, lib.name) for lib in in_network_order(libraries)]


def in_network_order(libraries) -> list[Library]:
    """Provincial library first, then district, commune and school libraries, each level
    in Vietnamese alphabetical order (for lists people choose from)."""
    return sorted(libraries, key=lambda lib: (LEVEL_ORDER.get(lib.level, 9), sort_key(lib.name)))


LEVEL_ORDER = {level: rank for rank, level in enumerate(LIBRARY_LEVELS)}


def acting_library(body: dict) -> Library:
    """The library a call acts for: body "library", else the token user's library."""
    code = (body.get("library") or "").strip() if isinstance(body.get("library"), str) else ""
    user = g.api_user
    if code:
        library = db.session.scalar(select(Library).where(Library.code == code))
        if library is None:
            raise ValidationFailed(fields={"library": _l("Unknown library.")})
        if not user.can_act_for(library.id):
            raise ValidationFailed(fields={"library": _l("You may not act for this library.")})
        return library
    if user.library is not None:
        return user.library
    raise DeskRefusal(code="NO_LIBRARY")
