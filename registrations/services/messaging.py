"""Organisers' messages to a stop's registrants."""

from .. import emails, selectors


def message_registrants(*, stop, subject, body, workshop=None):
    """One e-mail per recipient (no addresses shown to others); returns (sent, failed)."""
    return emails.send_message_to(
        selectors.message_recipients(stop=stop, workshop=workshop), subject=subject, body=body
    )
