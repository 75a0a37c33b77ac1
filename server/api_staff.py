"""The JSON API for staff accounts and printers (admin console)."""
from .api import bp  # noqa: F401  (routes are added to the API blueprint)
