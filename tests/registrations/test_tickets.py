"""QR code tickets: in the e-mail and on the registration page, scanned at the desk."""

import base64
import re
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail, signing
from django.urls import reverse

from registrations import services
from registrations.models import Registration
from registrations.tickets import (
    InvalidTicket,
    registration_from_ticket,
    ticket_payload,
    ticket_png,
)
from registrations.tokens import make_token
from tests.factories import StopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_admin(admin_client):
    admin_client.cookies["django_language"] = "fr"
    return admin_client


@pytest.fixture
def person(stop, workshops):
    registration, _ = services.register(
        stop=stop,
        workshops=[workshops[0]],
        **registration_details(
            first_name="Inès", last_name="Gauthier", reduced_mobility=True, access_needs="Chien"
        ),
    )
    return registration


def desk(stop):
    return reverse("admin:events_stop_check_in", args=[stop.pk])


def test_ticket_names_the_registration_and_nothing_personal(person):
    payload = ticket_payload(person)

    readable = base64.urlsafe_b64decode(payload.split(":")[0].lstrip(".") + "==")
    assert registration_from_ticket(payload, stop=person.stop) == person
    for personal in (person.email, person.last_name, person.first_name, person.organisation):
        assert personal.encode() not in readable
        assert personal not in payload


def test_scanned_ticket_checks_the_person_in_and_shows_workshop_and_needs(
    french_admin, stop, workshops, person
):
    response = french_admin.post(desk(stop), {"action": "scan", "ticket": ticket_payload(person)})

    person.refresh_from_db()
    assert person.checked_in_at is not None
    text = text_of(response)
    assert "Inès Gauthier : Arrivée enregistrée." in text
    assert f"Atelier : {workshops[0].title}" in text
    assert "accès de plain-pied" in text.lower()
    assert "Chien" in text
    assert LogEntry.objects.filter(object_id=str(person.pk)).count() == 1


def test_a_ticket_scanned_twice_counts_once(french_admin, stop, person):
    french_admin.post(desk(stop), {"action": "scan", "ticket": ticket_payload(person)})
    first = Registration.objects.get(pk=person.pk).checked_in_at

    again = french_admin.post(desk(stop), {"action": "scan", "ticket": ticket_payload(person)})

    assert Registration.objects.get(pk=person.pk).checked_in_at == first
    assert "Inès Gauthier" in text_of(again)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p[:-2] + ("AA" if not p.endswith("AA") else "BB"),
        lambda p: "",
        lambda p: "n'importe quoi",
        lambda p: "x" * 5000,
    ],
    ids=["altered", "empty", "garbage", "huge"],
)
def test_a_tampered_ticket_changes_nothing_and_says_so_in_french(
    french_admin, stop, person, tamper
):
    response = french_admin.post(
        desk(stop), {"action": "scan", "ticket": tamper(ticket_payload(person))}
    )

    assert response.status_code == 400
    assert "Ce QR code n’est pas un billet pour cette journée" in text_of(response)
    person.refresh_from_db()
    assert person.checked_in_at is None
    assert not LogEntry.objects.exists()


def test_a_management_link_is_no_ticket(french_admin, stop, person):
    response = french_admin.post(desk(stop), {"action": "scan", "ticket": make_token(person)})

    assert response.status_code == 400
    person.refresh_from_db()
    assert person.checked_in_at is None


def test_a_ticket_for_another_day_is_refused(french_admin, stop, person):
    other = StopFactory()

    response = french_admin.post(desk(other), {"action": "scan", "ticket": ticket_payload(person)})

    assert response.status_code == 400
    person.refresh_from_db()
    assert person.checked_in_at is None
    with pytest.raises(InvalidTicket):
        registration_from_ticket(ticket_payload(person), stop=other)


def test_registration_page_shows_the_ticket_as_inline_svg(client, person):
    response = client.get(reverse("registrations:manage", args=[make_token(person)]))

    html = response.content.decode()
    svg = re.search(r"<figure class=\"ticket\">.*?</figure>", html, re.S).group(0)
    assert "<svg" in svg
    assert "style=" not in svg
    assert "présentez ce code à l’accueil" in svg


def test_the_ticket_downloads_as_a_png_that_the_desk_reads(client, french_admin, stop, person):
    token = make_token(person)
    page = client.get(reverse("registrations:manage", args=[token])).content.decode()

    # The ticket's signature carries the second it was made: one second for both.
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value="1234"):
        response = client.get(reverse("registrations:ticket", args=[token]))
        expected = ticket_png(person)

    assert f'href="{reverse("registrations:ticket", args=[token])}" download' in page
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="billet-intercotour.png"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"\x89PNG")
    assert response.content == expected


@pytest.mark.parametrize("change", ["online", "cancelled"])
def test_no_ticket_download_without_an_in_person_place(client, stop, person, change):
    if change == "online":
        services.switch_mode(registration=person, mode="online")
    else:
        services.cancel_registration(registration=person)
    token = make_token(person)

    response = client.get(reverse("registrations:ticket", args=[token]))
    page = client.get(reverse("registrations:manage", args=[token])).content.decode()

    assert response.status_code == 404
    assert "Un billet correspond à une place confirmée en présentiel" in text_of(response)
    assert "billet.png" not in page


def test_no_ticket_download_after_the_day(client, stop, person):
    from tests.registrations.test_certificates import move_to_the_past

    move_to_the_past(stop)

    response = client.get(reverse("registrations:ticket", args=[make_token(person)]))

    assert response.status_code == 404
    assert "Cette journée est passée : son billet ne sert plus." in text_of(response)


def test_a_tampered_link_downloads_no_ticket(client, person):
    token = make_token(person)

    response = client.get(reverse("registrations:ticket", args=[token[:-2] + "xx"]))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Ce lien ne fonctionne pas" in text_of(response)


def test_confirmation_email_carries_the_ticket_as_an_inline_png(stop, workshops, deliver_emails):
    with deliver_emails():
        services.register(stop=stop, workshops=[workshops[0]], **registration_details())

    message = mail.outbox[-1]
    images = [part for part in message.attachments if not isinstance(part, tuple)]
    assert len(images) == 1
    assert images[0].get_content_type() == "image/png"
    cid = images[0]["Content-ID"].strip("<>")
    html = message.alternatives[0][0]
    assert f'src="cid:{cid}"' in html
    assert "billet-intercotour.png" in message.body


def inline_images(message):
    return [part for part in message.attachments if not isinstance(part, tuple)]


def test_a_person_promoted_from_the_waiting_list_gets_the_ticket(stop, deliver_emails):
    holders = [
        services.register(stop=stop, **registration_details())[0] for _ in range(stop.capacity)
    ]
    waiting, _ = services.register(stop=stop, **registration_details(accept_waiting_list=True))

    with deliver_emails():
        services.cancel_registration(registration=holders[0])

    promoted = next(m for m in mail.outbox if m.to == [waiting.email])
    assert "Une place s’est libérée" in promoted.body
    assert len(inline_images(promoted)) == 1
    assert "billet-intercotour.png" in promoted.body
    assert "cid:" in promoted.alternatives[0][0]


def test_switching_to_in_person_sends_the_ticket_and_online_does_not(stop, deliver_emails):
    online, _ = services.register(stop=stop, **registration_details(mode="online"))

    with deliver_emails():
        services.switch_mode(registration=online, mode="in_person")
    to_in_person = mail.outbox[-1]
    with deliver_emails():
        services.switch_mode(registration=online, mode="online")
    to_online = mail.outbox[-1]

    assert len(inline_images(to_in_person)) == 1
    assert inline_images(to_online) == []
    assert "billet-intercotour.png" not in to_online.body


def test_a_change_queued_then_cancelled_is_not_sent(stop, workshops, run_tasks):
    person, _ = services.register(stop=stop, workshops=[workshops[0]], **registration_details())
    run_tasks()
    mail.outbox.clear()

    services.change_workshops(registration=person, workshops=[workshops[1]])
    services.cancel_registration(registration=person)  # before the worker sent the change
    run_tasks()

    assert len(mail.outbox) == 1  # the cancellation only, not "changed … (cancelled)"
    assert mail.outbox[0].subject.startswith("[IntercoTOUR] Inscription annulée")


def test_no_ticket_for_the_waiting_list_or_online(stop, deliver_emails):
    with deliver_emails():
        services.register(stop=stop, **registration_details(mode="online"))

    message = mail.outbox[-1]
    assert [part for part in message.attachments if not isinstance(part, tuple)] == []
    assert "cid:" not in message.alternatives[0][0]


def test_walk_in_has_no_preselected_category(french_admin, stop):
    page = french_admin.get(desk(stop))
    form = page.context["walk_in_form"]
    data = {
        "action": "walk_in",
        "first_name": "Paul",
        "last_name": "Nouveau",
        "organisation": "Ville de Pau",
    }

    refused = french_admin.post(desk(stop), data)

    assert form["category"].value() is None
    assert '<option value="" selected>' in page.content.decode()
    assert "Ce champ est obligatoire." in text_of(refused)
    assert not Registration.objects.filter(last_name="Nouveau").exists()
