"""An organiser's invitation works for days and says who sent it; a speaker's own link, 15 min."""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from speakers import services
from tests.factories import SpeakerFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


@pytest.fixture
def speaker(db):
    return SpeakerFactory(first_name="Julie", email="julie@example.org")


@pytest.fixture
def organiser(db):
    return get_user_model().objects.create_superuser(
        "claire", "claire@example.org", "x", first_name="Claire", last_name="Martin"
    )


def link_in(message):
    return re.search(r"(/espace-intervenant/connexion/\S+/)", message.body).group(1)


def sign_in_at(client, link, moment):
    with mock.patch("django.core.signing.time.time", return_value=moment):
        return client.post(link)


def test_invitation_says_who_sent_it_why_and_for_how_long(
    admin_client, speaker, organiser, deliver_emails, settings
):
    settings.SPEAKER_INVITATION_DAYS = 10
    admin_client.force_login(organiser)

    with deliver_emails():
        admin_client.post(reverse("admin:speakers_speaker_send_link", args=[speaker.pk]))

    message = mail.outbox[-1]
    body = " ".join(message.body.split())
    assert message.to == ["julie@example.org"]
    assert message.subject == "[IntercoTOUR] Claire Martin vous invite dans l’espace intervenant"
    assert "Claire Martin, de l’équipe organisatrice de l’IntercoTOUR" in body
    assert "vérifierez vos interventions" in body
    assert "Il fonctionne une fois, pendant 10 jours" in body
    assert "15 minutes" not in body
    assert "Vous ne l’avez pas demandé" not in body
    assert "Pas demandé" not in body


def test_invitation_from_an_account_without_a_name_comes_from_the_team(
    admin_client, speaker, deliver_emails
):
    with deliver_emails():  # the admin fixture's account has a login name only
        admin_client.post(reverse("admin:speakers_speaker_send_link", args=[speaker.pk]))

    message = mail.outbox[-1]
    body = " ".join(message.body.split())
    assert message.subject == (
        "[IntercoTOUR] L’équipe de l’IntercoTOUR vous invite dans l’espace intervenant"
    )
    assert "L’équipe organisatrice de l’IntercoTOUR vous invite dans l’espace intervenant" in body
    assert "admin" not in message.subject + body


def test_invitation_still_works_after_a_week_then_only_once(
    client, speaker, organiser, deliver_emails
):
    with deliver_emails():
        services.send_invitation(speaker=speaker, sender=organiser)
    link = link_in(mail.outbox[-1])

    first = sign_in_at(client, link, time.time() + 7 * DAY)
    client.post(reverse("speaker_portal:sign_out"))
    again = sign_in_at(client, link, time.time() + 7 * DAY)

    assert first.status_code == 302
    assert again.status_code == 400
    assert "Ce lien de connexion ne fonctionne pas" in text_of(again)


def test_invitation_expires_after_the_configured_days(
    client, speaker, organiser, settings, deliver_emails
):
    settings.SPEAKER_INVITATION_DAYS = 3
    with deliver_emails():
        services.send_invitation(speaker=speaker, sender=organiser)

    response = sign_in_at(client, link_in(mail.outbox[-1]), time.time() + 4 * DAY)

    assert response.status_code == 410
    assert "Ce lien de connexion a expiré" in text_of(response)


def test_a_speakers_own_link_keeps_fifteen_minutes_and_its_wording(client, speaker, deliver_emails):
    with deliver_emails():
        services.send_sign_in_link(email="julie@example.org")
    message = mail.outbox[-1]

    late = sign_in_at(client, link_in(message), time.time() + 20 * 60)

    assert "15 minutes" in message.body
    assert "vous invite" not in message.body
    assert late.status_code == 410


def test_a_speaker_without_address_gets_no_invitation(admin_client, speaker):
    speaker.email = ""
    speaker.save()
    admin_client.cookies["django_language"] = "fr"

    response = admin_client.post(
        reverse("admin:speakers_speaker_send_link", args=[speaker.pk]), follow=True
    )

    assert mail.outbox == []
    assert "n’a pas d’adresse e-mail" in text_of(response)


def test_the_speaker_page_says_why_there_is_no_invitation_button(admin_client, speaker):
    with_address = text_of(
        admin_client.get(reverse("admin:speakers_speaker_change", args=[speaker.pk]))
    )
    speaker.email = ""
    speaker.save()

    without = text_of(admin_client.get(reverse("admin:speakers_speaker_change", args=[speaker.pk])))

    note = (
        "Pour inviter cette personne dans l’espace intervenant, ajoutez d’abord son adresse e-mail."
    )
    assert "Inviter dans l’espace intervenant" in with_address
    assert note not in with_address
    assert "Inviter dans l’espace intervenant" not in without
    assert note in without
