"""Circulation: policies, calendars, loans, holds, visits, transfers, notices, reader cards."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the desk and the other circulation pages, the API endpoints, `daily`, and
    what circulation adds to other domains: the reader's panel, the title's holds, the
    reader-card link and the checkin hooks."""
    from libsys.circulation import (
        account,
        api,  # noqa: F401  (its endpoints join the API blueprint)
        cards,
        daily,
        fines,
        hold_views,
        inhouse,
        losses,
        notice_views,
        panels,
        services,
        transfer_views,
        transfers,
        views,
    )

    for module in (
        views,
        cards,
        inhouse,
        losses,
        transfer_views,
        notice_views,
        account,
        hold_views,
    ):
        app.register_blueprint(module.bp)
    # templates/readers/show.html links to it: the card of a reader, in the desk's namespace.
    app.add_url_rule(
        "/staff/readers/<card_number>/card.pdf",
        endpoint="circulation.reader_card_pdf",
        view_func=cards.reader_card_pdf,
    )
    app.cli.add_command(daily.circulation_group)
    app.extensions["libsys_record_holds"] = hold_views.record_holds
    panels.register_reader_extensions()
    # CHECKIN_HOOKS is a process-wide list and tests build several apps: add each hook once.
    for hook in (transfers.follow_copy_on_checkin, fines.charge_on_checkin):
        if hook not in services.CHECKIN_HOOKS:
            services.CHECKIN_HOOKS.append(hook)
