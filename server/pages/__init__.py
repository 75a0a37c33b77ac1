"""Server-rendered pages: home and login, kiosk, front desk, counter, hotline, the admin console, accounts.
Their scripts and styles are in static/ beside them (the app's /static)."""


def register(app):
    """The pages' blueprints, on the app."""
    from server.pages import admin_media  # noqa: F401
    from server.pages import (account, admin, admin_procedures, admin_records, admin_reports, counter,  # noqa: F401
                              desk, guides, hotline, kiosk, kiosk_search, pairing, public)
    for module in (public, kiosk, desk, counter, admin, hotline, account, pairing):
        app.register_blueprint(module.bp)
    app.register_blueprint(guides.bp)
    from server.pages import rating
    app.register_blueprint(rating.bp)
    from server.pages import lookup
    app.register_blueprint(lookup.bp)
