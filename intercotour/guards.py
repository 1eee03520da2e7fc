"""The guard of public forms: a rate limit per client address and a honeypot field.

``@form_guard(group=..., decoy=...)`` wraps a view. A POST over the rate limit gets the French
"too many requests" page (429) and reaches no view; a POST whose hidden honeypot field is
filled (bots fill every field) gets ``decoy(request, *args, **kwargs)``, the same answer a
person would see, and nothing is saved or sent.
"""

import logging
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from intercotour.client_ip import client_ip

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"


def client_address(group, request):
    return client_ip(request)


def rate_limited(request, group):
    """Whether this client address went over ``REGISTRATION_RATE_LIMIT`` (counts POSTs)."""
    rate = settings.REGISTRATION_RATE_LIMIT
    if not rate:
        return False
    try:
        return is_ratelimited(
            request, group=group, key=client_address, rate=rate, method="POST", increment=True
        )
    except Exception:  # noqa: BLE001 - cache unreachable: fail open, the form goes on
        logger.warning("Rate limit skipped: the cache is unreachable.", exc_info=True)
        return False


def form_guard(*, group, decoy):
    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.method == "POST":
                if rate_limited(request, group):
                    return render(request, "429.html", status=429)
                if request.POST.get(HONEYPOT_FIELD):
                    logger.info("Honeypot filled on %s; nothing done.", request.path)
                    return decoy(request, *args, **kwargs)
            return view(request, *args, **kwargs)

        return guarded

    return decorator
