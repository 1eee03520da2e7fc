"""Registration form and self-service management at a signed link."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from events.http_cache import public_page
from events.models import Stop
from events.page_cache import SITE, versions
from intercotour.guards import form_guard

from . import certificates, form_page, my_tour_views, selectors, services, tasks, tickets
from .calendars import registration_calendar
from .forms import CancelForm, DetailsForm, FreshLinkForm, ModeForm, RegistrationForm, WorkshopsForm
from .models import Registration, WorkshopBooking
from .my_tour import prefilled_details
from .tokens import ExpiredToken, InvalidToken, day_is_over, registration_from_token


def _registration_decoy(request, slug):
    """What a bot that filled the honeypot sees: the same page as a person."""
    stop = get_object_or_404(Stop.objects.published(), slug=slug)
    return _registration_received(request, stop, request.POST.get("email", "")[:254])


@never_cache
@form_guard(group="registrations", decoy=_registration_decoy)
def register(request, slug):
    version = versions(SITE)  # once: the programme's rows and the cached form agree
    submitted = request.method == "POST"
    stop, workshops = form_page.registration_stop(slug, version, seats=not submitted)
    window = stop.registration_window()
    if window != "open":
        return render(
            request, "registrations/closed.html", {"stop": stop, "window": window}, status=403
        )
    if submitted:
        form = RegistrationForm(stop, request.POST, workshops=workshops, seat_labels=False)
        if form.is_valid():
            try:
                registration, created = services.register(stop=stop, **form.registration_details())
            except services.RegistrationError as error:
                form.add_error(error.field, error.message)
            except Stop.DoesNotExist:  # deleted since this process read the programme
                raise Http404 from None
            else:
                return _registration_received(
                    request, stop, form.cleaned_data["email"], registration if created else None
                )
        form_page.read_seats(stop, workshops)  # shown again: with the seats left now
        form.show_seats()
        return form_page.render_page(request, stop, form, status=400)
    # Signed in to "Mon parcours": the details of their latest registration, read
    # server-side from the session (never from the URL).
    email = my_tour_views.signed_in_email(request)
    if email:
        form = RegistrationForm(stop, initial=prefilled_details(email), workshops=workshops)
        return form_page.render_page(request, stop, form)
    return form_page.blank_form_page(request, stop, workshops, version)


# The thank-you page says where the confirmation went and, right after a registration, its
# outcome. What it may say travels in a signed cookie of the registrant's own browser (not in
# the URL, not in a server-side session): nothing is stored on the server for it. The cookie
# goes to the stop's thank-you page only (its path), for an hour, never to scripts.
RECEIVED_SALT = "registrations.received"
RECEIVED_SECONDS = 3600


def _received_cookie_name():
    # A secure cookie says so in its name (a plain-http page cannot set one that passes).
    return ("__Secure-" if settings.SESSION_COOKIE_SECURE else "") + "registration"


def _received_cookie_path(stop):
    return reverse("registrations:received", kwargs={"slug": stop.slug})


def _registration_received(request, stop, email, created=None):
    """Off to the thank-you page, with what it may say in a signed cookie.

    ``created``: the registration this request has just made. Only then does the page tell
    its outcome; an address already registered (or a bot's) gets the page that says "see the
    e-mail", which tells nothing of the existing registration to whoever typed the address.
    """
    page = _received_cookie_path(stop)  # the thank-you page, and the cookie's path
    response = HttpResponseRedirect(page)
    response.set_cookie(
        _received_cookie_name(),
        signing.dumps(
            {"email": email, "registration": created.pk if created else None},
            salt=RECEIVED_SALT,
            compress=True,
        ),
        max_age=RECEIVED_SECONDS,
        path=page,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def forget_received(response, stop):
    """Have the browser drop the thank-you page's cookie (it names the address)."""
    response.delete_cookie(
        _received_cookie_name(), path=_received_cookie_path(stop), samesite="Lax"
    )


def _received_details(request):
    """The e-mail and the registration id the cookie holds; ("", None) if it was forged."""
    try:
        details = signing.loads(
            request.COOKIES[_received_cookie_name()], salt=RECEIVED_SALT, max_age=RECEIVED_SECONDS
        )
    except (KeyError, signing.BadSignature, ValueError):
        return "", None
    if not isinstance(details, dict):
        return "", None
    email, registration_id = details.get("email"), details.get("registration")
    if not isinstance(registration_id, int) or isinstance(registration_id, bool):
        registration_id = None
    return (email if isinstance(email, str) else ""), registration_id


@never_cache
def received(request, slug):
    stop = get_object_or_404(Stop.objects.published(), slug=slug)
    email, registration_id = _received_details(request)
    outcome = selectors.registration_outcome(stop=stop, registration_id=registration_id)
    return render(
        request, "registrations/received.html", {"stop": stop, "email": email, "outcome": outcome}
    )


def _open_link(request, token, *, to_read=False):
    """The registration behind ``token``, or the page explaining why the link fails.

    ``to_read``: a page that changes nothing (the link also works after the day).
    """
    try:
        return registration_from_token(token, to_read=to_read), None
    except InvalidToken:
        page = render(
            request, "registrations/link_invalid.html", {"form": FreshLinkForm()}, status=404
        )
    except ExpiredToken as expired:
        page = render(
            request,
            "registrations/link_expired.html",
            {"stop": expired.registration.stop, "form": FreshLinkForm()},
            status=410,
        )
    return None, page


def _manage_page(request, registration, token, forms=None, status=200):
    forms = forms or {}
    context = {
        "registration": registration,
        "stop": registration.stop,
        "token": token,
        "bookings": registration.bookings.select_related("session").order_by("session__starts_at"),
        "workshops_form": forms.get("workshops") or WorkshopsForm(registration),
        "mode_form": forms.get("mode") or ModeForm(initial={"mode": registration.mode}),
        "details_form": forms.get("details") or DetailsForm(instance=registration),
        "cancel_form": forms.get("cancel") or CancelForm(),
        "can_change": registration.stop.registration_window() == "open",
        "day_over": day_is_over(registration.stop),
        "certificate_refusal": _certificate_refusal(registration),
    }
    return render(request, "registrations/manage.html", context, status=status)


@never_cache
def manage(request, token):
    registration, error_page = _open_link(request, token, to_read=True)
    if error_page:
        return error_page
    return _manage_page(request, registration, token)


def _manage_action(key, build_form, apply):
    """A management action: ``build_form(registration, data)``, then ``apply`` the change."""

    @never_cache
    def view(request, token):
        registration, error_page = _open_link(request, token)
        if error_page:
            return error_page
        if request.method != "POST":
            return redirect("registrations:manage", token=token)
        form = build_form(registration, request.POST)
        if form.is_valid():
            try:
                message = apply(registration, form)
            except services.RegistrationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, message)
                # "#top": the form posted to "…#<form>-errors"; without a fragment of its
                # own, the browser would keep that one through the redirect.
                return redirect(reverse("registrations:manage", kwargs={"token": token}) + "#top")
        return _manage_page(request, registration, token, {key: form}, status=400)

    return view


def _apply_workshops(registration, form):
    services.change_workshops(
        registration=registration,
        workshops=form.chosen_workshops(),
        accept_waiting_list=form.cleaned_data["accept_waiting_list"],
    )
    return _("Your workshop choice has been saved. A summary has been sent by e-mail.")


def _quoted_list(titles):
    """« A », « B » et « C »."""
    return get_text_list([_("“%(title)s”") % {"title": title} for title in titles], _("and"))


def _apply_mode(registration, form):
    mode = form.cleaned_data["mode"]
    going_online = mode == Registration.Mode.ONLINE and registration.mode != mode
    # Workshops are in person only: going online releases their seats and waiting lists.
    bookings = list(registration.bookings.select_related("session")) if going_online else []
    services.switch_mode(
        registration=registration,
        mode=mode,
        accept_waiting_list=form.cleaned_data["accept_waiting_list"],
    )
    seated = [b.session.title for b in bookings if b.status == WorkshopBooking.Status.CONFIRMED]
    waited = [b.session.title for b in bookings if b.status == WorkshopBooking.Status.WAITING]
    if not (seated or waited):
        return _("Your attendance has been changed. A summary has been sent by e-mail.")
    said = [_("You now follow the day online.")]
    if seated:
        said.append(
            ngettext(
                "Your place in the workshop %(workshops)s has been released.",
                "Your places in the workshops %(workshops)s have been released.",
                len(seated),
            )
            % {"workshops": _quoted_list(seated)}
        )
    if waited:
        said.append(
            ngettext(
                "You have left the waiting list of the workshop %(workshops)s.",
                "You have left the waiting lists of the workshops %(workshops)s.",
                len(waited),
            )
            % {"workshops": _quoted_list(waited)}
        )
    said.append(_("A summary has been sent by e-mail."))
    return " ".join(said)


def _apply_details(registration, form):
    services.update_details(
        registration=registration,
        **{name: form.cleaned_data[name] for name in DetailsForm.Meta.fields},
    )
    return _("Your details have been updated.")


def _apply_cancel(registration, form):
    services.cancel_registration(registration=registration)
    return _("Your registration has been cancelled. A confirmation has been sent by e-mail.")


change_workshops = _manage_action("workshops", WorkshopsForm, _apply_workshops)
change_mode = _manage_action("mode", lambda registration, data: ModeForm(data), _apply_mode)
change_details = _manage_action(
    "details", lambda registration, data: DetailsForm(data, instance=registration), _apply_details
)
cancel = _manage_action("cancel", lambda registration, data: CancelForm(data), _apply_cancel)


@never_cache
def personal_calendar(request, token):
    registration, error_page = _open_link(request, token, to_read=True)
    if error_page:
        return error_page
    response = HttpResponse(
        registration_calendar(registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mon-intercotour.ics"'
    return response


@never_cache
def ticket(request, token):
    """The ticket's QR code as a PNG file, to keep on a phone or print."""
    registration, error_page = _open_link(request, token, to_read=True)
    if error_page:
        return error_page
    over = registration.stop.date < timezone.localdate()
    if over or not registration.holds_in_person_place:
        context = {"token": token, "over": over}
        return render(request, "registrations/no_ticket.html", context, status=404)
    response = HttpResponse(tickets.ticket_png(registration), content_type="image/png")
    response["Content-Disposition"] = 'attachment; filename="billet-intercotour.png"'
    return response


def _certificate_refusal(registration):
    """Why ``registration`` has no certificate now, or None when it has one."""
    try:
        certificates.check_issuable(registration)
    except certificates.CertificateRefused as refusal:
        return refusal.message
    return None


@never_cache
def certificate(request, token):
    """The attendance certificate's PDF, or a French page saying why there is none."""
    registration, error_page = _open_link(request, token, to_read=True)
    if error_page:
        return error_page
    refusal = _certificate_refusal(registration)
    if refusal:
        return render(
            request,
            "registrations/certificate_refused.html",
            {
                "registration": registration,
                "stop": registration.stop,
                "token": token,
                "reason": refusal,
            },
            status=403,
        )
    response = HttpResponse(certificates.render_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{certificates.filename(registration)}"'
    )
    return response


@never_cache
def certificate_check(request, code):
    """The public page a certificate's QR code opens: name, day, valid; nothing more."""
    registration = certificates.registration_from_code(code)
    if registration is None:
        return render(request, "registrations/certificate_invalid.html", status=404)
    return render(
        request,
        "registrations/certificate_check.html",
        {"registration": registration, "stop": registration.stop},
    )


def _fresh_link_sent(request):
    return render(
        request,
        "registrations/fresh_link_sent.html",
        {"email": request.POST.get("email", "")[:254]},
    )


@never_cache
@form_guard(group="registrations", decoy=lambda request: _fresh_link_sent(request))
def fresh_link(request):
    """Send fresh management links to an e-mail address; the answer never tells if it is known.

    The request only enqueues the lookup (``tasks.send_fresh_links``): a known address and an
    unknown one cost the same queries and the same time.
    """
    if request.method == "POST":
        form = FreshLinkForm(request.POST)
        if form.is_valid():
            tasks.send_fresh_links.enqueue(form.cleaned_data["email"])
            return _fresh_link_sent(request)
        return render(request, "registrations/fresh_link.html", {"form": form}, status=400)
    return render(request, "registrations/fresh_link.html", {"form": FreshLinkForm()})


@public_page(lambda: versions(SITE))
def privacy(request):
    return render(request, "registrations/privacy.html")
