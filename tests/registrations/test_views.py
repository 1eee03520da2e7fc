"""The registration form and the self-service pages, as a browser uses them."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from background.models import EmailDelivery
from events.models import Session, Stop
from registrations import services
from registrations.forms import slot_field_name
from registrations.models import Registration
from registrations.tokens import make_token, registration_from_token
from tests.factories import StopFactory, WorkshopFactory, registration_details
from tests.pages import french, text_of

pytestmark = pytest.mark.django_db


def url(stop):
    return f"/{stop.slug}/inscription/"


def post(client, stop, data, **extra):
    return client.post(url(stop), data, **extra)


def error_next_to(response, field_id):
    """The error message shown for the field ``field_id`` (its id in the page)."""
    marker = f'id="{field_id}_error">'
    assert marker in response.text, f"no error shown for {field_id}"
    return response.text.split(marker)[1].split("</p>")[0]


def assert_nothing_saved(stop, workshops=()):
    assert not Registration.objects.exists()
    assert Stop.objects.get(pk=stop.pk).seats_taken == 0
    for workshop in workshops:
        assert Session.objects.get(pk=workshop.pk).seats_taken == 0


# --- The form ---------------------------------------------------------------------------


def test_form_shows_french_labels_workshops_with_seats_and_privacy_link(client, stop, workshops):
    WorkshopFactory(stop=stop, capacity=5, seats_taken=5, title="Atelier complet")

    response = client.get(url(stop))

    page = text_of(response)
    assert response.status_code == 200
    labels = [
        "Prénom", "Nom", "Adresse e-mail", "Organisme (par exemple votre collectivité)",
        "Fonction", "Vous êtes", "Téléphone", "Comment participerez-vous ?",
        "Sur place", "En ligne", "Je déjeunerai sur place", "Régime alimentaire",
        "J’ai besoin d’une boucle magnétique", "Autres besoins d’accessibilité",
    ]  # fmt: skip
    for label in labels:
        assert label in page, label
    assert f"{workshops[0].title} (2 places restantes)" in page
    assert "Atelier complet (complet – liste d’attente)" in page
    assert "Aucun atelier" in page
    assert "Agent·e de collectivité" in page
    assert "Téléphone (obligatoire)" not in page  # optional: the only unmarked text field
    assert "Adresse e-mail (obligatoire)" in page
    assert 'href="/confidentialite/"' in response.text
    consent = response.text.split('name="wants_news"')[0].rsplit("<input", 1)[1]
    assert "checked" not in consent
    assert "no-store" in response["Cache-Control"]


def test_stop_page_links_to_the_form_while_registration_is_open(client, stop):
    assert f'href="{url(stop)}"' in client.get(stop.get_absolute_url()).text


def test_valid_registration_saves_and_redirects_to_the_received_page(
    client, stop, workshops, form_data, deliver_emails
):
    with deliver_emails():
        response = post(client, stop, form_data, follow=True)

    registration = Registration.objects.get()
    assert (registration.email, registration.status, registration.mode) == (
        "camille.durand@example.org",
        "confirmed",
        "in_person",
    )
    assert registration.lunch is True
    assert registration.dietary_requirements == "Végétarien"
    assert registration.bookings.get().session == workshops[0]
    page = text_of(response)
    assert "Merci, vous êtes inscrit·e" in page
    assert "Votre place en présentiel est confirmée." in page
    assert "Un récapitulatif vient d’être envoyé à camille.durand@example.org" in page
    assert mail.outbox[0].to == ["camille.durand@example.org"]
    assert "camille" not in response.redirect_chain[0][0]


def test_registering_again_gets_the_generic_page_and_the_link_by_email(
    client, stop, workshops, form_data, deliver_emails
):
    post(Client(), stop, form_data)

    with deliver_emails():
        again = post(
            client, stop, {**form_data, "email": "CAMILLE.Durand@example.org"}, follow=True
        )
    decoy = post(Client(), stop, {**form_data, "website": "http://spam.example"}, follow=True)

    assert Registration.objects.count() == 1
    assert text_of(again).replace("CAMILLE.Durand", "camille.durand") == text_of(decoy)
    assert "Merci, votre demande est bien reçue" in text_of(again)
    assert [
        m.subject.startswith("[IntercoTOUR] Vous êtes déjà inscrit·e") for m in mail.outbox
    ] == [True]


# --- Bad input: re-rendered with a French error next to the field, nothing saved ---------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "Ce champ est obligatoire."),
        ("email", "", "Ce champ est obligatoire."),
        ("email", "camille@", "Saisissez une adresse e-mail valide."),
        ("email", "camille@localhost", "Saisissez une adresse e-mail valide."),
        ("email", "camille@[127.0.0.1]", "Saisissez une adresse e-mail valide."),
        ("email", "camille@mairie.invalid", "Saisissez une adresse e-mail valide."),
        ("organisation", "", "Ce champ est obligatoire."),
        ("category", "", "Ce champ est obligatoire."),
        ("category", "pirate", "Sélectionnez un choix valide."),
        ("mode", "teleport", "Sélectionnez un choix valide."),
        ("first_name", "x" * 101, "au plus 100 caractères"),
        ("organisation", "x" * 201, "au plus 200 caractères"),
        ("dietary_requirements", "x" * 301, "au plus 300 caractères"),
        ("phone", "appelez-moi", "Saisissez un numéro de téléphone"),
    ],
)
def test_invalid_field_is_refused_in_french(
    client, stop, workshops, form_data, field, value, message
):
    response = post(client, stop, {**form_data, field: value})

    assert response.status_code == 400
    assert message in error_next_to(response, f"id_{field}")
    assert "Votre formulaire contient des erreurs" in text_of(response)
    assert_nothing_saved(stop, workshops)


def test_unknown_or_foreign_workshop_is_refused(client, stop, workshops, form_data):
    slot = slot_field_name(workshops[0].starts_at)
    foreign = WorkshopFactory()

    for value in [str(foreign.pk), "999999", "abc"]:
        response = post(client, stop, {**form_data, slot: value})
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in error_next_to(response, f"id_{slot}")
    assert_nothing_saved(stop, workshops)
    assert Session.objects.get(pk=foreign.pk).seats_taken == 0


def test_workshop_with_online_attendance_is_refused(client, stop, workshops, form_data):
    slot = slot_field_name(workshops[0].starts_at)

    response = post(client, stop, {**form_data, "mode": "online"})

    assert response.status_code == 400
    assert "uniquement en présentiel" in error_next_to(response, f"id_{slot}")
    assert_nothing_saved(stop, workshops)


def test_lunch_with_online_attendance_is_refused_and_the_form_kept(
    client, stop, workshops, form_data
):
    slot = slot_field_name(workshops[0].starts_at)
    data = {**form_data, "mode": "online", slot: "", "lunch": "on", "dietary_requirements": "Halal"}

    response = post(client, stop, data)

    assert response.status_code == 400
    assert french("Le déjeuner est servi sur place : décochez la case pour suivre la") in (
        error_next_to(response, "id_lunch")
    )
    assert 'value="Halal"' in response.content.decode() or ">Halal<" in response.content.decode()
    assert_nothing_saved(stop, workshops)


def test_two_values_for_one_slot_keep_at_most_one_workshop(client, stop, workshops, form_data):
    slot = slot_field_name(workshops[0].starts_at)
    data = {**form_data, slot: [str(workshops[0].pk), str(workshops[1].pk)]}

    post(client, stop, data)

    assert [b.session for b in Registration.objects.get().bookings.all()] == [workshops[1]]
    assert [Session.objects.get(pk=w.pk).seats_taken for w in workshops] == [0, 1, 0]


def test_full_stop_without_waiting_list_consent_is_refused(client, stop, workshops, form_data):
    for _ in range(3):
        services.register(stop=stop, **registration_details())

    response = post(client, stop, form_data)

    assert response.status_code == 400
    assert "Toutes les places en présentiel sont prises" in error_next_to(
        response, "id_accept_waiting_list"
    )
    assert Registration.objects.count() == 3


def test_full_stop_with_consent_joins_the_waiting_list(client, stop, workshops, form_data):
    for _ in range(3):
        services.register(stop=stop, **registration_details())

    post(client, stop, {**form_data, "accept_waiting_list": "on"})

    assert Registration.objects.get(email=form_data["email"]).status == "waiting"
    assert Stop.objects.get(pk=stop.pk).seats_taken == 3


def test_full_workshop_without_consent_is_refused(client, stop, workshops, form_data):
    Session.objects.filter(pk=workshops[0].pk).update(seats_taken=2)

    response = post(client, stop, form_data)

    assert response.status_code == 400
    assert "est complet" in error_next_to(response, "id_accept_waiting_list")
    assert not Registration.objects.exists()


@pytest.mark.parametrize("status", [Stop.Status.DRAFT, Stop.Status.CANCELLED])
def test_unpublished_stop_has_no_form(client, workshops, form_data, status):
    stop = StopFactory(status=status)

    shown = client.get(url(stop))
    posted = post(client, stop, form_data)

    for response in (shown, posted):
        assert response.status_code == 404
        assert "Page introuvable" in text_of(response)
        assert "Prénom" not in text_of(response)
    assert not Registration.objects.exists()


def test_closed_stop_refuses_registration_with_a_french_page(client, stop, workshops, form_data):
    Stop.objects.filter(pk=stop.pk).update(
        registration_opens_at=timezone.now() - datetime.timedelta(days=5),
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    response = post(client, stop, form_data)

    assert response.status_code == 403
    assert "Les inscriptions à cette journée sont closes." in text_of(response)
    assert_nothing_saved(stop, workshops)


def test_honeypot_filled_saves_nothing_but_answers_alike(
    client, stop, workshops, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, stop, {**form_data, "website": "http://spam.example"}, follow=True)

    assert "Merci, votre demande est bien reçue" in text_of(response)
    assert_nothing_saved(stop, workshops)
    assert mail.outbox == []


def test_csrf_is_enforced(stop, workshops, form_data):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(url(stop), form_data)

    assert response.status_code == 403
    assert_nothing_saved(stop, workshops)


def test_rate_limit_refuses_with_a_french_message(client, stop, workshops, form_data, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    post(client, stop, {**form_data, "email": "a@example.org"})
    post(client, stop, {**form_data, "email": "b@example.org"})

    response = post(client, stop, {**form_data, "email": "c@example.org"})

    assert response.status_code == 429
    assert "Trop d’envois depuis votre connexion" in text_of(response)
    assert Registration.objects.filter(email="c@example.org").exists() is False


def test_rate_limit_counts_per_client_address(client, stop, workshops, form_data, settings):
    settings.REGISTRATION_RATE_LIMIT = "1/m"
    post(client, stop, {**form_data, "email": "a@example.org"}, REMOTE_ADDR="10.0.0.1")

    response = post(client, stop, {**form_data, "email": "b@example.org"}, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 302
    assert Registration.objects.count() == 2


def test_empty_rate_limit_turns_it_off(client, stop, workshops, form_data, settings):
    settings.REGISTRATION_RATE_LIMIT = ""

    for n in range(3):
        post(client, stop, {**form_data, "email": f"n{n}@example.org", "mode": "online",
                            "lunch": "", slot_field_name(workshops[0].starts_at): ""})  # fmt: skip

    assert Registration.objects.count() == 3


# --- Self-service management -------------------------------------------------------------


@pytest.fixture
def registration(stop, workshops):
    registration, _ = services.register(
        stop=stop, **registration_details(email="ada@example.org", workshops=[workshops[0]])
    )
    return registration


def manage_url(registration, action=""):
    return f"/inscription/{make_token(registration)}/{action}"


def test_management_link_carries_no_personal_data(registration):
    from django.core import signing

    token = make_token(registration)

    # The payload is only base64-encoded, not encrypted: read it as anyone could.
    payload = signing.b64_decode(token.split(":")[0].encode()).decode()
    assert payload == f'[{registration.pk},"{registration.management_key}"]'
    for personal in ("ada", "camille", "durand", "montpellier"):
        assert personal not in payload.lower()
        assert personal not in token.lower()


def test_management_page_shows_the_registration_and_is_never_cached(client, registration):
    response = client.get(manage_url(registration))

    page = text_of(response)
    assert "Mon inscription" in page
    assert "Camille Durand" in page
    assert "ada@example.org" in page
    assert "Confirmée" in page
    assert "no-store" in response["Cache-Control"]


def test_change_workshop_from_the_management_page(client, registration, workshops):
    slot = slot_field_name(workshops[0].starts_at)

    response = client.post(manage_url(registration, "ateliers/"), {slot: str(workshops[1].pk)})

    assert response.status_code == 302
    assert registration.bookings.get().session == workshops[1]
    assert [Session.objects.get(pk=w.pk).seats_taken for w in workshops] == [0, 1, 0]
    assert "Votre choix d’atelier est enregistré" in text_of(client.get(response.url))


def test_switch_to_online_from_the_management_page(client, registration, stop):
    client.post(manage_url(registration, "participation/"), {"mode": "online"})

    registration.refresh_from_db()
    assert registration.mode == "online"
    assert Stop.objects.get(pk=stop.pk).seats_taken == 0


def test_going_online_says_beforehand_and_afterwards_that_the_workshop_is_given_up(
    client, registration, workshops
):
    before = text_of(client.get(manage_url(registration)))

    response = client.post(manage_url(registration, "participation/"), {"mode": "online"})
    after = text_of(client.get(response.url))

    assert "Suivre la journée en ligne libère votre place en présentiel et vos places aux " in (
        before
    )
    assert (
        "Vous suivez désormais la journée en ligne. Votre place à l’atelier "
        f"« {workshops[0].title} » est libérée." in after
    )
    assert not registration.bookings.exists()


def test_going_online_while_waiting_for_a_workshop_says_the_waiting_list_is_left(
    client, stop, workshops
):
    Stop.objects.filter(pk=stop.pk).update(capacity=10)
    for _ in range(2):
        services.register(stop=stop, **registration_details(workshops=[workshops[1]]))
    waiting, _ = services.register(
        stop=stop, **registration_details(workshops=[workshops[1]], accept_waiting_list=True)
    )
    assert waiting.bookings.get().status == "waiting"

    response = client.post(manage_url(waiting, "participation/"), {"mode": "online"})
    after = text_of(client.get(response.url))

    assert f"Vous quittez la liste d’attente de l’atelier « {workshops[1].title} »." in after
    assert "Votre place à l’atelier" not in after


def test_someone_on_the_days_waiting_list_is_not_promised_a_place_to_give_up(
    client, registration, stop
):
    for _ in range(stop.capacity - 1):
        services.register(stop=stop, **registration_details())
    waiting, _ = services.register(stop=stop, **registration_details(accept_waiting_list=True))

    page = " ".join(text_of(client.get(manage_url(waiting))).split())

    assert waiting.status == "waiting"
    assert "vous retire de la liste d’attente pour une place en présentiel" in page
    assert "libère votre place" not in page
    assert "Votre place sera proposée" not in page


def test_a_change_refused_because_registration_closed_meanwhile_says_why(
    client, registration, stop
):
    page = client.get(manage_url(registration))  # the tab stays open
    Stop.objects.filter(pk=stop.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = client.post(manage_url(registration, "participation/"), {"mode": "online"})

    assert page.status_code == 200
    assert response.status_code == 400
    assert 'id="mode-errors"' in response.content.decode()
    assert "changes are no longer possible" not in text_of(response)
    assert "Les inscriptions sont closes" in text_of(response)
    assert Registration.objects.get(pk=registration.pk).mode == "in_person"


def test_a_successful_change_lands_at_the_top_of_the_page(client, registration):
    response = client.post(manage_url(registration, "participation/"), {"mode": "online"})

    assert response.status_code == 302
    assert response.url.endswith("/#top")


def test_a_workshop_chosen_from_a_stale_page_after_going_online_says_why_it_is_refused(
    client, registration, workshops
):
    services.switch_mode(registration=registration, mode="online")  # in another tab
    slot = slot_field_name(workshops[0].starts_at)

    response = client.post(manage_url(registration, "ateliers/"), {slot: str(workshops[1].pk)})

    assert response.status_code == 400
    assert "Les ateliers se tiennent uniquement en présentiel : choisissez" in text_of(response)
    assert not registration.bookings.exists()


@pytest.mark.parametrize(
    ("action", "prefix", "data"),
    [
        ("ateliers/", "workshops", lambda slot: {slot: "999999"}),
        ("participation/", "mode", lambda slot: {"mode": "by pigeon"}),
        ("coordonnees/", "details", lambda slot: {"first_name": ""}),
        ("annulation/", "cancel", lambda slot: {}),
    ],
)
def test_a_refused_management_form_brings_the_browser_to_its_errors(
    client, registration, workshops, action, prefix, data
):
    page = client.get(manage_url(registration)).content.decode()

    response = client.post(
        manage_url(registration, action), data(slot_field_name(workshops[0].starts_at))
    )

    form = re.search(rf'<form method="post" action="([^"]*{action})#([^"]+)"', page)
    assert form, f"no form posting to {action}"
    assert form.group(2) == f"{prefix}-errors"
    assert response.status_code == 400
    assert f'id="{prefix}-errors"' in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_the_details_form_asks_to_choose_a_category_in_french(client, registration):
    page = client.get(manage_url(registration)).content.decode()

    assert "— choisissez —" in page
    assert "---------" not in page


def details_data(**overrides):
    """The management page's details form, as the browser posts it."""
    return {
        "first_name": "Camille",
        "last_name": "Martin",
        "organisation": "Région Occitanie",
        "job_title": "DGA",
        "category": "elected",
        "phone": "",
        **overrides,
    }


def test_update_details_from_the_management_page(client, registration):
    page = text_of(client.get(manage_url(registration)))

    client.post(manage_url(registration, "coordonnees/"), details_data())

    registration.refresh_from_db()
    assert (registration.last_name, registration.category) == ("Martin", "elected")
    # The section holds lunch and access needs too, and says so.
    assert "Mettre à jour mes informations (coordonnées, déjeuner, accessibilité)" in page


def test_lunch_cannot_be_added_to_an_online_registration(client, registration):
    services.switch_mode(registration=registration, mode="online")

    response = client.post(manage_url(registration, "coordonnees/"), details_data(lunch="on"))

    assert response.status_code == 400
    assert "Le déjeuner est servi sur place" in error_next_to(response, "id_lunch")
    registration.refresh_from_db()
    assert registration.last_name != "Martin"  # nothing saved
    assert registration.lunch is False


def test_invalid_details_are_refused_in_french(client, registration):
    response = client.post(manage_url(registration, "coordonnees/"), {"first_name": "x" * 101})

    assert response.status_code == 400
    assert "au plus 100 caractères" in error_next_to(response, "id_first_name")
    registration.refresh_from_db()
    assert registration.first_name == "Camille"


def test_cancel_needs_confirmation_then_frees_the_place(client, registration, stop):
    refused = client.post(manage_url(registration, "annulation/"), {})
    assert "Cochez la case pour confirmer l’annulation." in error_next_to(refused, "id_confirm")
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"

    client.post(manage_url(registration, "annulation/"), {"confirm": "on"})

    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
    assert Stop.objects.get(pk=stop.pk).seats_taken == 0


def test_personal_calendar_download(client, registration, workshops):
    response = client.get(manage_url(registration, "agenda.ics"))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.count(b"BEGIN:VEVENT") == 2
    assert workshops[0].title.encode() in response.content


def test_an_online_calendar_gives_the_stream_link_or_says_it_will_come(client, registration, stop):
    from icalendar import Calendar

    services.switch_mode(registration=registration, mode="online")

    def day_event():
        body = client.get(manage_url(registration, "agenda.ics")).content
        return next(e for e in Calendar.from_ical(body).walk("VEVENT") if "day" in str(e["uid"]))

    before = day_event()
    Stop.objects.filter(pk=stop.pk).update(online_url="https://live.example.org/x")
    after = day_event()

    assert "LOCATION" not in before  # not the programme page, no way into the stream
    assert "vous sera envoyé par e-mail avant la journée" in str(before["description"])
    assert str(before["description"]).startswith("Suivi en ligne\u202f: le lien")
    assert str(after["location"]) == "https://live.example.org/x"


@pytest.mark.parametrize(
    "token",
    ["nimportequoi", "WzEsImFiYyJd:1abc:forged", "a" * 500],
)  # a NUL character gets the 400 page before any view: tests/test_hostile_input.py
def test_forged_token_gets_a_clear_page_with_a_fresh_link_form(client, registration, token):
    response = client.get(f"/inscription/{token}/")

    assert response.status_code == 404
    page = text_of(response)
    assert "Ce lien ne fonctionne pas" in page
    assert "M’envoyer mon lien" in page


def test_tampered_token_cannot_act(client, registration, stop):
    token = make_token(registration)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    response = client.post(f"/inscription/{tampered}/annulation/", {"confirm": "on"})

    assert response.status_code == 404
    assert "Ce lien ne fonctionne pas" in text_of(response)
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
    assert Stop.objects.get(pk=stop.pk).seats_taken == 1


def test_token_of_another_key_is_refused(client, registration):
    from django.core import signing

    forged = signing.dumps([registration.pk, "guessed-key"], salt="registrations.manage")

    shown = client.get(f"/inscription/{forged}/")
    cancel = client.post(f"/inscription/{forged}/annulation/", {"confirm": "on"})

    assert shown.status_code == 404
    assert "Ce lien ne fonctionne pas" in text_of(shown)
    assert "ada@example.org" not in text_of(shown)
    assert cancel.status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_expired_token_gets_a_clear_page(client, registration, stop):
    Stop.objects.filter(pk=stop.pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=2),
    )

    response = client.post(manage_url(registration, "annulation/"), {"confirm": "on"})

    assert response.status_code == 410
    assert "Ce lien a expiré" in text_of(response)
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_fresh_link_is_sent_only_to_known_addresses_with_the_same_answer(
    client, registration, deliver_emails
):
    with deliver_emails():
        known = client.post("/inscription/nouveau-lien/", {"email": "ADA@example.org"})
        unknown = client.post("/inscription/nouveau-lien/", {"email": "nobody@example.org"})

    assert text_of(known).replace("ADA@example.org", "X") == text_of(unknown).replace(
        "nobody@example.org", "X"
    )
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    token = re.search(r"/inscription/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert registration_from_token(token) == registration


def test_fresh_link_refuses_a_bad_email_in_french(client, db):
    response = client.post("/inscription/nouveau-lien/", {"email": "pas-une-adresse"})

    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide." in error_next_to(response, "id_email")


def test_privacy_page_says_what_is_kept_why_how_long_and_how_to_erase(client, db):
    page = text_of(client.get("/confidentialite/"))

    assert "Ce que nous conservons" in page
    assert "article 6.1.b du RGPD" in page
    assert "douze mois après la journée" in page
    assert "effacer votre inscription (droit à l’effacement)" in page


class BrokenMailServer:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError("SMTP server down")

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def test_a_mail_server_failure_does_not_fail_a_saved_registration(
    client, stop, workshops, form_data, settings, deliver_emails, caplog
):
    settings.EMAIL_BACKEND = "tests.registrations.test_views.BrokenMailServer"

    with deliver_emails():
        response = post(client, stop, form_data)

    assert response.status_code == 302
    assert Registration.objects.filter(email=form_data["email"]).exists()
    delivery = EmailDelivery.objects.get(recipient=form_data["email"])
    assert (delivery.status, delivery.attempts) == ("queued", 1)  # tried, to be tried again
    assert delivery.last_error == "ConnectionRefusedError: SMTP server down"
    assert "SMTP server down" in caplog.text


def test_management_page_ids_are_unique_and_each_label_ticks_its_own_box(client, registration):
    html = client.get(manage_url(registration)).text

    ids = re.findall(r'\sid="([^"]+)"', html)
    labels = re.findall(r'<label for="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert set(labels) <= set(ids)
    assert 'for="id_workshops_accept_waiting_list"' in html
    assert 'for="id_attendance_accept_waiting_list"' in html
    assert 'name="accept_waiting_list"' in html  # what the browser posts is unchanged
    assert 'type="tel"' in html.split('name="phone"')[0].rsplit("<input", 1)[1]


def test_mode_error_on_the_management_page_points_to_its_own_field(client, registration, stop):
    services.switch_mode(registration=registration, mode="online")
    Stop.objects.filter(pk=stop.pk).update(seats_taken=stop.capacity)

    response = client.post(manage_url(registration, "participation/"), {"mode": "in_person"})

    assert response.status_code == 400
    assert "Toutes les places" in error_next_to(response, "id_attendance_accept_waiting_list")


def test_error_summary_uses_the_colon_of_the_language(client, stop, workshops, form_data):
    url = f"/{stop.slug}/inscription/"
    french = client.post(url, {**form_data, "email": "pas-une-adresse"})
    client.cookies["django_language"] = "en"
    english = client.post(url, {**form_data, "email": "not-an-address"})

    assert "Adresse e-mail</a>\u202f: " in french.content.decode()
    assert "E-mail address</a>: " in english.content.decode()
