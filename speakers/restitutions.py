"""Workshop restitutions: the rapporteur writes from the speakers' area, organisers publish.

Writes only; the speakers' area reads through ``selectors.rapporteur_line_up``.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from background.outbox import NothingToSend, queue_email
from events.models import Contact
from intercotour.admin_log import log_change
from intercotour.mail import templated_email

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
    # Sent again while waiting for review: the organisers were told when it was first sent.
    newly_submitted = submit and (
        restitution is None or restitution.status != Restitution.Status.SUBMITTED
    )
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
    if newly_submitted:
        _tell_the_organisers(restitution)
    return restitution


def reviewers(stop):
    """Who reads a submitted restitution: the stop's contacts with an address, else the
    tour's."""
    contacts = Contact.objects.exclude(email="").order_by("order", "pk")
    return list(contacts.filter(stop=stop)) or list(contacts.filter(tour_id=stop.tour_id))


def _tell_the_organisers(restitution):
    """An e-mail to each reviewer, queued with the submission (each submission is an event)."""
    stop = restitution.session.stop
    for contact in reviewers(stop):
        queue_email(
            kind="restitution_submitted",
            to=contact.email,
            renderer="speakers.restitutions.render_submitted",
            params={"restitution": restitution.pk, "contact": contact.name},
            # The address as a digest: the key has 200 characters, an address up to 254.
            key=(
                f"restitution:{restitution.pk}:{restitution.submitted_at.isoformat()}:"
                f"{hashlib.sha256(contact.email.lower().encode()).hexdigest()[:32]}"
            ),
            stop=stop,
        )


def render_submitted(delivery):
    restitution = (
        Restitution.objects.select_related("session__stop", "author")
        .filter(pk=delivery.params["restitution"])
        .first()
    )
    if restitution is None:
        raise NothingToSend("The restitution no longer exists.")
    if restitution.status != Restitution.Status.SUBMITTED:
        raise NothingToSend("The restitution is no longer waiting to be published.")
    url = settings.SITE_URL + reverse("admin:speakers_restitution_change", args=[restitution.pk])
    context = {
        "restitution": restitution,
        "session": restitution.session,
        "stop": restitution.session.stop,
        # The author's account may have been deleted since (the restitution stays).
        "name": restitution.author.full_name if restitution.author else _("The rapporteur"),
        "contact": delivery.params["contact"],
        "url": url,
    }
    return templated_email(
        "speakers/emails/restitution_submitted", context, to=[delivery.recipient]
    )


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
