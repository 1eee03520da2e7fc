from django import template

from events import typography
from intercotour.french import colon as label_colon

register = template.Library()


@register.filter(is_safe=True)
def french_spacing(value):
    """``{{ title|french_spacing }}``: no "?" alone on a line in French (see events.typography)."""
    return typography.french_spacing(str(value))


@register.filter
def prose(value):
    """``{{ text|prose }}``: plain text as escaped paragraphs and "- " bullet lists."""
    return typography.prose_html(value)


@register.simple_tag
def colon():
    """``{% translate "Venue" %}{% colon %}…``: "Lieu : " in French, "Venue: " in English."""
    return label_colon()
