"""``{% ticket_qr registration %}``: the QR code ticket, as inline SVG (no style attribute)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..tickets import ticket_svg

register = template.Library()


@register.simple_tag
def ticket_qr(registration):
    # segno's own markup: presentation attributes only, nothing from the registrant.
    return mark_safe(ticket_svg(registration, title=_("Your ticket: show it at the welcome desk")))  # noqa: S308
