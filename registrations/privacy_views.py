"""The registrant's rights at their management link: download their data, erase it."""

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from . import privacy, services
from .views import _open_link, forget_received


@never_cache
def download_data(request, token):
    registration, error_page = _open_link(request, token)
    if error_page:
        return error_page
    body = json.dumps(
        privacy.registration_data_export(registration), ensure_ascii=False, indent=2, default=str
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-intercotour.json"'
    return response


@never_cache
def erase(request, token):
    """GET: what erasure means, and a button; POST: cancel, then anonymise."""
    registration, error_page = _open_link(request, token)
    if error_page:
        return error_page
    if request.method == "POST":
        stop = registration.stop
        services.erase_registration(registration=registration)
        response = render(request, "registrations/erased.html", {"stop": stop})
        forget_received(response, stop)  # if this browser registered
        return response
    if request.method != "GET":
        return redirect("registrations:manage", token=token)
    return render(
        request,
        "registrations/erase.html",
        {"registration": registration, "stop": registration.stop, "token": token},
    )
