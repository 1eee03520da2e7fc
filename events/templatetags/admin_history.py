"""The admin history in sentences that read well in French (see intercotour.admin_wording)."""

from django import template

from intercotour.admin_wording import describe_change

register = template.Library()


@register.filter
def change_description(entry):
    return describe_change(entry)
