"""Circulation: loans, holds, transfers, visits, fines, notices, policies, cards, accounts.

Each sub-package reads models -> services -> views (and api where it has endpoints):
loans/ (checkout, renewal, returns, the desk's screens, the reader panel), holds/,
transfers/, losses/ (lost, damaged, found copies), visits/ (visits and in-library use),
fines/, notices/, policies/ (rules and calendars), cards/ (reader cards), account/ (the
reader's OPAC account). desk.py holds the desk's blueprint, acting.py the library a page
or a call acts for, lookups.py the scans (copy by barcode, reader by card).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the desk and the other circulation pages, the API endpoints, `daily`, and
    what circulation adds to other domains: the reader's panel, the title's holds, the
    reader-card link and the checkin hooks."""
    from libsys.circulation import cli, desk
    from libsys.circulation.account import views as account_views
    from libsys.circulation.cards import views as card_views
    from libsys.circulation.fines import services as fines
    from libsys.circulation.holds import api as hold_api  # noqa: F401  (joins the API blueprint)
    from libsys.circulation.holds import views as hold_views
    from libsys.circulation.loans import api as loan_api  # noqa: F401
    from libsys.circulation.loans import reader_panel, returns
    from libsys.circulation.loans import views as loan_views  # noqa: F401  (joins desk.bp)
    from libsys.circulation.losses import views as loss_views
    from libsys.circulation.notices import views as notice_views
    from libsys.circulation.policies import views as policy_views  # noqa: F401  (desk.bp)
    from libsys.circulation.transfers import services as transfers
    from libsys.circulation.transfers import views as transfer_views
    from libsys.circulation.visits import api as visit_api  # noqa: F401
    from libsys.circulation.visits import in_library
    from libsys.circulation.visits import views as visit_views  # noqa: F401  (desk.bp)

    for module in (
        desk,
        card_views,
        in_library,
        loss_views,
        transfer_views,
        notice_views,
        account_views,
        hold_views,
    ):
        app.register_blueprint(module.bp)
    # templates/readers/show.html links to it: the card of a reader, in the desk's namespace.
    app.add_url_rule(
        "/staff/readers/<card_number>/card.pdf",
        endpoint="circulation.reader_card_pdf",
        view_func=card_views.reader_card_pdf,
    )
    app.cli.add_command(cli.circulation_group)
    app.extensions["libsys_record_holds"] = hold_views.record_holds
    reader_panel.register_reader_extensions()
    # CHECKIN_HOOKS is a process-wide list and tests build several apps: add each hook once.
    for hook in (transfers.follow_copy_on_checkin, fines.charge_on_checkin):
        if hook not in returns.CHECKIN_HOOKS:
            returns.CHECKIN_HOOKS.append(hook)
