import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    from events import http_cache, page_cache

    cache.clear()
    page_cache._local.clear()
    http_cache._local.clear()
    yield
    cache.clear()
    page_cache._local.clear()
    http_cache._local.clear()


@pytest.fixture
def demo_stop(db):
    """The demo tour as `load_demo` loads it; returns the past Montpellier stop."""
    from demo.data import MONTPELLIER_SLUG, load_demo
    from events.models import Stop

    load_demo()
    return Stop.objects.get(slug=MONTPELLIER_SLUG)
