"""Registration of the circulation pages around the desk: cards, reading room, copy status,
transfers, notices, the reader's account, and the daily command."""

from flask import Flask

from libsys.modules import import_optional

EXTRA_BLUEPRINT_MODULES = (
    "libsys.circulation.cards",
    "libsys.circulation.inhouse",
    "libsys.circulation.losses",
    "libsys.circulation.transfer_views",
    "libsys.circulation.notice_views",
    "libsys.circulation.account",
)


def init_extras(app: Flask) -> None:
    """Register the blueprints, the reader-card endpoint, the checkin hook and `daily`."""
    from libsys.circulation import cards, daily, fines, transfers

    for name in EXTRA_BLUEPRINT_MODULES:
        module = import_optional(name)
        blueprint = getattr(module, "bp", None)
        if blueprint is not None and blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    # templates/readers/show.html links to circulation.reader_card_pdf: the endpoint lives
    # in the desk's namespace whether or not its blueprint is registered yet.
    if "circulation.reader_card_pdf" not in app.view_functions:
        app.add_url_rule(
            "/staff/readers/<card_number>/card.pdf",
            endpoint="circulation.reader_card_pdf",
            view_func=cards.reader_card_pdf,
        )
    services = import_optional("libsys.circulation.services")
    hooks = getattr(services, "CHECKIN_HOOKS", None)
    for hook in (transfers.follow_copy_on_checkin, fines.charge_on_checkin):
        if hooks is not None and hook not in hooks:
            hooks.append(hook)
    daily.init_app(app)
