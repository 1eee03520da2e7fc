"""Attendance certificates ("attestations de présence"): who gets one, its PDF, its code.

A certificate is issued to a registration that was checked in at the desk, is not cancelled,
and whose day is over. Its PDF is rendered by WeasyPrint from an HTML template, with a short
verification address and a QR code (drawn by segno, embedded: WeasyPrint fetches nothing from
the network). The verification code is a short Django signature, with its own salt, of the
registration's id: a tampered code does not verify.
"""

import io
import re
import zipfile

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Registration
from .tokens import day_is_over

CODE_SALT = "registrations.certificate"
STYLESHEET = "css/certificate.css"
_SIGNATURE_LENGTH = 16  # base64 characters: 96 bits of HMAC-SHA256, ample for a public check


class CertificateRefused(Exception):
    """No certificate for this registration; ``message`` says why, in the user's language."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def check_issuable(registration, *, now=None):
    """Raise CertificateRefused unless ``registration`` may have its certificate now."""
    if registration.status == Registration.Status.CANCELLED:
        raise CertificateRefused(
            _("This registration is cancelled: no attendance certificate can be issued.")
        )
    if registration.checked_in_at is None:
        raise CertificateRefused(
            _(
                "No arrival was recorded at the welcome desk for this registration: attendance "
                "certificates are issued only to people checked in on the day."
            )
        )
    if not day_is_over(registration.stop, now):
        stop = registration.stop
        raise CertificateRefused(
            _(
                "The attendance certificate will be available once the day is over, from "
                "%(time)s on %(date)s."
            )
            % {"time": time_format(stop.end_time), "date": date_format(stop.date)}
        )


class _ShortSigner(signing.Signer):
    """Django's signer, its signature cut short so that the address stays easy to type."""

    def signature(self, value, key=None):
        return super().signature(value, key)[:_SIGNATURE_LENGTH]


_signer = _ShortSigner(salt=CODE_SALT, sep=".")


def verification_code(registration):
    return _signer.sign(_base36(registration.pk))


def registration_from_code(code):
    """The certified registration a code names, or None (tampered, unknown, not certifiable)."""
    try:
        pk = int(_signer.unsign(code), 36)
    except (signing.BadSignature, ValueError):
        return None
    registration = Registration.objects.select_related("stop").filter(pk=pk).first()
    if registration is None:
        return None
    try:
        check_issuable(registration)
    except CertificateRefused:
        return None
    return registration


def stop_certificates(stop):
    """The registrations of ``stop`` that have a certificate, in alphabetical order."""
    return (
        Registration.objects.certifiable()
        .filter(stop=stop)
        .select_related("stop", "stop__tour")
        .order_by("last_name", "first_name", "pk")
    )


def verification_url(registration):
    return settings.SITE_URL + reverse(
        "registrations:certificate_check", args=[verification_code(registration)]
    )


def _base36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def filename(registration):
    name = slugify(f"{registration.last_name} {registration.first_name}") or "participant"
    return f"attestation-{registration.stop.date:%Y%m%d}-{name}-{registration.pk}.pdf"


def render_pdf(registration):
    """The certificate's PDF as bytes, in French."""
    import segno
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Embedded data only: never the network nor the file system.
    no_network = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)

    url = verification_url(registration)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "registrations/certificate.html",
            {
                "registration": registration,
                "stop": registration.stop,
                "verification_url": url,
                "verification_display": re.sub(r"^https?://", "", url),
                "qr_code": segno.make(url, error="m").svg_data_uri(scale=4, border=0),
            },
        )
    stylesheet = CSS(filename=finders.find(STYLESHEET), url_fetcher=no_network)
    return HTML(string=html, url_fetcher=no_network).write_pdf(stylesheets=[stylesheet])


def zip_archive(registrations):
    """A ZIP archive (bytes) of one PDF per registration; returns ``(archive, count)``."""
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for registration in registrations:
            archive.writestr(filename(registration), render_pdf(registration))
            count += 1
    return buffer.getvalue(), count
