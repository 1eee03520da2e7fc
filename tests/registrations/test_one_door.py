"""One door for every write: the admin changes seats, statuses and waiting lists only through
the registration services, and every admin action declares its permission."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from events.admin import StopAdmin
from events.models import Session, Stop
from registrations import selectors, services
from registrations.forms import RegistrationForm, slot_field_name
from registrations.models import Registration
from tests.admin_forms import stop_change_data
from tests.factories import SpeakerFactory, StopFactory, WorkshopFactory, at, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def register(stop, **overrides):
    return services.register(stop=stop, **registration_details(**overrides))[0]


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def delegation_client(client):
    user = User.objects.create_user("delegation", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Délégation"))
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    return client


@pytest.fixture
def view_only_client(client):
    user = User.objects.create_user("lecture", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)
    return client


@pytest.fixture
def full_day(stop, workshops):
    """A full stop (3 places) and workshop; Bruno waits for the day and the workshop."""
    alice = register(stop, first_name="Alice", workshops=[workshops[0]])
    register(stop, workshops=[workshops[0]])
    register(stop)
    bruno = register(stop, first_name="Bruno", workshops=[workshops[0]], accept_waiting_list=True)
    assert (bruno.status, fresh(stop).seats_taken, fresh(workshops[0]).seats_taken) == (
        "waiting",
        3,
        2,
    )
    return alice, bruno


def action(client, model, name, objects):
    return client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": name, "_selected_action": [obj.pk for obj in objects]},
    )


# --- Deleting and erasing ----------------------------------------------------------------


def test_delegation_erases_a_registration_and_the_first_waiting_is_promoted(
    delegation_client, stop, workshops, full_day, deliver_emails
):
    alice, bruno = full_day
    mail.outbox.clear()

    with deliver_emails():
        response = action(delegation_client, "registrations_registration", "erase", [alice])

    assert response.status_code == 302
    erased, promoted = fresh(alice), fresh(bruno)
    assert (erased.status, erased.first_name, erased.email, erased.organisation) == (
        "cancelled",
        "—",
        "",
        "",
    )
    assert promoted.status == "confirmed"
    assert [b.status for b in promoted.bookings.all()] == ["confirmed"]
    assert (fresh(stop).seats_taken, fresh(workshops[0]).seats_taken) == (3, 2)
    assert [m.to for m in mail.outbox] == [[bruno.email]]  # the promotion, nothing to Alice
    assert "Alice" not in " ".join(LogEntry.objects.values_list("object_repr", flat=True))
    dashboard = text_of(
        delegation_client.get(reverse("admin:events_stop_dashboard", args=[stop.pk]))
    )
    assert "0 place restante" in dashboard
    assert "compteurs" not in dashboard  # no drift alert


def test_delegation_has_no_raw_delete_of_registrations(delegation_client, stop):
    registration = register(stop)

    page = delegation_client.get(
        reverse("admin:registrations_registration_delete", args=[registration.pk])
    )
    listing = delegation_client.get(reverse("admin:registrations_registration_changelist"))

    assert page.status_code == 403
    assert "delete_selected" not in listing.text
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_superuser_delete_frees_the_seats_and_promotes(admin_client, stop, workshops, full_day):
    alice, bruno = full_day

    response = admin_client.post(
        reverse("admin:registrations_registration_delete", args=[alice.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Registration.objects.filter(pk=alice.pk).exists()
    assert fresh(bruno).status == "confirmed"
    assert (fresh(stop).seats_taken, fresh(workshops[0]).seats_taken) == (3, 2)
    assert selectors.stops_seat_drift([stop]) == {}


def test_superuser_bulk_delete_goes_through_the_services(admin_client, stop, workshops, full_day):
    alice, bruno = full_day
    others = Registration.objects.exclude(pk__in=[alice.pk, bruno.pk])

    action(admin_client, "registrations_registration", "delete_selected", [alice, *others])
    admin_client.post(
        reverse("admin:registrations_registration_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [alice.pk, *others.values_list("pk", flat=True)],
            "post": "yes",
        },
    )

    assert list(Registration.objects.values_list("pk", "status")) == [(bruno.pk, "confirmed")]
    assert (fresh(stop).seats_taken, fresh(workshops[0]).seats_taken) == (1, 1)


def test_the_delete_confirmation_counts_what_django_would_in_constant_queries(
    admin_client, stop, workshops
):
    from django.contrib.admin import site
    from django.contrib.admin.utils import get_deleted_objects
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registrations.models import SessionRating, SurveyResponse

    Stop.objects.filter(pk=stop.pk).update(capacity=30)
    for workshop in workshops:
        Session.objects.filter(pk=workshop.pk).update(capacity=30)
    people = [register(fresh(stop), workshops=[workshops[n % 3]]) for n in range(12)]
    response = SurveyResponse.objects.create(registration=people[0], overall_rating=4)
    SessionRating.objects.create(response=response, session=workshops[0], usefulness=5)
    url = reverse("admin:registrations_registration_changelist")

    def confirmation(chosen):
        data = {"action": "delete_selected", "_selected_action": [p.pk for p in chosen]}
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.post(url, data)
        return page, len(queries)

    (one, one_count), (all_of_them, all_count) = confirmation(people[:1]), confirmation(people)
    request = one.wsgi_request
    _, django_counts, _, _ = get_deleted_objects(
        Registration.objects.filter(pk__in=[p.pk for p in people]), request, site
    )
    ours = site.get_model_admin(Registration).get_deleted_objects(
        Registration.objects.filter(pk__in=[p.pk for p in people]), request
    )

    assert all_count == one_count  # twelve registrations cost what one does
    assert {str(k): v for k, v in ours[1].items()} == {str(k): v for k, v in django_counts.items()}
    assert (ours[2], ours[3]) == (set(), [])  # no permission missing, nothing protected
    text = " ".join(text_of(all_of_them).split())
    assert text.count("Inscription : ") == 12
    assert Registration.objects.count() == 12  # only asked, nothing deleted


# --- Saving around a concurrent registration -----------------------------------------------


def test_a_registration_between_the_admins_read_and_write_keeps_exact_counts(
    admin_client, stop, workshops, monkeypatch
):
    register(stop, workshops=[workshops[0]])
    data = stop_change_data(admin_client, stop, title="Nouveau titre")
    real_get_object = StopAdmin.get_object
    slipped = []

    def get_object_then_someone_registers(self, request, object_id, from_field=None):
        obj = real_get_object(self, request, object_id, from_field)  # the admin's read
        if request.method == "POST" and not slipped:
            slipped.append(register(stop, workshops=[workshops[0]]))  # before the write
        return obj

    monkeypatch.setattr(StopAdmin, "get_object", get_object_then_someone_registers)
    response = admin_client.post(reverse("admin:events_stop_change", args=[stop.pk]), data)

    assert response.status_code == 302
    saved = fresh(stop)
    assert len(slipped) == 1
    assert (saved.title, saved.seats_taken) == ("Nouveau titre", 2)
    assert selectors.stops_seat_drift([stop]) == {}


def test_a_session_saved_in_the_admin_keeps_its_seat_counter(admin_client, stop, workshops):
    workshop = workshops[0]
    url = reverse("admin:events_session_change", args=[workshop.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for name in ("starts_at", "ends_at"):
        local = getattr(workshop, name).astimezone()
        data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%d/%m/%Y"), local.strftime("%H:%M")
    data["in_person_only"] = "on"
    data["title"] = "Atelier renommé"
    data.update({"session_speakers-TOTAL_FORMS": "0", "session_speakers-INITIAL_FORMS": "0"})
    register(stop, workshops=[workshop])  # after the form was read

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert (fresh(workshop).title, fresh(workshop).seats_taken) == ("Atelier renommé", 1)


# --- Adding and correcting through the services ------------------------------------------


def test_organiser_adds_a_registration_taken_by_phone(
    delegation_client, stop, workshops, deliver_emails
):
    with deliver_emails():
        response = delegation_client.post(
            reverse("admin:registrations_registration_add"),
            {
                "stop": stop.pk,
                "email": "elu@example.org",
                "first_name": "Paul",
                "last_name": "Martin",
                "organisation": "Mairie de Sète",
                "job_title": "Maire",
                "category": "elected",
                "phone": "",
                "mode": "in_person",
                "workshops": [workshops[1].pk],
            },
        )

    assert response.status_code == 302
    registration = Registration.objects.get(email="elu@example.org")
    assert (registration.status, [b.session for b in registration.bookings.all()]) == (
        "confirmed",
        [workshops[1]],
    )
    assert (fresh(stop).seats_taken, fresh(workshops[1]).seats_taken) == (1, 1)
    assert [m.to for m in mail.outbox] == [["elu@example.org"]]


def test_the_add_form_names_each_workshop_by_its_french_times(delegation_client, stop):
    WorkshopFactory(
        stop=stop, title="Atelier IA", starts_at=at(stop.date, 14), ends_at=at(stop.date, 15, 30)
    )

    page = text_of(delegation_client.get(reverse("admin:registrations_registration_add")))

    assert "14h00–15h30 – Atelier IA" in page
    assert "14:00" not in page


def test_adding_a_registration_refuses_two_workshops_of_one_slot_in_french(
    delegation_client, stop, workshops
):
    response = delegation_client.post(
        reverse("admin:registrations_registration_add"),
        {
            "stop": stop.pk,
            "email": "elu@example.org",
            "first_name": "Paul",
            "last_name": "Martin",
            "organisation": "Mairie de Sète",
            "job_title": "Maire",
            "category": "elected",
            "mode": "in_person",
            "workshops": [workshops[0].pk, workshops[1].pk],
        },
    )

    assert response.status_code == 200
    assert "Choisissez au plus un atelier par créneau." in text_of(response)
    assert not Registration.objects.exists()
    assert fresh(stop).seats_taken == 0


def correction(client, registration, **changes):
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    data.update(changes)
    return client.post(url, data)


def test_organiser_corrects_email_mode_and_workshops_through_the_services(
    delegation_client, stop, workshops, full_day, deliver_emails
):
    alice, bruno = full_day
    mistyped = alice.email
    mail.outbox.clear()

    with deliver_emails():
        response = correction(
            delegation_client, alice, email="alice.new@example.org", mode="online"
        )
        response_2 = correction(delegation_client, bruno, workshops=[str(workshops[2].pk)])

    assert (response.status_code, response_2.status_code) == (302, 302)
    alice, bruno = fresh(alice), fresh(bruno)
    assert (alice.email, alice.mode, alice.bookings.count()) == (
        "alice.new@example.org",
        "online",
        0,
    )
    assert bruno.status == "confirmed"  # promoted when Alice left the room
    assert [(b.session, b.status) for b in bruno.bookings.all()] == [(workshops[2], "confirmed")]
    assert (fresh(stop).seats_taken, fresh(workshops[0]).seats_taken) == (3, 1)
    assert selectors.stops_seat_drift([stop]) == {}
    recipients = [m.to for m in mail.outbox]
    assert ["alice.new@example.org"] in recipients
    assert [mistyped] not in recipients  # the mistyped address gets no management link
    assert [bruno.email] in recipients


def test_organiser_switching_someone_to_in_person_with_lunch_keeps_the_lunch(
    delegation_client, stop
):
    online = register(stop, mode="online")

    response = correction(
        delegation_client, online, mode="in_person", lunch="on", dietary_requirements="Halal"
    )

    assert response.status_code == 302
    online = fresh(online)
    assert (online.mode, online.lunch, online.dietary_requirements) == ("in_person", True, "Halal")


def test_organiser_ticking_lunch_for_someone_online_is_told_why_not(delegation_client, stop):
    online = register(stop, mode="online")
    delegation_client.cookies["django_language"] = "fr"

    response = correction(delegation_client, online, lunch="on")
    luncher = register(stop, lunch=True, dietary_requirements="Halal")
    switched = correction(delegation_client, luncher, mode="online")  # lunch left ticked

    assert response.status_code == 200
    assert "Le déjeuner est servi sur place" in text_of(response)
    assert fresh(online).lunch is False
    assert switched.status_code == 302  # the switch clears the lunch, as the attendee's does
    assert (fresh(luncher).mode, fresh(luncher).lunch) == ("online", False)


def test_correcting_to_a_taken_email_is_refused_and_changes_nothing(delegation_client, stop):
    first, second = register(stop), register(stop)

    response = correction(delegation_client, second, email=first.email.upper(), last_name="X")

    assert response.status_code == 200
    assert "Cette adresse e-mail est déjà inscrite pour cette journée." in text_of(response)
    assert (fresh(second).email, fresh(second).last_name) == (second.email, second.last_name)


# --- Permissions on every action ---------------------------------------------------------


def test_view_only_staff_runs_no_action(
    view_only_client, stop, workshops, full_day, django_capture_on_commit_callbacks
):
    alice, bruno = full_day
    speaker = SpeakerFactory(email="orateur@example.org")
    mail.outbox.clear()
    stops_before = Stop.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        for name in ["cancel", "erase", "promote", "resend_confirmation", "mark_checked_in"]:
            action(view_only_client, "registrations_registration", name, [alice, bruno])
        action(view_only_client, "events_stop", "duplicate", [stop])
        action(view_only_client, "speakers_speaker", "send_sign_in_link", [speaker])
    listing = view_only_client.get(reverse("admin:registrations_registration_changelist"))

    assert 'name="action"' not in listing.text  # no action is even offered
    assert (fresh(alice).status, fresh(alice).checked_in_at, fresh(bruno).status) == (
        "confirmed",
        None,
        "waiting",
    )
    assert Stop.objects.count() == stops_before
    assert mail.outbox == []
    assert fresh(speaker).sign_in_nonce == speaker.sign_in_nonce
    assert not LogEntry.objects.exists()


def test_every_admin_action_declares_its_permission():
    from django.contrib import admin

    undeclared = [
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.actions or []
        if not getattr(getattr(model_admin, name, None), "allowed_permissions", None)
    ]
    assert undeclared == []


# --- One rule, one place -----------------------------------------------------------------


@pytest.fixture
def chained():
    """Workshops A 9-10, B 9:30-11, C 10:30-12: A and C do not overlap, but the chain does."""
    stop = StopFactory()
    times = [(9, 0, 10, 0), (9, 30, 11, 0), (10, 30, 12, 0)]
    return stop, [
        WorkshopFactory(
            stop=stop, title=title, starts_at=at(stop.date, h1, m1), ends_at=at(stop.date, h2, m2)
        )
        for title, (h1, m1, h2, m2) in zip("ABC", times, strict=True)
    ]


def test_a_chain_of_overlapping_workshops_is_one_choice_in_the_form_and_the_service(chained):
    stop, (a, b, c) = chained

    form = RegistrationForm(stop)
    with pytest.raises(services.InvalidWorkshopChoice) as refused:
        register(stop, workshops=[a, c])

    assert form.workshop_fields == [slot_field_name(a.starts_at)]
    assert [label for value, label in form.fields[form.workshop_fields[0]].choices if value] == [
        "A (20 places restantes)",
        "B (20 places restantes)",
        "C (20 places restantes)",
    ]
    assert str(refused.value.message) == "Choisissez au plus un atelier par créneau."
    assert not Registration.objects.exists()
    assert register(stop, workshops=[c]).bookings.get().session == c


def test_registration_state_is_a_choice_of_the_model(stop):
    assert stop.registration_state() == "open"
    assert stop.registration_state().label == "Inscriptions ouvertes"
    Stop.objects.filter(pk=stop.pk).update(seats_taken=stop.capacity)
    assert fresh(stop).registration_state().label == (
        "Complet en présentiel – en ligne et liste d’attente"
    )


def test_a_walk_in_entered_twice_is_flagged_not_duplicated(delegation_client, stop):
    url = reverse("admin:events_stop_check_in", args=[stop.pk])
    walk_in = {
        "action": "walk_in",
        "first_name": "Jeanne",
        "last_name": "Petit",
        "organisation": "Mairie de Lunel",
        "category": "elected",
    }

    first = delegation_client.post(url, walk_in)
    again = delegation_client.post(url, {**walk_in, "first_name": " jeanne "})
    confirmed = delegation_client.post(url, {**walk_in, "confirm_duplicate": "on"})

    assert first.status_code == 302
    assert "Jeanne Petit (Mairie de Lunel) est déjà inscrite pour cette journée" in text_of(again)
    assert confirmed.status_code == 302
    assert Registration.objects.filter(last_name="Petit").count() == 2
    assert fresh(stop).seats_taken == 2


# --- Reconciliation ----------------------------------------------------------------------


def test_check_seats_reports_drift_and_fixes_it(stop, workshops, capsys):
    register(stop, workshops=[workshops[0]])
    Stop.objects.filter(pk=stop.pk).update(seats_taken=0)
    Session.objects.filter(pk=workshops[0].pk).update(seats_taken=2)

    with pytest.raises(CommandError):
        call_command("check_seats")
    report = capsys.readouterr().out
    call_command("check_seats", "--fix")
    call_command("check_seats")

    assert f"{stop.slug}: {stop}: counter 0, rows 1" in report
    assert f"{stop.slug}: {workshops[0].title}: counter 2, rows 1" in report
    assert (fresh(stop).seats_taken, fresh(workshops[0]).seats_taken) == (1, 1)
    assert "Seat counters match the registrations." in capsys.readouterr().out


def test_dashboard_alerts_on_seat_drift(delegation_client, stop):
    register(stop)
    Stop.objects.filter(pk=stop.pk).update(seats_taken=0)

    page = text_of(delegation_client.get(reverse("admin:events_stop_dashboard", args=[stop.pk])))

    assert "Les compteurs de places diffèrent des inscriptions." in page
    assert f"{stop} : compteur 0, inscriptions 1" in page
