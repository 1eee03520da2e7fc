"""django-csp's middleware, with the site's policy built once, not on every response.

django-csp 4 builds the Content-Security-Policy header from the settings on every response
(a copy of the directives, then the string): about a tenth of a millisecond per response, on
every page, twice per registration (``benchmarks/registration_burst.py``). The site's policy
is the same for every response that neither asks for a nonce nor carries its own directives
(``@csp_update``, ``@csp_replace``, ``@csp``): those are built once per process, and again when
a setting changes (tests). Every other response goes through django-csp as before.
"""

from functools import lru_cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_OWN_DIRECTIVES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_DEBUG_PAGES = (404, 500)  # django-csp leaves Django's debug pages without the header


@lru_cache(maxsize=2)
def site_policy(report_only):
    """The header's value for the site's own directives ("" when there are none)."""
    return build_policy(report_only=report_only)


@receiver(setting_changed)
def _forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _OWN_DIRECTIVES
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_PAGES and settings.DEBUG:
            return response
        for header, report_only, exempt in (
            (HEADER, False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            value = site_policy(report_only)
            if not value or header in response or getattr(response, exempt, False) is not False:
                continue
            config = getattr(
                settings,
                "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY",
                None,
            )
            excluded = tuple((config or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            if not request.path_info.startswith(excluded):
                response[header] = value
        # As django-csp: asking for a nonce once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
