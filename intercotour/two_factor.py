"""Two-factor authentication for staff (django-otp TOTP), on top of the admin's password login.

Why a middleware rather than django-otp's ``OTPAdminSite``: the admin keeps its ordinary login
page (throttled by django-axes), and a staff member who has no authenticator app yet can still
sign in with the password, then is taken to the enrolment page instead of being shut out. When
``STAFF_REQUIRE_2FA`` is on, a signed-in staff member whose session is not verified with a code
reaches no admin page: they are sent to enrol (no confirmed device) or to type a code.
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

# Admin pages a staff member must reach before the second factor.
_OPEN = {"admin:login", "admin:logout", "two_factor_enrol", "two_factor_verify"}


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.STAFF_REQUIRE_2FA:
            return None
        match = request.resolver_match
        if match.view_name in _OPEN or "admin" not in match.namespaces:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        step = "two_factor_verify" if _confirmed_device(user) else "two_factor_enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def _confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not (token.isdecimal() and self.device.verify_token(token)):
            raise forms.ValidationError(
                _(
                    "This code is not the right one. Check that your phone's clock is on time "
                    "and type the code it shows now."
                ),
                code="invalid",
            )
        return token


def _next(request):
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _staff_only(view):
    return never_cache(login_required(view, login_url="admin:login"))


def _render(request, template, context):
    context = {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,  # its links lead here until the code is given
        "next": _next(request),
        **context,
    }
    return TemplateResponse(request, template, context)


@_staff_only
def enrol(request):
    """Show a QR code for a new TOTP device; the first correct code confirms it."""
    if not request.user.is_staff:
        return redirect("admin:login")
    if _confirmed_device(request.user):
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next(request)})}")
    # The first unconfirmed device (two tabs opened at once may have made two: no error).
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, confirmed=False, name="Application")
    form = TokenForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, _("Two-factor authentication is on for your account."))
        return redirect(_next(request))
    qr = segno.make(device.config_url, error="m")
    return _render(
        request,
        "admin/two_factor/enrol.html",
        {
            "title": _("Set up two-factor authentication"),
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, border=2, title=_("QR code to scan")),
            "secret": _base32(device),
        },
    )


@_staff_only
def verify(request):
    """Ask a staff member with a device for the code of the moment."""
    device = _confirmed_device(request.user)
    if device is None or not request.user.is_staff:
        return redirect("admin:login")
    form = TokenForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next(request))
    return _render(
        request,
        "admin/two_factor/verify.html",
        {"title": _("Two-factor authentication"), "form": form},
    )


def _base32(device):
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
