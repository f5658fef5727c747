"""Rotation of collections (luân chuyển tài liệu): points, batches, handover minutes."""

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


def init_app(app: Flask) -> None:
    """Rotation's settings, its API endpoints and `libsys rotation due`."""
    from libsys.rotation import api, cli, route_api  # noqa: F401  (their endpoints join the API)

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.cli.add_command(cli.rotation_group)
    # The officer's pages and the point keeper's phone pages.
    from libsys.rotation import point_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(point_views.bp)
    from libsys.rotation import route_views  # routes and the daily pull list

    app.register_blueprint(route_views.bp)
