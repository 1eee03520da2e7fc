"""'Mon parcours' at /mon-parcours/: sign-in by e-mailed link, then one's registrations."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from intercotour.guards import form_guard

from . import sign_in as attendee_sign_in
from .forms import FreshLinkForm
from .models import AttendeeSignIn
from .my_tour import my_tour

SESSION_KEY = "attendee_sign_in_id"
SESSION_SECONDS = 60 * 60  # an idle attendee is signed out after an hour


def signed_in_email(request):
    """The e-mail address signed in to "Mon parcours" in this session, or None."""
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    sign_in = AttendeeSignIn.objects.filter(pk=pk).only("email").first()
    return sign_in.email if sign_in else None


def attendee_required(view):
    @wraps(view)
    @never_cache
    def wrapped(request, *args, **kwargs):
        email = signed_in_email(request)
        if email is None:
            messages.info(request, _("Please sign in: your session has ended or never began."))
            return redirect("registrations:tour_home")
        request.session.set_expiry(SESSION_SECONDS)  # sliding: counts from the last visit
        return view(request, email, *args, **kwargs)

    return wrapped


def _link_sent(request):
    email = request.POST.get("email", "")[:254]
    return render(request, "registrations/my_tour/link_sent.html", {"email": email})


@never_cache
@form_guard(group="attendee-sign-in", decoy=_link_sent)
def home(request):
    if signed_in_email(request):
        return redirect("registrations:my_tour")
    form = FreshLinkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            attendee_sign_in.send_sign_in_link(email=form.cleaned_data["email"])
            return _link_sent(request)
        status = 400
    return render(request, "registrations/my_tour/home.html", {"form": form}, status=status)


@never_cache
def sign_in(request, token):
    """GET shows a button (mail scanners that open links must not use them up); POST signs in."""
    if request.method == "POST":
        try:
            row = attendee_sign_in.use_token(token)
        except (attendee_sign_in.InvalidLink, attendee_sign_in.ExpiredLink) as error:
            return _link_failed(request, error)
        request.session.cycle_key()
        request.session[SESSION_KEY] = row.pk
        request.session.set_expiry(SESSION_SECONDS)
        return redirect("registrations:my_tour")
    try:
        attendee_sign_in.check_token(token)
    except (attendee_sign_in.InvalidLink, attendee_sign_in.ExpiredLink) as error:
        return _link_failed(request, error)
    return render(request, "registrations/my_tour/sign_in.html", {"token": token})


def _link_failed(request, error):
    expired = isinstance(error, attendee_sign_in.ExpiredLink)
    return render(
        request,
        "registrations/my_tour/link_failed.html",
        {"expired": expired, "form": FreshLinkForm()},
        status=410 if expired else 400,
    )


@attendee_required
def page(request, email):
    return render(
        request, "registrations/my_tour/page.html", {"email": email, "tour": my_tour(email)}
    )


@require_POST
def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    messages.info(request, _("You are signed out."))
    return redirect("registrations:tour_home")
