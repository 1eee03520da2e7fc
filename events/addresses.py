"""Public addresses of the site's pages, from ``SITE_URL``, whatever host a request came on.

Cached pages and calendars are the same for every visitor, so they never use the request's
host: a page first asked for on an internal name would otherwise hand that name to everyone.
"""

from django.conf import settings


def absolute(path):
    """``/x/`` → ``https://site/x/``."""
    return settings.SITE_URL + path


def webcal(path):
    """``/x.ics`` → ``webcal://site/x.ics``: the same path, which calendar apps subscribe to."""
    return "webcal://" + absolute(path).split("://", 1)[1]
