"""The blank registration form, rendered once and filled in on each request.

The form page is what every visitor loads before registering, many at once when a stop
opens. It is the same for everyone but for three things: the CSRF token, the in-person places
left and each workshop's seats left, which change with every registration. So the page is
rendered once per content version and language (``events.page_cache.cached_html``, the key
also says whether the day is full, which changes the preselected attendance) with markers in
place of those values, and each request fills them in from the seat counters.

The stop and its workshops, as the form shows them, change only with the programme: each
process reads them once per programme version (``registration_stop``), and each load of the
form reads only the seat counters, in one query. A submission does not read them: the
registration service reads them under lock; they are read only to show the form again.

A page with errors or with details prefilled from "Mon parcours" is rendered as usual.
"""

import re

from django.db import connection
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import ngettext

from events.models import Session, Stop
from events.page_cache import cached_html, cached_objects

from .forms import RegistrationForm, seats_left_text

# Brackets no title uses, around a part derived from the secret key, so that no text typed by
# an organiser can pass for a marker. Every process computes the same one: a page rendered by
# one worker is filled in by the others, from the shared cache.
_NONCE = salted_hmac("registrations.form_page", "marker").hexdigest()[:12]
_MARK = re.compile(rf"⟦{_NONCE}:(csrf|places|seats:(\d+))⟧")


def _mark(name):
    return f"⟦{_NONCE}:{name}⟧"


def _load_stop(slug):
    stop = Stop.objects.published().filter(slug=slug).first()
    if stop is None:
        return None
    return stop, list(stop.sessions.workshops().order_by("starts_at", "pk"))


def registration_stop(slug, version, *, seats=True):
    """The published stop ``slug`` and its workshops, with their seats as they are now.

    ``version``: ``versions(SITE)`` as the request read it once, for these rows and for the
    cached form alike (read twice, the second read could see an edit the first did not, and
    store a form of the old programme under the new version). Raises Http404 when no
    published stop has that slug (not kept: a made-up slug costs a query, never memory). The
    seat counters are read in one query on each call, unless ``seats`` is false (a
    submission: ``read_seats`` when the form is shown again).
    """
    found = cached_objects(f"registration-stop:{slug}", version, lambda: _load_stop(slug))
    if found is None:
        raise Http404
    stop, workshops = found
    if seats:
        read_seats(stop, workshops)
    return stop, workshops


def read_seats(stop, workshops):
    """Set the stop's and its workshops' capacity and seats taken from the database.

    One plain query, written out: it runs on every load of the form, and the ORM took three
    times as long to build it as PostgreSQL to answer it (0.55 ms against 0.18 ms a query,
    ``benchmarks/registration_burst.py``'s machine).
    """
    quote = connection.ops.quote_name
    sql = (
        f"SELECT 0, {quote('capacity')}, {quote('seats_taken')} "
        f"FROM {quote(Stop._meta.db_table)} WHERE {quote('id')} = %s"
    )
    if workshops:
        sql += (
            f" UNION ALL SELECT {quote('id')}, {quote('capacity')}, {quote('seats_taken')} "
            f"FROM {quote(Session._meta.db_table)} "
            f"WHERE {quote('id')} IN ({', '.join(['%s'] * len(workshops))})"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [stop.pk, *(workshop.pk for workshop in workshops)])
        counts = {pk: (capacity, taken) for pk, capacity, taken in cursor.fetchall()}
    if 0 not in counts:  # deleted since this process read the programme
        raise Http404
    stop.capacity, stop.seats_taken = counts[0]
    for workshop in workshops:
        # A workshop deleted since the programme was read: shown full; booking it is refused.
        workshop.capacity, workshop.seats_taken = counts.get(workshop.pk, (0, 0))


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


def _render_blank(request, stop, workshops):
    form = RegistrationForm(
        stop, workshops=workshops, seat_marks=lambda workshop: _mark(f"seats:{workshop.pk}")
    )
    return _render(request, stop, form, _mark("places"), csrf_token=_mark("csrf"))


def blank_form_page(request, stop, workshops, version):
    """The registration form of ``stop``, empty, for ``request``: ``stop``, ``workshops`` and
    ``version`` as ``registration_stop`` was given and gave them."""
    html = cached_html(
        # The markers' part in the key: a page rendered with other markers (another secret
        # key) is never filled in with these.
        f"register:{stop.slug}:{'full' if stop.is_full else 'open'}:{_NONCE}",
        version,
        lambda: _render_blank(request, stop, workshops),
    )
    seats = {workshop.pk: workshop.seats_left for workshop in workshops}
    token = get_token(request)

    def fill(match):
        name = match.group(1)
        if name == "csrf":
            return token
        if name == "places":
            return escape(places_left_text(stop.places_left))
        return escape(seats_left_text(seats.get(int(match.group(2)))))

    return HttpResponse(_MARK.sub(fill, html))
