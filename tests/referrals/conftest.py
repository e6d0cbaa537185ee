from tests.clients.conftest import pseudo_locale  # noqa: F401 (the fixture)
