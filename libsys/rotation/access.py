"""Who may see and change a rotation batch.

A rotation officer (rotation.manage) works for the library that owns the batch, a network
account for every library; a point keeper (rotation.point) sees and acts only for the point
their account belongs to. A batch the account may not see is "not found" to it, so a
keeper cannot even learn that another point's batch exists.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from libsys.db import MAX_INTEGER
from libsys.errors import NotFound, PermissionDenied
from libsys.extensions import db
from libsys.rotation.models import RotationBatch


def _manages(user, library_id: int) -> bool:
    return user.can("rotation.manage") and user.can_act_for(library_id)


def _keeps(user, point_id: int) -> bool:
    return user.can("rotation.point") and user.library_id == point_id


def can_see(user, batch: RotationBatch) -> bool:
    """Whether the account may see this batch at all."""
    return (
        _manages(user, batch.library_id)
        or _keeps(user, batch.point_id)
        or (user.can("rotation.manage") and user.library_id == batch.point_id)
    )


def visible_batches(user):
    """A SELECT of the batches this account may see (to filter and order further)."""
    statement = select(RotationBatch)
    if user.can("rotation.manage"):
        if user.library_id is None:
            return statement
        return statement.where(
            or_(
                RotationBatch.library_id == user.library_id,
                RotationBatch.point_id == user.library_id,
            )
        )
    if user.can("rotation.point") and user.library_id is not None:
        return statement.where(RotationBatch.point_id == user.library_id)
    return statement.where(False)


def stored_id(value) -> int | None:
    """A row id from a path or a body, or None when it cannot be one (a column holds 2**31-1)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()):
            return None
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_INTEGER:
        return value
    return None


def find_batch(batch_id) -> RotationBatch | None:
    """The batch with this number, or None (a number too large for the column is no batch)."""
    batch_id = stored_id(batch_id)
    return None if batch_id is None else db.session.get(RotationBatch, batch_id)


def require_seen(user, batch: RotationBatch | None) -> RotationBatch:
    """The batch, or NotFound when it does not exist or this account may not see it."""
    if batch is None or not can_see(user, batch):
        raise NotFound(_l("No rotation batch has this number."), code="UNKNOWN_BATCH")
    return batch


def require_manager(user, batch: RotationBatch) -> None:
    """Only the owning library's rotation staff build, send and close a batch."""
    require_seen(user, batch)
    if not _manages(user, batch.library_id):
        raise PermissionDenied(_l("Only the library that owns this batch may do this."))


def require_point_side(user, batch: RotationBatch) -> None:
    """Receipt, tallies and loans at the point: its keeper, or the owning library's staff."""
    require_seen(user, batch)
    if not (_keeps(user, batch.point_id) or _manages(user, batch.library_id)):
        raise PermissionDenied(_l("Only the point's keeper or the owning library may do this."))
