"""Library scope: the one rule for what a staff account may read and change.

A staff account belongs to one library (`User.library_id`) or to the whole network (empty).
A library's account acts only on what belongs to its library: its copies, readers, lending
rules, calendar (closed days, holidays), transfers, rotation batches, stocktaking and
periodicals, stores, its readers' passwords and data, the audit entries about them. What
applies to the whole network (the network default lending rule, holidays of the whole
network, the libraries and administrative units) is changed only by a network account.
docs/security.md has the whole table. Services call these
checks with the account that acts (`user=None` is the system itself: commands, imports, the
demo); a refusal is a PermissionDenied (a 403 page, or the JSON error under /api/), raised
before anything is written.
"""

from flask_babel import lazy_gettext as _l

from libsys.errors import PermissionDenied


def in_scope(user, library_id: int | None) -> bool:
    """Whether the account may act for this library (None: what belongs to the network)."""
    if user is None or getattr(user, "library_id", None) is None:
        return True
    return library_id is not None and library_id == user.library_id


def require_library_scope(user, library_id: int | None) -> None:
    """Refuse (403) when the account is scoped to another library than `library_id`.

    `library_id` None means something of the whole network: only a network account may
    change it."""
    if in_scope(user, library_id):
        return
    if library_id is None:
        require_network_scope(user)
    raise _out_of_scope()


def require_one_of_libraries(user, *library_ids: int | None) -> None:
    """Refuse (403) unless the account acts for one of these libraries (a transfer concerns
    the library that sends and the one that receives)."""
    if not any(library_id is not None and in_scope(user, library_id) for library_id in library_ids):
        raise _out_of_scope()


def _out_of_scope() -> PermissionDenied:
    return PermissionDenied(
        _l("This belongs to another library: your account acts for its own library only."),
        code="OUT_OF_SCOPE",
    )


def require_network_scope(user) -> None:
    """Refuse (403) a library's account what only a network account may change."""
    if user is None or getattr(user, "library_id", None) is None:
        return
    raise PermissionDenied(
        _l("Only an account of the whole network may change what applies to every library."),
        code="NETWORK_ONLY",
    )
