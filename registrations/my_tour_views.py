"""'Mon parcours' at /mon-parcours/: sign-in by e-mailed link, then one's registrations."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercotour.link_sign_in import LinkSignIn

from . import sign_in as attendee_sign_in
from .forms import FreshLinkForm
from .models import AttendeeSignIn
from .my_tour import my_tour

SESSION_KEY = "attendee_sign_in_id"


def signed_in_email(request):
    """The e-mail address signed in to "Mon parcours" in this session, or None."""
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    sign_in = AttendeeSignIn.objects.filter(pk=pk).only("email").first()
    return sign_in.email if sign_in else None


SIGN_IN = LinkSignIn(
    session_key=SESSION_KEY,
    templates="registrations/my_tour",
    home_url="registrations:tour_home",
    signed_in_url="registrations:my_tour",
    guard_group="attendee-sign-in",
    form_class=FreshLinkForm,
    send_link=attendee_sign_in.send_sign_in_link,
    check_token=attendee_sign_in.check_token,
    use_token=attendee_sign_in.use_token,
    signed_in=signed_in_email,
)
attendee_required = SIGN_IN.required
home = SIGN_IN.home_view()
sign_in = SIGN_IN.sign_in_view()


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
