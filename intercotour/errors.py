"""Error pages that Django does not render from a template of ours by default."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults


def csrf_failure(request, reason=""):
    """A form sent without its security token (cookies blocked, page too old): in French."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


API_PREFIX = "/api/"


def bad_request(request, exception=None):
    """The French 400 page; for the read API, the same answer in its JSON error format."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": gettext("The request could not be read: nothing was done.")}, status=400
        )
    return defaults.bad_request(request, exception)
