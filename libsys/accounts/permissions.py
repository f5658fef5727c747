"""Roles as sets of permissions; every page and endpoint checks one permission."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {
    "network.view": _l("See the libraries of the network"),
    "network.manage": _l("Manage libraries, stores and administrative units"),
    "network.population": _l("Enter the population served and the students of schools"),
    "users.manage": _l("Manage staff accounts"),
    "readers.view": _l("Look up readers"),
    "readers.edit": _l("Register and edit readers"),
    "catalog.view": _l("See the staff catalogue"),
    "catalog.edit": _l("Catalogue records and copies"),
    "catalog.import": _l("Import and export MARC files"),
    "circulation.desk": _l("Lend and take back at the desk"),
    "circulation.override": _l("Override a refusal at the desk"),
    "circulation.policies": _l("Set lending policies and calendars"),
    "rotation.manage": _l("Prepare and receive rotation batches"),
    "rotation.point": _l("Record loans and visits at a rotation point"),
    "rotation.approve": _l("Approve a rotation stay longer than the usual limit"),
    "stats.view": _l("See statistics and reports"),
    "stats.plan": _l("Set plan targets"),
    "stats.activities": _l("Record exhibitions, book talks and other activities"),
    "audit.view": _l("Read the audit log of staff changes"),
    "readers.privacy": _l("Give readers their data and delete it on request"),
}

ROLES = {
    "admin": set(PERMISSIONS) - {"rotation.point"},
    "manager": {
        "readers.view",
        "readers.edit",
        "catalog.view",
        "circulation.desk",
        "circulation.override",
        "circulation.policies",
        "rotation.manage",
        "rotation.approve",
        "stats.view",
        "stats.plan",
        "stats.activities",
        "network.population",
        "users.manage",
        "readers.privacy",
    },
    "cataloguer": {"catalog.view", "catalog.edit", "catalog.import", "stats.view"},
    "circulation": {
        "readers.view",
        "readers.edit",
        "catalog.view",
        "circulation.desk",
        "stats.activities",
    },
    "rotation_officer": {"catalog.view", "rotation.manage", "readers.view", "stats.view"},
    # A keeper registers and looks up the readers of their own point only (readers_scope).
    "point_keeper": {"rotation.point", "readers.view", "readers.edit"},
    "viewer": {"stats.view"},
}

# Every staff account may see the network it works in.
for _permissions in ROLES.values():
    _permissions.add("network.view")

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Manager"),
    "cataloguer": _l("Cataloguer"),
    "circulation": _l("Circulation librarian"),
    "rotation_officer": _l("Rotation officer"),
    "point_keeper": _l("Point keeper"),
    "viewer": _l("Viewer (reports only)"),
}


def role_permits(role: str, permission: str) -> bool:
    """Whether a role holds a permission; unknown permissions are a programming error."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return permission in ROLES.get(role, set())
