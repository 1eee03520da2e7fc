"""Confirm or free your place: reminders before the day, one-click answers, no-shows."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone

from background.models import EmailDelivery
from events.models import Stop
from registrations import services
from registrations.models import Registration
from registrations.tokens import CONFIRM, FREE, make_attendance_token
from tests.factories import StopFactory, TourFactory, WorkshopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def register(stop, **overrides):
    return services.register(stop=stop, **registration_details(**overrides))[0]


@pytest.fixture
def full_day(db):
    """A day in 7 days: 2 places, 1 workshop seat, both taken; Chloé waits for both."""
    stop = StopFactory(capacity=2, date=timezone.localdate() + datetime.timedelta(days=7))
    workshop = WorkshopFactory(stop=stop, capacity=1)
    alice = register(stop, first_name="Alice", email="alice@example.org", workshops=[workshop])
    bruno = register(stop, first_name="Bruno", email="bruno@example.org")
    chloe = register(
        stop,
        first_name="Chloé",
        email="chloe@example.org",
        workshops=[workshop],
        accept_waiting_list=True,
    )
    Registration.objects.update(created_at=timezone.now() - datetime.timedelta(days=20))
    return stop, workshop, alice, bruno, chloe


def links_in(message):
    return re.findall(r"http://\S+/inscription/reponse/\S+/", message.body)


def answer_url(registration, answer):
    return reverse("registrations:attendance", args=[make_attendance_token(registration, answer)])


def test_reminders_go_once_to_each_in_person_place_with_two_answers(full_day, run_tasks):
    stop, _workshop, alice, bruno, chloe = full_day
    run_tasks()
    mail.outbox.clear()

    assert services.queue_reminders() == 2
    assert services.queue_reminders() == 0  # the job ran twice: nothing queued twice
    run_tasks()

    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bruno@example.org"]
    message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert message.subject.startswith("[IntercoTOUR] Confirmez ou libérez votre place")
    assert "dans 7 jours" in message.body
    assert len(links_in(message)) == 2
    assert EmailDelivery.objects.filter(kind="reminder").count() == 2


def test_the_second_reminder_and_the_practical_one_come_on_their_days(full_day, run_tasks):
    stop, _workshop, alice, bruno, chloe = full_day
    services.queue_reminders()
    services.confirm_attendance(registration=alice)
    run_tasks()
    mail.outbox.clear()

    two_days = services.queue_reminders(today=stop.date - datetime.timedelta(days=2))
    day_before = services.queue_reminders(today=stop.date - datetime.timedelta(days=1))
    run_tasks()

    assert two_days == 1  # Bruno, who has not answered; Alice confirmed
    assert day_before == 2  # the practical reminder to both
    practical = [m for m in mail.outbox if "À demain" in m.subject]
    assert sorted(m.to[0] for m in practical) == ["alice@example.org", "bruno@example.org"]
    assert practical[0].attachments[0][0] == "intercotour.ics"
    assert "Tram ligne 1" in practical[0].body  # how to get there


def test_the_answer_page_asks_before_acting_so_mail_scanners_change_nothing(client, full_day):
    _stop, _workshop, alice, _bruno, _chloe = full_day

    page = text_of(client.get(answer_url(alice, FREE)))

    assert "Je libère ma place" in page
    # The day, mid-line, in lower case as French writes it: "Lyon, jeudi 4 juin 2026".
    stop = alice.stop
    assert f"{stop.city}, {formats.date_format(stop.date)}" in page
    assert formats.date_format(stop.date)[0].islower()
    alice.refresh_from_db()
    assert alice.status == "confirmed"


def test_free_my_place_promotes_the_first_waiting_at_once(client, full_day, run_tasks):
    stop, workshop, alice, _bruno, chloe = full_day
    run_tasks()
    mail.outbox.clear()

    page = text_of(client.post(answer_url(alice, FREE)))
    run_tasks()

    assert "Votre place est libérée" in page
    assert "votre place est allée à une personne de la liste d’attente" in page
    alice.refresh_from_db()
    chloe.refresh_from_db()
    assert (alice.status, alice.seat_freed_at is not None) == ("cancelled", True)
    assert chloe.status == "confirmed"
    assert chloe.bookings.get().status == "confirmed"  # the workshop seat too
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "chloe@example.org"]


def test_the_dashboard_tells_reminder_days_past_from_days_to_come(admin_client, full_day):
    stop = full_day[0]
    dashboard = reverse("admin:events_stop_dashboard", args=[stop.pk])
    Stop.objects.filter(pk=stop.pk).update(date=timezone.localdate() + datetime.timedelta(days=4))
    seven, two = (timezone.localdate() + datetime.timedelta(days=d) for d in (-3, 2))

    page = " ".join(text_of(admin_client.get(dashboard)).split())

    assert (
        f"Jours de rappel : {formats.date_format(seven, 'l j F Y')} (passé), "
        f"{formats.date_format(two, 'l j F Y')} (à venir)" in page
    )
    assert "Envoyés le" not in page


def test_i_confirm_is_stored_and_shown_on_the_dashboard(admin_client, client, full_day):
    stop, _workshop, alice, bruno, _chloe = full_day
    client.post(answer_url(alice, CONFIRM))
    client.post(answer_url(bruno, FREE))

    alice.refresh_from_db()
    page = " ".join(
        text_of(admin_client.get(reverse("admin:events_stop_dashboard", args=[stop.pk]))).split()
    )

    assert alice.attendance_confirmed_at is not None
    # Chloé, promoted into Bruno's place, has not answered yet.
    assert "Ont confirmé leur venue 1 N’ont pas encore répondu 1 Ont libéré leur place 1" in page


def test_a_confirmed_person_who_then_follows_online_is_no_longer_counted_as_coming(
    admin_client, client, full_day
):
    stop, _workshop, alice, _bruno, _chloe = full_day
    client.post(answer_url(alice, CONFIRM))
    dashboard = reverse("admin:events_stop_dashboard", args=[stop.pk])
    before = " ".join(text_of(admin_client.get(dashboard)).split())

    services.switch_mode(registration=alice, mode="online")
    after = " ".join(text_of(admin_client.get(dashboard)).split())

    assert "Ont confirmé leur venue 1 " in before
    assert "Ont confirmé leur venue 0 " in after


@pytest.mark.parametrize("situation", ["used_twice", "after_the_day", "cancelled"])
def test_a_bad_free_my_place_link_gets_a_french_page_and_changes_nothing(
    client, full_day, situation
):
    stop, _workshop, alice, _bruno, chloe = full_day
    expected = {
        "used_twice": "Votre place a déjà été libérée",
        "after_the_day": "Cette journée est passée",
        "cancelled": "Cette inscription a été annulée",
    }[situation]
    if situation == "used_twice":
        client.post(answer_url(alice, FREE))
    elif situation == "after_the_day":
        stop.date = timezone.localdate() - datetime.timedelta(days=1)
        stop.registration_closes_at = timezone.now() - datetime.timedelta(days=2)
        stop.registration_opens_at = timezone.now() - datetime.timedelta(days=30)
        stop.save()
    else:
        services.cancel_registration(registration=alice)
    before = list(Registration.objects.order_by("pk").values_list("status", "seat_freed_at"))

    opened = client.get(answer_url(alice, FREE))
    response = client.post(answer_url(alice, FREE))

    assert expected in text_of(opened)  # said when the link is opened, before any click
    assert "Je libère ma place" not in text_of(opened)
    assert response.status_code == 409
    assert expected in text_of(response)
    after = list(Registration.objects.order_by("pk").values_list("status", "seat_freed_at"))
    assert after == before


def test_freeing_a_place_nobody_waits_for_does_not_say_it_went_to_someone(client, full_day):
    _stop, _workshop, alice, _bruno, chloe = full_day
    services.cancel_registration(registration=chloe)  # the only person waiting

    page = text_of(client.post(answer_url(alice, FREE)))

    assert "Votre place est libérée" in page
    assert "liste d’attente" not in page
    assert "votre place est disponible pour quelqu’un d’autre" in page


def test_a_confirm_link_opened_again_says_it_is_done(client, full_day):
    _stop, _workshop, alice, _bruno, _chloe = full_day
    client.post(answer_url(alice, CONFIRM))

    page = text_of(client.get(answer_url(alice, CONFIRM)))

    assert "Votre venue est confirmée" in page
    assert "Je confirme" not in page


def test_a_tampered_answer_link_is_refused(client, full_day):
    _stop, _workshop, alice, _bruno, _chloe = full_day
    url = answer_url(alice, FREE)

    response = client.post(url.replace("/reponse/", "/reponse/x"))

    assert response.status_code == 404
    assert "Ce lien ne fonctionne pas" in text_of(response)
    alice.refresh_from_db()
    assert alice.status == "confirmed"


def test_no_place_to_answer_for_online(client, db):
    stop = StopFactory()
    online = register(stop, mode="online")

    response = client.post(answer_url(online, CONFIRM))

    assert response.status_code == 409
    assert "aucune place en présentiel" in text_of(response)


def test_reminder_days_are_validated_in_french(admin_client, db):
    from django.core.exceptions import ValidationError

    stop = StopFactory.build(reminder_days="7,zéro")
    with pytest.raises(ValidationError) as error:
        stop.full_clean(exclude=["tour"])
    assert "entre 1 et 60" in str(error.value)


def test_no_shows_per_stop_category_and_workshop_and_across_the_tour(admin_client, db):
    stop = StopFactory(capacity=10)
    workshop = WorkshopFactory(stop=stop, capacity=5, title="Atelier données")
    came = register(stop, category="elected", workshops=[workshop])
    register(stop, category="elected", workshops=[workshop])  # did not come
    register(stop, category="company")  # did not come
    services.check_in(registration=came)
    register(stop, mode="online")  # online: never a no-show
    Stop = type(stop)
    Stop.objects.filter(pk=stop.pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=3),
    )
    dashboard = reverse("admin:events_stop_dashboard", args=[stop.pk])

    page = " ".join(text_of(admin_client.get(dashboard)).split())
    tour = " ".join(
        text_of(
            admin_client.get(
                reverse("admin:registrations_registration_no_shows") + f"?tour={stop.tour_id}"
            )
        ).split()
    )

    summary = "2 des 3 inscrits confirmés sur place n’ont pas été accueillis : 67 % d’absence."
    assert summary in page
    assert "Élu·e 2 1 50 %" in page
    assert "Atelier données 2 1 50 %" in page
    assert summary in tour
    assert "3 2 67 %" in tour


def test_one_no_show_is_told_in_the_singular(admin_client, db):
    stop = StopFactory(capacity=10)
    came = register(stop)
    register(stop)  # did not come
    services.check_in(registration=came)
    type(stop).objects.filter(pk=stop.pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=3),
    )

    page = text_of(admin_client.get(reverse("admin:events_stop_dashboard", args=[stop.pk])))

    assert (
        "1 des 2 inscrits confirmés sur place n’a pas été accueilli : 50 % d’absence."
        in " ".join(page.split())
    )


def test_no_show_pages_need_the_permission(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_user("s", password="x", is_staff=True))

    response = client.get(reverse("admin:registrations_registration_no_shows"))

    assert response.status_code == 403


@pytest.mark.parametrize("tour", ["²", "x", "-1", "99999999999"])
def test_no_show_page_of_a_tampered_tour_is_not_an_error(admin_client, stop, tour):
    response = admin_client.get(
        reverse("admin:registrations_registration_no_shows"), {"tour": tour}
    )

    assert response.status_code in (200, 404)


def test_no_show_page_of_past_days_without_registrations_says_so(admin_client, db):
    tour = TourFactory()
    for days_ago in (30, 60):
        StopFactory(
            tour=tour,
            date=timezone.localdate() - datetime.timedelta(days=days_ago),
            registration_opens_at=timezone.now() - datetime.timedelta(days=days_ago + 30),
        )
    StopFactory(tour=tour)  # upcoming
    for status in (Stop.Status.DRAFT, Stop.Status.CANCELLED):  # over, never held: not counted
        StopFactory(
            tour=tour,
            status=status,
            date=timezone.localdate() - datetime.timedelta(days=10),
            registration_opens_at=timezone.now() - datetime.timedelta(days=40),
        )

    page = text_of(
        admin_client.get(reverse("admin:registrations_registration_no_shows"), {"tour": tour.pk})
    )

    assert (
        "2 journées de cette tournée sont passées, sans aucune inscription confirmée en "
        "présentiel à compter." in " ".join(page.split())
    )
    assert "Aucune journée de cette tournée n’est encore passée" not in page


def test_dashboard_says_when_the_reminders_go_out(admin_client, db):
    admin_client.cookies["django_language"] = "fr"
    day = timezone.localdate() + datetime.timedelta(days=30)
    stop = StopFactory(date=day, reminder_days="7,2")
    silent = StopFactory(reminder_days="")

    page = " ".join(
        text_of(admin_client.get(reverse("admin:events_stop_dashboard", args=[stop.pk]))).split()
    )
    none = text_of(admin_client.get(reverse("admin:events_stop_dashboard", args=[silent.pk])))

    week_before = formats.date_format(day - datetime.timedelta(days=7), "l j F Y")
    two_days_before = formats.date_format(day - datetime.timedelta(days=2), "l j F Y")
    assert f"Jours de rappel : {week_before} (à venir), {two_days_before} (à venir)" in page
    assert "Aucun rappel n’est prévu pour cette journée" in " ".join(none.split())


def test_the_dashboard_warns_when_online_attendees_have_no_live_stream_link(admin_client, db):
    admin_client.cookies["django_language"] = "fr"
    stop = StopFactory(date=timezone.localdate() + datetime.timedelta(days=10), online_url="")
    services.register(stop=stop, **registration_details(mode="online"))
    dashboard = reverse("admin:events_stop_dashboard", args=[stop.pk])

    page = admin_client.get(dashboard)
    without = " ".join(text_of(page).split())
    stop_field = reverse("admin:events_stop_change", args=[stop.pk]) + "#id_online_url"
    assert f'href="{stop_field}"' in page.content.decode()
    Stop.objects.filter(pk=stop.pk).update(online_url="https://live.example.org/x")
    with_link = " ".join(text_of(admin_client.get(dashboard)).split())

    assert (
        "1 personne suit la journée en ligne et aucun lien de retransmission n’est renseigné"
        in without
    )
    assert "écrivez-lui avec « Écrire aux inscrits », en ligne seulement" in without
    assert "Renseignez-le sur l’étape avant la veille : le rappel pratique de la veille" in without
    assert "aucun lien de retransmission" not in with_link


def test_reminders_held_up_until_the_day_was_over_are_not_sent(full_day, run_tasks):
    stop = full_day[0]
    run_tasks()  # the confirmations
    services.queue_reminders(today=stop.date - datetime.timedelta(days=1))  # 2 days + practical
    # A mail outage outlasted the day: the reminders are still waiting.
    Stop.objects.filter(pk=stop.pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=40),
        registration_closes_at=timezone.now() - datetime.timedelta(days=2),
    )
    mail.outbox.clear()

    run_tasks()

    held_up = EmailDelivery.objects.filter(kind__in=["reminder", "practical"])
    assert sorted(held_up.values_list("kind", flat=True)) == ["practical"] * 2 + ["reminder"] * 2
    assert set(held_up.values_list("status", "last_error")) == {("skipped", "The day is over.")}
    assert mail.outbox == []
