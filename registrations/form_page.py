"""The blank registration form, rendered once and filled in on each request.

The form page is what every visitor loads before registering, many at once when a stop
opens. It is the same for everyone but for three things: the CSRF token, the in-person places
left and each workshop's seats left, which change with every registration. So the page is
rendered once per content version and language (``events.page_cache.cached_html``, the key
also says whether the day is full, which changes the preselected attendance) with markers in
place of those values, and each request fills them in from one query on the seat counters.

A page with errors or with details prefilled from "Mon parcours" is rendered as usual.
"""

import re

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import ngettext

from events.models import Session
from events.page_cache import SITE, cached_html, versions

from .forms import RegistrationForm, seats_left_text

# Brackets no title uses, around a part derived from the secret key, so that no text typed by
# an organiser can pass for a marker. Every process computes the same one: a page rendered by
# one worker is filled in by the others, from the shared cache.
_NONCE = salted_hmac("registrations.form_page", "marker").hexdigest()[:12]
_MARK = re.compile(rf"⟦{_NONCE}:(csrf|places|seats:(\d+))⟧")


def _mark(name):
    return f"⟦{_NONCE}:{name}⟧"


def places_left_text(left):
    return ngettext("%(left)s in-person place left.", "%(left)s in-person places left.", left) % {
        "left": left
    }


def _render(request, stop, form, places_left, **extra):
    context = {"stop": stop, "form": form, "prefilled": form.initial, "places_left": places_left}
    return render_to_string("registrations/register.html", {**context, **extra}, request)


def render_page(request, stop, form, *, status=200):
    html = _render(request, stop, form, places_left_text(stop.places_left))
    return HttpResponse(html, status=status)


def _render_blank(request, stop):
    form = RegistrationForm(stop, seat_marks=lambda workshop: _mark(f"seats:{workshop.pk}"))
    return _render(request, stop, form, _mark("places"), csrf_token=_mark("csrf"))


def blank_form_page(request, stop):
    """The registration form of ``stop``, empty, for ``request``."""
    html = cached_html(
        # The markers' part in the key: a page rendered with other markers (another secret
        # key) is never filled in with these.
        f"register:{stop.slug}:{'full' if stop.is_full else 'open'}:{_NONCE}",
        versions(SITE),
        lambda: _render_blank(request, stop),
    )
    seats = {}
    if f"⟦{_NONCE}:seats:" in html:  # a workshop's marker
        seats = {
            session.pk: session.seats_left
            for session in Session.objects.filter(stop=stop)
            .workshops()
            .only("pk", "capacity", "seats_taken")
        }
    token = get_token(request)

    def fill(match):
        name = match.group(1)
        if name == "csrf":
            return token
        if name == "places":
            return escape(places_left_text(stop.places_left))
        return escape(seats_left_text(seats.get(int(match.group(2)))))

    return HttpResponse(_MARK.sub(fill, html))
