"""The JSON API under /api/v1, by resource, and its OpenAPI description."""


def register(app):
    """Every resource adds its routes to the API's blueprint when imported; then the app takes them all."""
    from server.api import (appointments, devices, dossiers, media, office, office_calendar,  # noqa: F401
                            office_transfer, overview, pairing, personal_data, procedures, ratings, removal, reports,
                            sms_gateway, staff, ticketing)
    from server.api.blueprint import bp
    app.register_blueprint(bp)
