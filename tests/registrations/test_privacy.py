"""The registrant's rights: their data as a file, erasure, health data, purge, retention."""

import datetime
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from background.models import EmailDelivery
from registrations import selectors, services
from registrations.models import Registration, WorkshopBooking
from registrations.tokens import make_token
from registrations.traces import emails_of
from tests.factories import StopFactory, WorkshopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db

HEALTH = {
    "lunch": True,
    "dietary_requirements": "Sans gluten (maladie cœliaque)",
    "access_needs": "Fauteuil roulant",
    "reduced_mobility": True,
    "hearing_loop": True,
}


@pytest.fixture
def full_day(db):
    """A stop of one place and a workshop of one seat, both taken, each with someone waiting."""
    stop = StopFactory(capacity=1)
    workshop = WorkshopFactory(stop=stop, capacity=1)
    return stop, workshop


def register(stop, **overrides):
    return services.register(stop=stop, **registration_details(**overrides))[0]


@pytest.fixture
def camille(full_day, deliver_emails):
    stop, workshop = full_day
    with deliver_emails():
        camille = register(
            stop, first_name="Camille", last_name="Durand", phone="0612345678",
            workshops=[workshop], email="camille@example.org", **HEALTH,
        )  # fmt: skip
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=[camille], action_flag=CHANGE,
        change_message="Appelée : vient en train", single_object=True,
    )  # fmt: skip
    return camille


def test_download_my_data_holds_everything_stored_about_the_person(client, camille):
    response = client.get(reverse("registrations:my_data", args=[make_token(camille)]))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["registration"]["email"] == "camille@example.org"
    assert data["registration"]["phone"] == "0612345678"
    assert data["registration"]["access_needs"] == "Fauteuil roulant"
    assert [w["status"] for w in data["workshops"]] == ["confirmed"]
    assert data["admin_history"][0]["change"] == "Appelée : vient en train"
    assert [e["kind"] for e in data["emails_sent"]] == ["received"]
    assert data["emails_sent"][0]["subject"] == mail.outbox[0].subject
    assert "management_key" not in data["registration"]


def test_download_refused_with_a_forged_link(client, camille):
    response = client.get("/inscription/forged:link/mes-donnees.json")

    assert response.status_code == 404
    assert "camille" not in response.text


def test_erasure_asks_for_confirmation_first(client, camille):
    page = client.get(reverse("registrations:erase", args=[make_token(camille)]))

    assert "Effacer définitivement mon inscription" in text_of(page)
    assert Registration.objects.get(pk=camille.pk).email == "camille@example.org"


def test_erasure_frees_the_seats_for_those_waiting_then_anonymises(
    client, full_day, camille, deliver_emails
):
    stop, workshop = full_day
    with deliver_emails():
        waiting = register(stop, workshops=[workshop], accept_waiting_list=True)
    client.cookies["registration"] = "thank-you page of this browser"
    mail.outbox.clear()

    with deliver_emails():
        response = client.post(reverse("registrations:erase", args=[make_token(camille)]))

    assert "Inscription effacée" in text_of(response)
    erased = Registration.objects.get(pk=camille.pk)
    assert erased.status == Registration.Status.CANCELLED
    assert (erased.first_name, erased.last_name, erased.email, erased.phone) == (
        "—", "Anonyme", "", ""
    )  # fmt: skip
    assert (erased.organisation, erased.job_title, erased.access_needs) == ("", "", "")
    assert erased.dietary_requirements == ""
    assert not erased.reduced_mobility
    assert not WorkshopBooking.objects.filter(registration=erased).exists()
    assert not emails_of([erased.pk]).exists()
    assert not LogEntry.objects.filter(object_id=str(erased.pk)).exists()
    assert response.cookies["registration"]["max-age"] == 0  # the browser forgets it too
    # The seats followed: the person waiting got the place and the workshop seat.
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert waiting.bookings.get().status == WorkshopBooking.Status.CONFIRMED
    stop.refresh_from_db()
    workshop.refresh_from_db()
    assert (stop.seats_taken, workshop.seats_taken) == (1, 1)
    assert [m.to for m in mail.outbox] == [[waiting.email]]  # the promotion, nothing to ""


def test_after_erasure_the_link_shows_no_personal_data(client, camille):
    token = make_token(camille)
    client.post(reverse("registrations:erase", args=[token]))

    page = text_of(client.get(reverse("registrations:manage", args=[token])))

    assert "Cette inscription a été annulée" in page
    assert "Voir le programme" in page
    for personal in ("Camille", "Durand", "camille@example.org", "Anonyme"):
        assert personal not in page


def test_a_cancelled_registration_link_shows_no_personal_data(client, camille):
    services.cancel_registration(registration=camille)

    page = text_of(client.get(reverse("registrations:manage", args=[make_token(camille)])))

    assert "Cette inscription a été annulée" in page
    assert "Vos données sont supprimées douze mois après la journée" in page  # to the reader
    assert "les effacer dès maintenant" in page
    for personal in ("Camille", "Durand", "camille@example.org", "Fauteuil", "gluten"):
        assert personal not in page


def test_cancellation_removes_health_data_at_once(camille):
    services.cancel_registration(registration=camille)

    cancelled = Registration.objects.get(pk=camille.pk)
    assert (cancelled.dietary_requirements, cancelled.access_needs) == ("", "")
    assert not cancelled.reduced_mobility
    assert not cancelled.hearing_loop
    assert cancelled.email == "camille@example.org"  # the rest stays until the purge


def test_purge_also_removes_admin_history_and_expired_sessions(client, camille, full_day):
    stop, _workshop = full_day
    later = StopFactory(date=stop.date + datetime.timedelta(days=400))
    kept = register(later, email="kept@example.org")
    LogEntry.objects.log_actions(
        user_id=User.objects.get().pk, queryset=[kept], action_flag=CHANGE,
        change_message="Gardée", single_object=True,
    )  # fmt: skip
    for age in (-1, 1):
        Session.objects.create(
            session_key=f"session{age}", session_data="",
            expire_date=timezone.now() + datetime.timedelta(days=age),
        )  # fmt: skip
    after_retention = stop.date + datetime.timedelta(days=services.RETENTION_DAYS + 1)

    count = services.purge_old_registrations(today=after_retention)

    assert count == 1
    assert list(Registration.objects.values_list("email", flat=True)) == ["kept@example.org"]
    assert list(LogEntry.objects.values_list("change_message", flat=True)) == ["Gardée"]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["session1"]
    assert not emails_of([camille.pk]).exists()
    assert EmailDelivery.objects.exclude(recipient="kept@example.org").count() == 0


def test_purge_leaves_the_seat_counters_agreeing_with_the_rows(camille, full_day):
    stop, workshop = full_day
    after_retention = stop.date + datetime.timedelta(days=services.RETENTION_DAYS + 1)

    services.purge_old_registrations(today=after_retention)

    stop.refresh_from_db()
    workshop.refresh_from_db()
    assert (stop.seats_taken, workshop.seats_taken) == (0, 0)
    assert selectors.stops_seat_drift([stop]) == {}


def test_privacy_page_and_code_agree_on_retention(client, db):
    page = text_of(client.get(reverse("registrations:privacy")))

    assert services.RETENTION_DAYS == 365
    assert "douze mois après la journée" in page
    assert "trois ans" not in page
    assert "3 ans" not in page
    assert "supprimé avec l’inscription, douze mois après la journée" in page  # news consent
    assert "régime alimentaire et vos besoins d’accessibilité sont supprimés aussitôt" in page


def test_news_consent_goes_with_the_registration_at_the_purge(full_day):
    stop, _workshop = full_day
    register(stop, wants_news=True)

    services.purge_old_registrations(
        today=stop.date + datetime.timedelta(days=services.RETENTION_DAYS + 1)
    )

    assert not Registration.objects.filter(wants_news=True).exists()


def test_every_email_sent_is_in_the_persons_data(client, camille, run_tasks):
    services.resend_confirmation(registration=camille)
    services.message_registrants(stop=camille.stop, subject="Plan d’accès", body="Voici")
    run_tasks()

    data = client.get(reverse("registrations:my_data", args=[make_token(camille)])).json()

    emails = data["emails_sent"]
    assert sorted(e["kind"] for e in emails) == ["message", "received", "received"]
    assert {e["status"] for e in emails} == {"sent"}
    assert {e["subject"] for e in emails} == {m.subject for m in mail.outbox}
    assert "[IntercoTOUR] Plan d’accès" in {e["subject"] for e in emails}
