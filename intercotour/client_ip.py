"""The address of the client that sent a request, as far as the trusted proxies say.

With ``TRUSTED_PROXY_COUNT = 0`` clients reach gunicorn directly: the address is the
connection's (``REMOTE_ADDR``) and any ``X-Forwarded-For`` is the client's own words, ignored.
Behind N trusted proxies, each one appends the address it received the request from to
``X-Forwarded-For``; with the last proxy's own address (``REMOTE_ADDR``) appended as the
final hop, the client is the hop N places from the right. Whatever stands further left was
written by the client and is never used.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = _address(request.META.get("REMOTE_ADDR", "")) or ""
    trusted = settings.TRUSTED_PROXY_COUNT
    if not trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + [remote]
    # A chain shorter than the proxies is a request that skipped some of them: the
    # left-most hop is then the best guess (gunicorn must not be reachable directly).
    hop = hops[max(len(hops) - 1 - trusted, 0)]
    return _address(hop) or remote


def _address(value):
    """The normalised IP address in ``value``, or None when it holds none."""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
