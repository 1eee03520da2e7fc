"""Workshop restitutions: the rapporteur writes from the speakers' area, organisers publish.

Writes only; the speakers' area reads through ``selectors.rapporteur_line_up``.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intercotour.admin_log import log_change

from .models import Restitution
from .services import portal_user


class RestitutionLocked(Exception):
    """Published: only the organisers change it now."""

    message = _("This restitution is published: ask the organisers if something needs changing.")


@transaction.atomic
def save_restitution(*, session, author, summary, key_points, proposals, submit=False):
    """The rapporteur's draft (``submit``: handed to the organisers for publication)."""
    restitution = Restitution.objects.select_for_update().filter(session=session).first()
    if restitution is not None and restitution.is_published:
        raise RestitutionLocked
    restitution = restitution or Restitution(session=session)
    restitution.author = author
    restitution.summary, restitution.key_points = summary.strip(), key_points.strip()
    restitution.proposals = proposals.strip()
    restitution.status = Restitution.Status.SUBMITTED if submit else Restitution.Status.DRAFT
    restitution.submitted_at = timezone.now() if submit else None
    restitution.full_clean()
    restitution.save()
    log_change(
        portal_user(),
        restitution,
        _("Submitted for publication by %(name)s.") % {"name": author.full_name}
        if submit
        else _("Draft saved by %(name)s.") % {"name": author.full_name},
    )
    return restitution


def _locked(restitutions):
    """The rows of ``restitutions`` (any queryset, e.g. the admin's with its joins), locked."""
    ids = list(restitutions.values_list("pk", flat=True))
    return (
        Restitution.objects.select_for_update(of=("self",))
        .select_related("session")  # its title names it in the history
        .filter(pk__in=ids)
        .order_by("pk")
    )


@transaction.atomic
def publish_restitutions(*, restitutions, user):
    """Publish (organisers); returns how many were not published yet."""
    published = 0
    for restitution in _locked(restitutions).exclude(status=Restitution.Status.PUBLISHED):
        restitution.status = Restitution.Status.PUBLISHED
        restitution.published_at = timezone.now()
        restitution.save(update_fields=["status", "published_at", "updated_at"])
        log_change(user, restitution, _("Published."))
        published += 1
    return published


@transaction.atomic
def unpublish_restitutions(*, restitutions, user):
    """Back to draft (organisers): the stop page no longer shows them."""
    unpublished = 0
    for restitution in _locked(restitutions).filter(status=Restitution.Status.PUBLISHED):
        restitution.status = Restitution.Status.DRAFT
        restitution.published_at = None
        restitution.save(update_fields=["status", "published_at", "updated_at"])
        log_change(user, restitution, _("Unpublished."))
        unpublished += 1
    return unpublished
