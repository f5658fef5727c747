"""The library network: administrative units, libraries, rotation points, stores."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the network pages and API endpoints."""
    from libsys.network import api, views  # noqa: F401  (api: its endpoints join the API blueprint)

    app.register_blueprint(views.bp)
