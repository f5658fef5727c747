"""The audit log (nhật ký thay đổi): who changed what, when, with the values before and after."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Listen to every flush for audited changes and register the admin's page."""
    from libsys.audit import tracking, views

    tracking.listen()
    app.register_blueprint(views.bp)
