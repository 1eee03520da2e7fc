"""The thank-you page after the registration form: what the person got, and nothing more."""

import pytest
from django.contrib.sessions.models import Session as DjangoSession
from django.core import mail, signing
from django.test import Client

from events.models import Session, Stop
from registrations import services, views
from registrations.forms import slot_field_name
from registrations.models import Registration
from tests.factories import StopFactory, WorkshopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def register(client, stop, data):
    """Post the form as a browser does and follow to the thank-you page."""
    return client.post(f"/{stop.slug}/inscription/", data, follow=True)


def fill_the_day(stop):
    for _ in range(stop.capacity - Stop.objects.get(pk=stop.pk).seats_taken):
        services.register(stop=stop, **registration_details())


def test_thank_you_page_says_the_place_and_the_workshop_are_confirmed(
    client, stop, workshops, form_data
):
    response = register(client, stop, form_data)

    page = text_of(response)
    assert response.redirect_chain == [(f"/{stop.slug}/inscription/merci/", 302)]
    assert "Votre place en présentiel est confirmée." in page
    assert f"{workshops[0].title} (15h00–16h30) : place confirmée" in page
    assert "liste d’attente" not in page


def test_thank_you_page_gives_the_rank_on_the_days_waiting_list(client, stop, workshops, form_data):
    fill_the_day(stop)
    services.register(stop=stop, **registration_details(accept_waiting_list=True))

    response = register(client, stop, {**form_data, "accept_waiting_list": "on"})

    page = text_of(response)
    assert "vous êtes n° 2 sur la liste d’attente de la journée" in page
    assert f"{workshops[0].title} (15h00–16h30) : liste d’attente, dès que vous aurez" in page
    assert "Votre place en présentiel est confirmée." not in page


def test_thank_you_page_gives_the_rank_on_each_workshops_waiting_list(
    client, stop, workshops, form_data
):
    Session.objects.filter(pk=workshops[0].pk).update(capacity=1)
    for _ in range(3 - 1):
        services.register(
            stop=stop,
            **registration_details(workshops=[workshops[0]], accept_waiting_list=True),
        )

    response = register(client, stop, {**form_data, "accept_waiting_list": "on"})

    page = text_of(response)
    assert "Votre place en présentiel est confirmée." in page
    assert f"{workshops[0].title} (15h00–16h30) : liste d’attente, n° 2" in page


def test_thank_you_page_says_online_attendance(client, stop, workshops, form_data):
    data = {**form_data, "mode": "online", slot_field_name(workshops[0].starts_at): ""}
    del data["lunch"]  # served on site only

    page = text_of(register(client, stop, data))

    assert "Vous êtes inscrit·e pour suivre la journée en ligne." in page
    assert "Vos ateliers" not in page
    assert "passer en ligne" not in page  # they are online already
    assert "changer de mode de participation ou d’atelier" in page


def test_address_already_registered_gets_the_bots_page_and_no_status(
    client, stop, workshops, form_data, deliver_emails
):
    fill_the_day(stop)
    existing, _ = services.register(
        stop=stop, **registration_details(email="ada@example.org", accept_waiting_list=True)
    )
    outsider, bot = Client(), Client()
    typed = {**form_data, "email": "ADA@example.org", "accept_waiting_list": "on"}

    with deliver_emails():
        again = text_of(register(outsider, stop, typed))
    decoy = text_of(register(bot, stop, {**typed, "website": "http://spam.example"}))

    assert again == decoy
    assert "Merci, votre demande est bien reçue" in again
    assert "Un e-mail vient d’être envoyé à ADA@example.org." in again
    for status_word in ("attente", "confirmée", "en ligne.", "n° "):
        assert status_word not in again, status_word
    assert Registration.objects.filter(email__iexact="ada@example.org").count() == 1
    assert mail.outbox[-1].subject.startswith("[IntercoTOUR] Vous êtes déjà inscrit·e")
    assert existing.status == "waiting"


def test_registering_again_in_the_same_browser_no_longer_shows_the_outcome(
    client, stop, workshops, form_data
):
    register(client, stop, form_data)

    again = text_of(register(client, stop, form_data))

    assert "Merci, votre demande est bien reçue" in again
    assert "confirmée" not in again


def test_thank_you_page_of_another_stop_shows_no_outcome(client, stop, workshops, form_data):
    other = StopFactory()
    register(client, stop, form_data)

    page = text_of(client.get(f"/{other.slug}/inscription/merci/"))

    assert "Merci, votre demande est bien reçue" in page
    assert "confirmée" not in page


def signed(value):
    """A cookie value signed as the site signs it (with the server's key)."""
    return signing.dumps(value, salt=views.RECEIVED_SALT, compress=True)


def genuine(pk):
    return signed({"email": "x@example.org", "registration": pk})


@pytest.mark.parametrize(
    "stored",
    [
        lambda pk: signed({"email": "x@example.org", "registration": "1 OR 1=1"}),
        lambda pk: signed({"email": ["x"], "registration": True}),
        lambda pk: signed({"email": "x@example.org", "registration": pk * 10**12}),
        lambda pk: signed(["x"]),
        lambda pk: signed("not a dict"),
        lambda pk: f'{{"email": "x@example.org", "registration": {pk}}}',  # not signed
        lambda pk: genuine(pk)[:-2] + ("xx" if not genuine(pk).endswith("xx") else "yy"),
        lambda pk: signing.dumps({"email": "x@example.org", "registration": pk}),  # other salt
        lambda pk: genuine(pk + 1),  # signed, but another stop's registration
    ],
)
def test_tampered_or_forged_cookie_shows_the_generic_page(client, stop, workshops, stored):
    registration = services.register(stop=stop, **registration_details())[0]
    services.register(stop=StopFactory(), **registration_details())
    client.cookies["registration"] = genuine(registration.pk)
    assert "confirmée" in text_of(client.get(f"/{stop.slug}/inscription/merci/"))  # control
    client.cookies["registration"] = stored(registration.pk)

    response = client.get(f"/{stop.slug}/inscription/merci/")

    assert response.status_code == 200
    page = text_of(response)
    assert "Merci, votre demande est bien reçue" in page
    assert "confirmée" not in page


def test_the_outcome_is_kept_in_the_browser_not_on_the_server(client, stop, workshops, form_data):
    response = client.post(f"/{stop.slug}/inscription/", form_data)

    cookie = response.cookies["registration"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == views.RECEIVED_SECONDS
    assert cookie["path"] == f"/{stop.slug}/inscription/merci/"  # sent to that page only
    assert not DjangoSession.objects.exists()
    assert form_data["email"] in text_of(client.get(f"/{stop.slug}/inscription/merci/"))


def test_over_https_the_cookie_is_secure_and_says_so(client, stop, workshops, form_data, settings):
    settings.SESSION_COOKIE_SECURE = True

    response = client.post(f"/{stop.slug}/inscription/", form_data, secure=True)

    cookie = response.cookies["__Secure-registration"]
    assert cookie["secure"]
    assert "confirmée" in text_of(client.get(f"/{stop.slug}/inscription/merci/", secure=True))


def test_cancelled_registration_shows_no_outcome(client, stop, workshops, form_data):
    register(client, stop, form_data)
    services.cancel_registration(registration=Registration.objects.get())

    page = text_of(client.get(f"/{stop.slug}/inscription/merci/"))

    assert "Merci, votre demande est bien reçue" in page


# --- The form when the day is full ------------------------------------------------------


def test_form_defaults_to_online_with_an_explanation_when_the_day_is_full(client):
    stop = StopFactory(capacity=2, seats_taken=2)
    WorkshopFactory(stop=stop)

    html = client.get(f"/{stop.slug}/inscription/").text

    online = (
        html.split('value="online"')[0].rsplit("<input", 1)[1]
        + html.split('value="online"')[1].split(">")[0]
    )
    in_person = html.split('value="in_person"')[1].split(">")[0]
    assert "checked" in online
    assert "checked" not in in_person
    assert "la participation en ligne est donc choisie" in text_of_html(html)


def test_form_defaults_to_in_person_while_places_are_left(client):
    stop = StopFactory(capacity=2, seats_taken=1)

    html = client.get(f"/{stop.slug}/inscription/").text

    assert "checked" in html.split('value="in_person"')[1].split(">")[0]
    assert "en ligne est donc choisie" not in html


def test_phone_fields_are_telephone_inputs(client, stop):
    html = client.get(f"/{stop.slug}/inscription/").text

    phone = html.split('name="phone"')[0].rsplit("<input", 1)[1]
    assert 'type="tel"' in phone


def text_of_html(html):
    class Page:
        text = html

    return text_of(Page)
