"""Rotation of collections (luân chuyển tài liệu): points, batches, handover minutes."""

import os

from flask import Flask

# Defaults a province may change in its configuration (Circular 33/2018, Article 6).
DEFAULTS = {
    # A batch stays at most this many months at a point without a manager's approval.
    "ROTATION_MAX_MONTHS": 6,
    # Fewer copies of a title than this at the library: a warning while building a batch.
    "ROTATION_MIN_COPIES": 3,
    # Copy types never rotated (rare or precious documents).
    "ROTATION_RARE_ITEM_TYPES": ("rare",),
    # The checks made while building a batch; each may be switched off.
    "ROTATION_CHECKS": {"available": True, "reference_only": True, "rare": True,
                        "few_copies": True},
}  # fmt: skip


def settings_from_env(environ) -> dict:
    """Rotation settings a province sets in the environment (LIBSYS_ROTATION_*)."""
    settings = {}
    for key in ("MAX_MONTHS", "MIN_COPIES"):
        value = environ.get(f"LIBSYS_ROTATION_{key}", "").strip()
        if value.isdigit():
            settings[f"ROTATION_{key}"] = int(value)
    off = {name.strip() for name in environ.get("LIBSYS_ROTATION_CHECKS_OFF", "").split(",")}
    if off - {""}:
        checks = DEFAULTS["ROTATION_CHECKS"]
        settings["ROTATION_CHECKS"] = {name: name not in off for name in checks}
    return settings


def init_app(app: Flask) -> None:
    """Rotation's settings; its API endpoints, pages and `libsys rotation` commands."""
    from libsys.rotation import api, cli, point_views, route_api, route_views, views  # noqa: F401

    for key, value in {**DEFAULTS, **settings_from_env(os.environ)}.items():
        app.config.setdefault(key, value)
    app.cli.add_command(cli.rotation_group)
    # The officer's pages, the point keeper's phone pages, routes and the daily pull list.
    app.register_blueprint(views.bp)
    app.register_blueprint(point_views.bp)
    app.register_blueprint(route_views.bp)
