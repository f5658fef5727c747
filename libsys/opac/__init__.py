"""The OPAC: public search pages and the record page (the reader's account is circulation's)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the public catalogue pages."""
    from libsys.opac import views

    app.register_blueprint(views.bp)
