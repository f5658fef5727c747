"""The library network: administrative units, libraries, rotation points, stores."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the network pages."""
    from libsys.network import views

    app.register_blueprint(views.bp)
