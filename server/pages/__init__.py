"""Server-rendered pages: home and login, kiosk, front desk, counter, hotline, the admin console, accounts, and
the citizens' public pages (a file's status, a procedure's guide, the rating tablet).
Their scripts and styles are in static/ beside them (the app's /static)."""


def register(app):
    """The pages' blueprints, on the app (modules that add routes to another's blueprint are imported too)."""
    from server.pages import (account, admin, admin_media, admin_procedures, admin_records, admin_reports,  # noqa: F401
                              counter, desk, guides, hotline, kiosk, kiosk_search, lookup, pairing, public, rating)
    for module in (public, kiosk, desk, counter, admin, hotline, account, pairing, guides, rating, lookup):
        app.register_blueprint(module.bp)
