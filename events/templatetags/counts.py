"""Counts in words: whether a number takes the singular, by the active language's rule."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def takes_singular(count):
    """Whether the active language says "``count`` <singular noun>": in French 0 and 1 do
    ("0 inscription"), in English only 1. Read from the catalogue's own plural rule."""
    # Translators: any two different words; only which of the two comes back matters.
    return ngettext("one", "several", count) == ngettext("one", "several", 1)
