"""Workshop restitutions: the rapporteur writes, organisers publish, the stop page shows."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone

from speakers.models import Restitution, SessionSpeaker, Speaker
from tests.factories import ContactFactory, SessionSpeakerFactory, SpeakerFactory
from tests.pages import text_of

from .conftest import sign_in

pytestmark = pytest.mark.django_db

FORM = {
    "summary": "Les élus veulent garder la main sur les décisions.",
    "key_points": "Transparence des algorithmes\n\nFormation des élus",
    "proposals": "Un comité d’éthique intercommunal",
}


def workshop_of(stop, title="IA et aide à la décision"):
    return stop.sessions.get(title=title)


def restitution_url(session):
    return reverse("speaker_portal:restitution", args=[session.pk])


def publish(admin_client, *restitutions):
    return admin_client.post(
        reverse("admin:speakers_restitution_changelist"),
        {"action": "publish", "_selected_action": [r.pk for r in restitutions]},
    )


# --- The rapporteur writes ---------------------------------------------------------------


def test_rapporteur_finds_the_restitution_form_from_their_sessions(client, past_stop, rapporteur):
    sign_in(client, rapporteur)

    slots = text_of(client.get("/espace-intervenant/mes-interventions/"))
    page = client.get(restitution_url(workshop_of(past_stop)))

    assert "Rédiger la restitution de l’atelier" in slots
    assert "Restitution de l’atelier « IA et aide à la décision »" in text_of(page)
    assert "Pas encore rédigée." in text_of(page)


def test_draft_is_stored_and_shown_only_to_the_rapporteur(client, past_stop, rapporteur):
    sign_in(client, rapporteur)
    workshop = workshop_of(past_stop)

    response = client.post(restitution_url(workshop), {**FORM, "save": ""}, follow=True)
    stop_page = text_of(client.get(past_stop.get_absolute_url()))

    restitution = Restitution.objects.get(session=workshop)
    assert (restitution.status, restitution.author, restitution.summary) == (
        "draft",
        rapporteur,
        FORM["summary"],
    )
    assert "Votre brouillon est enregistré" in text_of(response)
    assert "Brouillon : seuls vous et les organisateurs pouvez le voir." in text_of(response)
    assert FORM["summary"] in response.text  # back in the form, to go on writing
    assert FORM["summary"] not in stop_page
    assert "Restitution des ateliers" not in stop_page
    assert LogEntry.objects.filter(object_id=str(restitution.pk)).count() == 1


def test_submitting_hands_it_to_the_organisers(client, past_stop, rapporteur):
    sign_in(client, rapporteur)
    workshop = workshop_of(past_stop)

    response = client.post(restitution_url(workshop), {**FORM, "submit": ""}, follow=True)

    restitution = Restitution.objects.get(session=workshop)
    assert restitution.status == "submitted"
    assert restitution.submitted_at is not None
    assert "envoyée aux organisateurs" in text_of(response)
    # "le jeudi 7 décembre 2023 à 14h05", as French writes a moment.
    form_page = text_of(client.get(restitution_url(workshop)))
    assert re.search(r"Envoyée aux organisateurs le \w+ \d+ \w+ \d{4} à \d{1,2}h\d\d", form_page)
    assert FORM["summary"] not in text_of(client.get(past_stop.get_absolute_url()))


def test_submitting_tells_the_stops_contacts_with_a_link_to_review_it(
    client, past_stop, rapporteur, deliver_emails
):
    ContactFactory(tour=None, stop=past_stop, name="Céline Colucci", email="celine@example.org")
    ContactFactory(tour=None, stop=past_stop, name="Sans adresse", email="")
    ContactFactory(tour=past_stop.tour, name="Tournée", email="tournee@example.org")
    sign_in(client, rapporteur)
    workshop = workshop_of(past_stop)

    with deliver_emails():
        client.post(restitution_url(workshop), {**FORM, "save": ""})
    assert mail.outbox == []  # a draft is the rapporteur's own
    with deliver_emails():
        client.post(restitution_url(workshop), {**FORM, "submit": ""})

    restitution = Restitution.objects.get(session=workshop)
    [message] = mail.outbox
    assert message.to == ["celine@example.org"]
    assert message.subject == (
        "[IntercoTOUR] Restitution à relire : « IA et aide à la décision » "
        f"({past_stop.city}, {formats.date_format(past_stop.date, 'j F Y')})"
    )
    assert "Bonjour Céline Colucci," in message.body
    assert "Marie Bernard a soumis la restitution de l’atelier « IA et aide à la décision »" in (
        " ".join(message.body.split())
    )
    change_url = reverse("admin:speakers_restitution_change", args=[restitution.pk])
    assert settings.SITE_URL + change_url in message.body
    assert settings.SITE_URL + change_url in message.alternatives[0][0]


def test_sending_it_again_while_it_waits_tells_no_one_twice(
    client, past_stop, rapporteur, deliver_emails
):
    ContactFactory(tour=None, stop=past_stop, email="celine@example.org")
    sign_in(client, rapporteur)
    url = restitution_url(workshop_of(past_stop))

    with deliver_emails():
        client.post(url, {**FORM, "submit": ""})
        client.post(url, {**FORM, "summary": "Corrigé.", "submit": ""})

    assert len(mail.outbox) == 1
    assert Restitution.objects.get().summary == "Corrigé."


def test_a_contact_with_a_very_long_address_is_told_too(
    client, past_stop, rapporteur, deliver_emails
):
    address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 40 + ".example.org"  # 181 characters
    ContactFactory(tour=None, stop=past_stop, email=address)
    sign_in(client, rapporteur)

    with deliver_emails():
        response = client.post(restitution_url(workshop_of(past_stop)), {**FORM, "submit": ""})

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[address]]


def test_without_contacts_for_the_stop_the_tours_are_told(
    client, past_stop, rapporteur, deliver_emails
):
    ContactFactory(tour=past_stop.tour, name="Équipe tournée", email="tournee@example.org")
    sign_in(client, rapporteur)

    with deliver_emails():
        client.post(restitution_url(workshop_of(past_stop)), {**FORM, "submit": ""})

    assert [message.to for message in mail.outbox] == [["tournee@example.org"]]
    assert "Bonjour Équipe tournée," in mail.outbox[0].body


def test_a_restitution_published_before_the_mail_leaves_is_not_announced(
    client, admin_client, past_stop, rapporteur, run_tasks
):
    ContactFactory(tour=None, stop=past_stop, email="celine@example.org")
    sign_in(client, rapporteur)
    client.post(restitution_url(workshop_of(past_stop)), {**FORM, "submit": ""})

    publish(admin_client, Restitution.objects.get())
    run_tasks()

    assert mail.outbox == []


def test_empty_summary_is_refused_in_french_and_nothing_is_stored(client, past_stop, rapporteur):
    sign_in(client, rapporteur)

    response = client.post(
        restitution_url(workshop_of(past_stop)), {**FORM, "summary": "  ", "submit": ""}
    )

    assert response.status_code == 400
    assert "Votre formulaire contient des erreurs" in text_of(response)
    assert "Ce champ est obligatoire." in text_of(response)
    assert not Restitution.objects.exists()


def test_other_speakers_cannot_write_it(client, past_stop, rapporteur):
    workshop = workshop_of(past_stop)
    speaker = Speaker.objects.get(last_name="Dumas")  # speaks in the workshop, not rapporteur
    other_rapporteur = SpeakerFactory()
    SessionSpeakerFactory(
        session=workshop_of(past_stop, "Former les agents"),
        speaker=other_rapporteur,
        role=SessionSpeaker.Role.RAPPORTEUR,
    )

    sign_in(client, speaker)
    as_speaker = client.post(restitution_url(workshop), {**FORM, "save": ""})
    slots = text_of(client.get("/espace-intervenant/mes-interventions/"))
    sign_in(client, other_rapporteur)
    as_other = client.post(restitution_url(workshop), {**FORM, "save": ""})
    unknown = client.get(reverse("speaker_portal:restitution", args=[999_999]))

    assert [as_speaker.status_code, as_other.status_code, unknown.status_code] == [404] * 3
    assert "Page introuvable" in text_of(as_speaker)
    assert "Rédiger la restitution" not in slots
    assert not Restitution.objects.exists()


def test_signed_out_visitor_is_sent_to_sign_in(client, past_stop, rapporteur):
    response = client.post(restitution_url(workshop_of(past_stop)), {**FORM, "save": ""})

    assert response.url == "/espace-intervenant/"
    assert not Restitution.objects.exists()


def test_published_restitution_is_no_longer_changed_by_the_rapporteur(
    client, admin_client, past_stop, rapporteur
):
    sign_in(client, rapporteur)
    workshop = workshop_of(past_stop)
    client.post(restitution_url(workshop), {**FORM, "submit": ""})
    publish(admin_client, Restitution.objects.get())

    page = text_of(client.get(restitution_url(workshop)))
    response = client.post(restitution_url(workshop), {**FORM, "summary": "Autre", "save": ""})

    assert "Publiée : elle paraît sur la page de la journée" in page
    assert response.status_code == 400
    assert "Cette restitution est publiée" in text_of(response)
    assert Restitution.objects.get().summary == FORM["summary"]


# --- Organisers publish; the stop page shows -------------------------------------------


def test_organisers_publish_then_unpublish_from_the_list(
    client, admin_client, past_stop, rapporteur
):
    sign_in(client, rapporteur)
    client.post(restitution_url(workshop_of(past_stop)), {**FORM, "submit": ""})
    restitution = Restitution.objects.get()
    restitution.author = None  # a restitution typed in by the organisers: no author to join
    restitution.save(update_fields=["author"])

    published = publish(admin_client, restitution)
    status_after_publishing = Restitution.objects.get().status
    unpublished = admin_client.post(
        reverse("admin:speakers_restitution_changelist"),
        {"action": "unpublish", "_selected_action": [restitution.pk]},
        follow=True,
    )

    assert published.status_code == 302
    assert status_after_publishing == "published"
    assert "1 restitution dépubliée." in text_of(unpublished)
    assert Restitution.objects.get().status == "draft"


def test_published_restitutions_show_on_the_page_of_a_day_that_is_over(
    client, admin_client, past_stop, rapporteur
):
    workshop = workshop_of(past_stop)
    sign_in(client, rapporteur)
    client.post(restitution_url(workshop), {**FORM, "submit": ""})
    before = text_of(client.get(past_stop.get_absolute_url()))  # cached without it

    response = publish(admin_client, Restitution.objects.get())
    page = client.get(past_stop.get_absolute_url())

    assert "1 restitution publiée." in text_of(admin_client.get(response.url))
    assert "Restitution des ateliers" not in before
    section = text_of(page).split("Restitution des ateliers", 1)[1]
    assert section.startswith(
        " IA et aide à la décision Rapporteur·e : Marie Bernard "
        "Les élus veulent garder la main sur les décisions. "
        "Points clés Transparence des algorithmes Formation des élus "
        "Propositions Un comité d’éthique intercommunal"
    )
    assert "Former les agents" not in section.split("Accès")[0]  # no restitution yet
    assert 'href="#restitutions"' in page.text  # the closing session links to it
    assert "Lire la restitution de chaque atelier" in text_of(page)
    restitution = Restitution.objects.get()
    assert restitution.status == "published"
    assert LogEntry.objects.filter(object_id=str(restitution.pk), user__username="admin").exists()


def test_published_restitution_waits_for_the_end_of_the_day(client, past_stop):
    workshop = workshop_of(past_stop)
    Restitution.objects.create(session=workshop, summary="Synthèse publiée", status="published")
    today = timezone.localdate()
    past_stop.date = today
    past_stop.end_time = datetime.time(23, 59)
    past_stop.save()

    page = text_of(client.get(past_stop.get_absolute_url()))

    assert "Synthèse publiée" not in page
    assert "Lire la restitution" not in page


def test_organisers_publish_then_unpublish_from_the_restitutions_own_page(admin_client, past_stop):
    restitution = Restitution.objects.create(
        session=workshop_of(past_stop), summary="Synthèse", status="submitted"
    )
    change = reverse("admin:speakers_restitution_change", args=[restitution.pk])

    page = admin_client.get(change)
    before = text_of(page)
    published = admin_client.post(
        reverse("admin:speakers_restitution_publish", args=[restitution.pk]), follow=True
    )
    status_after_publish = Restitution.objects.get().status
    unpublished = admin_client.post(
        reverse("admin:speakers_restitution_unpublish", args=[restitution.pk]), follow=True
    )

    assert reverse("admin:speakers_restitution_publish", args=[restitution.pk]) in page.text
    assert "Publier" in before
    assert "Dépublier" not in before
    assert status_after_publish == "published"
    assert "1 restitution publiée." in text_of(published)
    assert "Dépublier" in text_of(published)
    assert Restitution.objects.get().status == "draft"
    assert "1 restitution dépubliée." in text_of(unpublished)
    assert LogEntry.objects.filter(object_id=str(restitution.pk)).count() == 2


def test_publishing_needs_the_publish_permission(client, past_stop):
    restitution = Restitution.objects.create(session=workshop_of(past_stop), summary="Synthèse")
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.add(
        *Group.objects.get(name="Délégation").permissions.filter(
            codename__in=["view_restitution", "change_restitution"]
        )
    )
    client.force_login(user)

    changelist = client.get(reverse("admin:speakers_restitution_changelist"))
    change = client.get(reverse("admin:speakers_restitution_change", args=[restitution.pk]))
    client.post(
        reverse("admin:speakers_restitution_changelist"),
        {"action": "publish", "_selected_action": [restitution.pk]},
    )
    forced = client.post(reverse("admin:speakers_restitution_publish", args=[restitution.pk]))

    assert "Publier les restitutions sélectionnées" not in changelist.text
    assert change.status_code == 200
    assert "speakers_restitution_publish" not in change.text
    assert reverse("admin:speakers_restitution_publish", args=[restitution.pk]) not in change.text
    assert forced.status_code == 403
    restitution.refresh_from_db()
    assert restitution.status == "draft"


def test_delegation_may_publish_restitutions():
    perms = {p.codename for p in Group.objects.get(name="Délégation").permissions.all()}

    assert {"publish_restitution", "change_restitution", "view_restitution"} <= perms
