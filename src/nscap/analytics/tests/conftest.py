import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """Records built by factories bypass the write path, so no data version is bumped: each test
    starts with an empty cache (the version's own test goes through the services)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
