from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Cached public pages are versioned by counters in the cache: it must be shared."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PROCESS_LOCAL_CACHES:
        return [
            checks.Warning(
                f"The default cache ({backend}) is private to each process.",
                hint="Set CACHE_URL to a shared cache (e.g. rediscache://127.0.0.1:6379/1): "
                "public pages cached by one server process would not see edits made in "
                "another.",
                id="intercotour.W001",
            )
        ]
    return []
