"""Rotation points (điểm luân chuyển): libraries of level "point" served by a library.

A point is a `Library` of the network (so copies can be located there and a keeper's
account belongs to it); this module adds what rotation needs: which points an account may
see, and creating one from the rotation pages or the API.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.errors import PermissionDenied
from libsys.extensions import db
from libsys.network.models import Library
from libsys.network.services import get_library, save_library


def visible_points(user) -> list[Library]:
    """The rotation points this account may see: a keeper its own, an officer those its
    library serves, a network account all of them."""
    statement = select(Library).where(Library.level == "point").order_by(Library.code)
    if user.can("rotation.manage") and user.library_id is None:
        return list(db.session.scalars(statement))
    if user.library_id is None:
        return []
    if user.can("rotation.manage"):
        statement = statement.where(
            (Library.parent_id == user.library_id) | (Library.id == user.library_id)
        )
    else:
        statement = statement.where(Library.id == user.library_id)
    return list(db.session.scalars(statement))


def create_point(user, data: dict) -> Library:
    """A new rotation point served by `data["library"]` (a library code)."""
    parent = get_library(data["library"])
    if not (user.can("rotation.manage") and user.can_act_for(parent.id)):
        raise PermissionDenied(_l("Only the serving library may add its points."))
    point = save_library(
        {
            "code": data["code"],
            "name": data["name"],
            "level": "point",
            "point_kind": data.get("kind"),
            "parent": parent.code,
            "admin_unit": data.get("admin_unit"),
            "address": data.get("address"),
            "phone": data.get("phone"),
            "contact_name": data.get("contact_name"),
            "population_served": data.get("population_served"),
        }
    )
    return point


def point_json(point: Library) -> dict:
    """A point as the API shows it."""
    return {
        "id": point.id,
        "code": point.code,
        "name": point.name,
        "kind": point.point_kind,
        "library": point.parent.code if point.parent else None,
        "admin_unit": point.admin_unit.code if point.admin_unit else None,
        "address": point.address,
        "contact_name": point.contact_name,
        "phone": point.phone,
        "population_served": point.population_served,
        "active": point.active,
    }
