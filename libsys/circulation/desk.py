"""The desk's blueprint (endpoints circulation.*) and the library it acts for.

The checkout and returns screens (loans.views), the entrance count (visits.views) and the
policies pages (policies.views) add their pages to this one blueprint, so every endpoint
keeps its name.
"""

from flask import Blueprint, session
from flask_login import current_user
from sqlalchemy import select

from libsys.extensions import db
from libsys.network.models import Library

bp = Blueprint("circulation", __name__, url_prefix="/staff/desk")


MAX_LINES = 30


def desk_library() -> Library:
    """The library this desk lends for: the user's own, or the one a network account chose."""
    if current_user.library is not None:
        return current_user.library
    code = session.get("desk_library")
    library = None
    if code:
        library = db.session.scalar(select(Library).where(Library.code == code))
    if library is None:
        library = db.session.scalar(
            select(Library).where(Library.level != "point").order_by(Library.id).limit(1)
        )
    return library


def desk_libraries() -> list:
    if current_user.library is not None:
        return []
    return list(
        db.session.scalars(select(Library).where(Library.level != "point").order_by(Library.code))
    )
