"""Statistics: the event log, indicators, plan targets and exports."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Statistics' API endpoints (indicators, activities), the dashboard, the activities'
    pages and `libsys stats`."""
    from libsys.stats import api, cli  # noqa: F401  (its endpoints join the API)
    from libsys.stats import views as dashboard_views

    app.cli.add_command(cli.stats_group)
    app.register_blueprint(dashboard_views.bp)

    # Activities (exhibitions, book talks...): their staff page and API endpoints.
    from libsys.stats.activities import api as activities_api  # noqa: F401
    from libsys.stats.activities import views as activities_views

    app.register_blueprint(activities_views.bp)

    # Exports (monthly statistics, 6-month and annual reports) as background jobs.
    from libsys.stats.exports import views as exports_views

    app.register_blueprint(exports_views.bp)

    # Plans and their targets: entered, corrected and deleted by managers.
    from libsys.stats.targets import views as targets_views

    app.register_blueprint(targets_views.bp)
