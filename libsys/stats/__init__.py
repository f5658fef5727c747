"""Statistics: the event log, indicators, plan targets and exports."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Statistics' API endpoints (indicators, activities) and the activities' pages."""
    from libsys.stats import api  # noqa: F401  (its endpoints join the API)

    # Activities (exhibitions, book talks...): their staff page and API endpoints.
    from libsys.stats.activities import api as activities_api  # noqa: F401
    from libsys.stats.activities import views as activities_views

    app.register_blueprint(activities_views.bp)
