"""What every page shares: home pages, health check, language switch, error pages."""

from flask import Flask, url_for
from flask_babel import get_locale
from flask_login import current_user

from libsys.core.formats import format_day, format_number


def init_app(app: Flask) -> None:
    """Register the core pages, the application-wide error answers and the template helpers."""
    from libsys.core import errors, jobs, limits, security, views

    limits.init_app(app)
    security.init_app(app)
    app.register_blueprint(views.bp)
    errors.init_app(app)
    jobs.init_app(app)
    app.add_template_filter(format_day, "dmy")
    app.add_template_filter(format_number, "number")

    @app.context_processor
    def _template_helpers():
        return {
            "can": _can,
            "has_endpoint": lambda endpoint: endpoint in app.view_functions,
            "url_if": lambda endpoint, **kw: (
                url_for(endpoint, **kw) if endpoint in app.view_functions else None
            ),
            "current_locale": str(get_locale() or "vi"),
            "languages": app.config["LANGUAGES"],
        }


def _can(permission: str) -> bool:
    return bool(current_user.is_authenticated and current_user.can(permission))
