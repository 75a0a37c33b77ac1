"""The JSON API under /api/v1, by resource, and its OpenAPI description."""


def register(app):
    """Every resource adds its routes to the API's blueprint when imported; then the app takes them all."""
    from server.api import (appointments, devices, office, office_calendar, office_transfer, pairing,  # noqa: F401
                            personal_data, removal, sms_gateway, staff, ticketing)
    from server.api import reports  # noqa: F401
    from server.api import ratings  # noqa: F401
    from server.api import media  # noqa: F401
    from server.api import dossiers  # noqa: F401
    from server.api import procedures  # noqa: F401
    from server.api import overview  # noqa: F401
    from server.api.blueprint import bp
    app.register_blueprint(bp)
