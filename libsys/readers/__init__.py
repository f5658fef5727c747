"""Readers (bạn đọc), their categories and cards."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the staff pages for readers."""
    from libsys.readers import views

    app.register_blueprint(views.bp)
