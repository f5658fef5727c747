"""Readers (bạn đọc), their categories and cards."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the staff pages for readers and their API endpoints."""
    from libsys.readers import api, views  # noqa: F401  (api: its endpoints join the API blueprint)

    app.register_blueprint(views.bp)
