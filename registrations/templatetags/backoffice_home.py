"""The admin home opens on the next days (``templates/admin/index.html``)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def upcoming_days():
    return selectors.upcoming_days()
