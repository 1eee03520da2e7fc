"""Keeps the ``site`` version counter of the cached public pages (see ``events.page_cache``).

Every save or delete of a model shown on the public pages bumps the counter. This is the one
place where signals are the right tool: it is cache bookkeeping, not business logic, and it
must follow the admin, the services and the shell alike.

Writes that bypass signals — ``QuerySet.update()``, ``bulk_create()``, ``bulk_update()`` —
bump it through ``ContentQuerySet``, the base of every content model's manager. Seat counts
are not content: the registration services bump the stop's ``seats`` counter instead, so an
``update()`` of ``seats_taken`` alone does not touch the ``site`` counter.
"""

from django.db import models
from django.db.models.signals import post_delete, post_save

from .page_cache import SITE, bump


def bump_content_version(**kwargs):
    bump(SITE)


class ContentQuerySet(models.QuerySet):
    """A content model's queryset: bulk writes, which send no signals, bump the counter too."""

    NOT_CONTENT = frozenset({"seats_taken", "updated_at"})

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows and not set(kwargs) <= self.NOT_CONTENT:
            bump(SITE)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump(SITE)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            bump(SITE)
        return rows


def track_content(*content_models):
    """Bump the ``site`` counter on every save or delete of these models (each app its own)."""
    for model in content_models:
        uid = f"content-version-{model._meta.label_lower}"
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
