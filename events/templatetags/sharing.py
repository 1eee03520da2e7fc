"""Absolute addresses for sharing and calendars, and a stop's schema.org data."""

from django import template
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from events import addresses, structured_data

register = template.Library()


@register.filter
def absolute(path):
    """``/x/`` → ``https://site/x/``, from ``SITE_URL``, whatever host the page was asked on."""
    return addresses.absolute(path)


@register.filter
def webcal(path):
    """``/x.ics`` → ``webcal://site/x.ics``: calendar apps subscribe to it."""
    return addresses.webcal(path)


@register.simple_tag
def absolute_static(path):
    return addresses.absolute(static(path))


@register.simple_tag
def stop_json_ld(stop, registration_state):
    """The stop's schema.org ``Event`` as JSON-LD, safe inside its script element."""
    data = structured_data.stop_event(stop, registration_state)
    return mark_safe(structured_data.json_ld(data))  # noqa: S308 - escaped by json_ld()
