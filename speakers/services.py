"""The speakers' area: sign-in links, profile changes, calendar keys."""

import io
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task
from PIL import Image, ImageOps

from background.outbox import NothingToSend, queue_email
from intercotour.admin_log import log_change
from intercotour.link_sign_in import ExpiredLink, InvalidLink
from intercotour.mail import templated_email

from .models import SessionSpeaker, Speaker, new_secret

SIGN_IN_SALT = "speakers.sign-in"
SIGN_IN_LINK_MAX_AGE = 15 * 60  # seconds: the link a speaker asks for themselves
INVITATION_SALT = "speakers.invitation"  # an organiser's invitation: SPEAKER_INVITATION_DAYS
PHOTO_MAX_SIZE = (800, 800)
PORTAL_USERNAME = "espace-intervenant"


def sign_in_token(speaker):
    return signing.dumps([speaker.pk, speaker.sign_in_nonce], salt=SIGN_IN_SALT)


@transaction.atomic
def use_sign_in_token(token):
    """The speaker a sign-in link opens; the link then stops working (one use)."""
    speaker = check_sign_in_token(token, lock=True)
    speaker.sign_in_nonce = new_secret()
    speaker.save(update_fields=["sign_in_nonce"])
    return speaker


def send_sign_in_link(*, email):
    """E-mail a sign-in link if ``email`` is a speaker's; says nothing either way.

    The request only enqueues the lookup: a known and an unknown address cost the same.
    """
    send_sign_in_link_task.enqueue(email.strip())


@task(takes_context=True)
def send_sign_in_link_task(context, email):
    """Look the address up; a speaker's gets a sign-in link through the outbox (one per
    request: the key names this task, so that a run again sends no second e-mail)."""
    speaker = Speaker.objects.filter(email__iexact=email).exclude(email="").first()
    if speaker is None:
        return False
    queue_email(
        kind="sign_in",
        to=speaker.email,
        renderer="speakers.services.render_sign_in_link",
        params={"speaker": speaker.pk},
        key=f"sign_in:{context.task_result.id}",
    )
    return True


def render_sign_in_link(delivery):
    """Signed when sent, so that a queue that waited does not eat the link's 15 minutes."""
    speaker = Speaker.objects.filter(pk=delivery.params["speaker"]).first()
    if speaker is None:
        raise NothingToSend("The speaker no longer exists.")
    url = settings.SITE_URL + reverse("speaker_portal:sign_in", args=[sign_in_token(speaker)])
    context = {"speaker": speaker, "url": url, "minutes": SIGN_IN_LINK_MAX_AGE // 60}
    return templated_email("speakers/emails/sign_in", context, to=[delivery.recipient])


def invitation_token(speaker):
    return signing.dumps([speaker.pk, speaker.sign_in_nonce], salt=INVITATION_SALT)


def send_invitation(*, speaker, sender):
    """An organiser invites ``speaker`` to the speakers' area: a one-time link valid for days.

    The e-mail says who sent it and why. Returns whether the speaker has an address to send to.
    """
    if not speaker.email:
        return False
    queue_email(
        kind="invitation",
        to=speaker.email,
        renderer="speakers.services.render_invitation",
        # The organiser's name, when their account has one (a login name means nothing to
        # a speaker: the e-mail then comes from the team).
        params={"speaker": speaker.pk, "sender": sender.get_full_name()},
    )
    return True


def render_invitation(delivery):
    """Signed when sent, like the sign-in link; valid for ``SPEAKER_INVITATION_DAYS``."""
    speaker = Speaker.objects.filter(pk=delivery.params["speaker"]).first()
    if speaker is None:
        raise NothingToSend("The speaker no longer exists.")
    url = settings.SITE_URL + reverse("speaker_portal:sign_in", args=[invitation_token(speaker)])
    context = {
        "speaker": speaker,
        "url": url,
        "days": settings.SPEAKER_INVITATION_DAYS,
        "sender": delivery.params["sender"],
    }
    return templated_email("speakers/emails/invitation", context, to=[delivery.recipient])


def portal_user():
    """The account the admin history credits with changes made by speakers themselves."""
    user, created = get_user_model().objects.get_or_create(
        username=PORTAL_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def resized_photo(upload):
    """A JPEG no larger than PHOTO_MAX_SIZE, upright, without metadata."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(PHOTO_MAX_SIZE)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.convert("RGBA").getchannel("A"))
            image = background
        output = io.BytesIO()
        image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
    return ContentFile(output.getvalue())


@transaction.atomic
def update_profile(
    *, speaker, bio, job_title, organisation, show_photo, photo=None, remove_photo=False
):
    """The speaker's own changes; visible at once on the site, logged in the admin history.

    ``remove_photo`` deletes the current photo, file included (a new ``photo`` wins over it).
    """
    changed = [
        name
        for name, value in [
            ("bio", bio),
            ("job_title", job_title),
            ("organisation", organisation),
            ("show_photo", show_photo),
        ]
        if getattr(speaker, name) != value
    ]
    if {"job_title", "organisation"} & set(changed):
        freeze_past_line_ups(speaker=speaker)
    speaker.bio, speaker.job_title = bio, job_title
    speaker.organisation, speaker.show_photo = organisation, show_photo
    if photo is not None:
        old = speaker.photo.name if speaker.photo else None
        speaker.photo.save(
            f"{speaker.slug}-{secrets.token_hex(4)}.jpg", resized_photo(photo), save=False
        )
        changed.append("photo")
        if old:
            transaction.on_commit(lambda: speaker.photo.storage.delete(old))
    elif remove_photo and speaker.photo:
        old, storage = speaker.photo.name, speaker.photo.storage
        speaker.photo = ""
        changed.append("photo")
        transaction.on_commit(lambda: storage.delete(old))
    speaker.full_clean()
    speaker.save()
    if changed:
        with translation.override(None):  # the history translates the names when shown
            fields = [str(Speaker._meta.get_field(name).verbose_name) for name in changed]
        log_change(portal_user(), speaker, [{"changed": {"fields": fields}}])
    return speaker


def freeze_past_line_ups(*, speaker, today=None):
    """Keep the job title and organisation the programmes of days over showed for ``speaker``.

    Called before the profile's job title or organisation changes: the line-ups of days that
    are over and print the profile (blank fields) get the profile's current values, read from
    the database, so that an archived programme stays as it was on the day.
    """
    today = today or timezone.localdate()
    current = Speaker.objects.filter(pk=speaker.pk).values("job_title", "organisation").first()
    if current is None:
        return
    line_ups = SessionSpeaker.objects.filter(speaker_id=speaker.pk).of_days_over(today)
    for name, value in current.items():
        line_ups.filter(**{name: ""}).update(**{name: value})


@transaction.atomic
def renew_calendar_token(*, speaker):
    """Revoke the private calendar address; the new one is shown in the portal."""
    speaker.calendar_token = new_secret()
    speaker.save(update_fields=["calendar_token", "updated_at"])
    return speaker


def _signed_link(token):
    """(pk, nonce) of a speaker's own link (15 minutes) or of an organiser's invitation (days)."""
    kinds = [
        (SIGN_IN_SALT, SIGN_IN_LINK_MAX_AGE),
        (INVITATION_SALT, settings.SPEAKER_INVITATION_DAYS * 24 * 3600),
    ]
    for salt, max_age in kinds:
        try:
            return signing.loads(token, salt=salt, max_age=max_age)
        except signing.SignatureExpired as exc:
            raise ExpiredLink from exc
        except signing.BadSignature:
            continue  # signed with the other salt, or forged
    raise InvalidLink


def check_sign_in_token(token, *, lock=False):
    """The speaker a sign-in link would open, without using it up."""
    try:
        pk, nonce = _signed_link(token)
    except (ValueError, TypeError) as exc:
        raise InvalidLink from exc
    speakers = Speaker.objects.select_for_update() if lock else Speaker.objects
    speaker = speakers.filter(pk=pk).first() if isinstance(pk, int) else None
    if speaker is None or not secrets.compare_digest(str(nonce), speaker.sign_in_nonce):
        raise InvalidLink
    return speaker
