"""The linked-data tests drive the hub serving the seed catalog, like the API tests."""

from tests.hub.api.conftest import catalog_app, catalog_settings, client

__all__ = ["catalog_app", "catalog_settings", "client"]
