"""E-mails in French, plain text and HTML, rendered from a template trio.

``templated_email(prefix, context, to=...)`` renders ``<prefix>_subject.txt``,
``<prefix>.txt`` and ``<prefix>.html`` in the site's language. Sending is the outbox's job
(``background.outbox``): a task, retried when the mail server fails, never in a request.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def templated_email(prefix, context, *, to, attachments=()):
    """An e-mail rendered from ``prefix``'s subject, text and HTML templates, in French."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{prefix}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"{prefix}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(to),
        )
        message.attach_alternative(render_to_string(f"{prefix}.html", context), "text/html")
    for attachment in attachments:  # (filename, content, mimetype), or a MIME part (inline image)
        message.attach(*attachment) if isinstance(attachment, tuple) else message.attach(attachment)
    return message
