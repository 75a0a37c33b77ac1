"""The JSON API under /api/v1, by resource, and its OpenAPI description."""


def register(app):
    """Every resource adds its routes to the API's blueprint when imported; then the app takes them all."""
    from server.api import appointments, devices, office, office_calendar, personal_data, staff, ticketing  # noqa: F401
    from server.api import removal  # noqa: F401
    from server.api import pairing  # noqa: F401
    from server.api import sms_gateway  # noqa: F401
    from server.api.blueprint import bp
    app.register_blueprint(bp)
