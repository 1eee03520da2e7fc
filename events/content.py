"""Keeps the ``site`` version counter of the cached public pages (see ``events.page_cache``).

Every save or delete of a model shown on the public pages bumps the counter. This is the one
place where signals are the right tool: it is cache bookkeeping, not business logic, and it
must follow the admin, the services and the shell alike.

Writes that bypass signals — ``QuerySet.update()`` and ``bulk_create()`` — call
``bump_content_version()`` themselves. Seat counts are not content: the registration services
bump the stop's ``seats`` counter instead.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .page_cache import SITE, bump


def bump_content_version(**kwargs):
    bump(SITE)


def connect_signals():
    from speakers.models import SessionSpeaker, Speaker

    from .models import Contact, Partner, Session, Stop, Tour

    for model in (Tour, Stop, Session, Contact, Partner, Speaker, SessionSpeaker):
        uid = f"content-version-{model._meta.label_lower}"
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        bump_content_version, sender=Stop.partners.through, dispatch_uid="content-version-m2m"
    )
