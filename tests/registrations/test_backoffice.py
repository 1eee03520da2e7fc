"""The delegation team's back-office: roles, actions, dashboard, exports, check-in, messages."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from background.models import EmailDelivery
from events.models import Session, Stop
from registrations import emails, services
from registrations.models import Message, Registration
from registrations.tokens import registration_from_token
from tests.factories import (
    SessionFactory,
    SessionSpeakerFactory,
    StopFactory,
    WorkshopFactory,
    at,
    registration_details,
)
from tests.pages import french, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def delegation_client(client, db):
    user = User.objects.create_user("delegation", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Délégation"))
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    return client


@pytest.fixture
def bare_staff_client(client, db):
    client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    return client


def register(stop, **overrides):
    return services.register(stop=stop, **registration_details(**overrides))[0]


def page_urls(stop, workshop):
    return [
        reverse("admin:events_stop_dashboard", args=[stop.pk]),
        reverse("admin:events_stop_export", args=[stop.pk]),
        reverse("admin:events_stop_badges", args=[stop.pk]),
        reverse("admin:events_stop_check_in", args=[stop.pk]),
        reverse("admin:events_stop_message", args=[stop.pk]),
        reverse("admin:events_stop_attendance", args=[stop.pk, workshop.pk]),
    ]


# --- Roles --------------------------------------------------------------------------------


def test_delegation_group_manages_the_tour_but_not_users():
    group = Group.objects.get(name="Délégation")
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    editing = {
        f"{app}.{verb}_{model}"
        for app, models in [
            ("events", ["tour", "stop", "session", "contact", "partner"]),
            ("speakers", ["speaker", "sessionspeaker"]),
        ]
        for model in models
        for verb in ["view", "add", "change", "delete"]
    }
    registrations = {  # no raw delete: seats are freed by the services' cancel and erase
        f"registrations.{verb}_{model}"
        for model in ["registration", "workshopbooking"]
        for verb in ["view", "add", "change"]
    }
    after_the_day = {
        f"speakers.{verb}_{model}"
        for model in ["restitution", "sessiondocument"]
        for verb in ["view", "add", "change", "delete"]
    } | {
        "speakers.publish_restitution",
        "registrations.view_surveyresponse",
        "registrations.view_sessionrating",
    }
    outbox = {"background.view_emaildelivery", "background.change_emaildelivery"}
    assert perms == editing | registrations | after_the_day | outbox


def test_delegation_member_reaches_the_tour_pages(delegation_client, stop, workshops):
    register(stop, last_name="Lovelace", workshops=[workshops[0]])
    SessionSpeakerFactory(session=workshops[0], speaker__last_name="Ferguson")
    dashboard, export, badges, check_in, message, attendance = page_urls(stop, workshops[0])
    expected = {
        reverse("admin:events_stop_changelist"): stop.title,
        reverse("admin:events_session_changelist"): workshops[1].title,
        reverse("admin:speakers_speaker_changelist"): "Ferguson",
        reverse("admin:registrations_registration_changelist"): "Lovelace",
        dashboard: f"{workshops[0].title}",
        badges: "LOVELACE",
        check_in: "Accueil des participants",
        message: "Écrire aux inscrits",
        attendance: "LOVELACE",
    }

    for url, text in expected.items():
        response = delegation_client.get(url)
        assert response.status_code == 200, url
        assert text in text_of(response), url
    csv_export = delegation_client.get(export)
    assert "Lovelace" in b"".join(csv_export.streaming_content).decode("utf-8-sig")


def test_delegation_member_cannot_manage_users_or_groups(delegation_client):
    listings = [
        delegation_client.get(reverse(f"admin:{name}_changelist"))
        for name in ["auth_user", "auth_group"]
    ]
    added = delegation_client.post(
        reverse("admin:auth_user_add"),
        {"username": "intrus", "password1": "Xy7!long-pass", "password2": "Xy7!long-pass"},
    )
    promoted = delegation_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [User.objects.get().pk]},
    )

    assert [r.status_code for r in listings] == [403, 403]
    assert "Délégation" not in text_of(listings[1])
    assert (added.status_code, promoted.status_code) == (403, 403)
    assert list(User.objects.values_list("username", flat=True)) == ["delegation"]


def test_non_staff_is_sent_to_the_login_page(client, stop, workshops):
    client.force_login(User.objects.create_user("visitor", password="x"))

    for url in page_urls(stop, workshops[0]) + [reverse("admin:events_stop_changelist")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/"), url


def test_staff_without_permission_gets_403(bare_staff_client, stop, workshops):
    register(stop, last_name="Lovelace", email="ada@example.org", workshops=[workshops[0]])

    for url in page_urls(stop, workshops[0]):
        response = bare_staff_client.get(url)
        assert response.status_code == 403, url
        content = b"".join(response) if response.streaming else response.content
        assert b"ada@example.org" not in content, url
        assert b"LOVELACE" not in content.upper(), url
    response = bare_staff_client.post(
        reverse("admin:events_stop_check_in", args=[stop.pk]), {"action": "walk_in"}
    )
    assert response.status_code == 403
    assert list(Registration.objects.values_list("last_name", flat=True)) == ["Lovelace"]


# --- Programme editing -------------------------------------------------------------------


def test_stop_admin_lists_sessions_in_time_order_and_links_to_the_site(admin_client):
    stop = StopFactory()
    SessionFactory(stop=stop, title="Session du soir", starts_at=at(stop.date, 18))
    WorkshopFactory(stop=stop, title="Atelier du matin", starts_at=at(stop.date, 7))

    page = admin_client.get(reverse("admin:events_stop_change", args=[stop.pk])).text

    assert page.index("Atelier du matin") < page.index("Session du soir")
    assert 'class="viewsitelink"' in page


def test_session_times_read_as_french_writes_them_in_the_admin(admin_client):
    stop = StopFactory()
    session = SessionFactory(
        stop=stop,
        title="Table ronde",
        starts_at=at(stop.date, 9, 30),
        ends_at=at(stop.date, 10, 45),
    )

    listing = text_of(admin_client.get(reverse("admin:events_session_changelist")))

    assert "9h30–10h45" in listing
    assert "09:30" not in listing
    assert str(session) == f"{stop.date:%d/%m/%Y} 9h30 – Table ronde"


def test_session_admin_searches_speaker_names(admin_client):
    SessionSpeakerFactory(session__title="Table ronde IA", speaker__last_name="Ferguson")
    SessionFactory(title="Autre session")

    page = admin_client.get(reverse("admin:events_session_changelist"), {"q": "Ferguson"}).text

    assert "Table ronde IA" in page
    assert "Autre session" not in page


def test_duplicate_action_copies_the_programme_skeleton_into_a_draft(admin_client, stop, workshops):
    register(stop, workshops=[workshops[0]])
    SessionSpeakerFactory(session=workshops[0])

    response = admin_client.post(
        reverse("admin:events_stop_changelist"),
        {
            "action": "duplicate",
            "_selected_action": [stop.pk],
            "apply": "1",
            "date": "2031-03-12",
            "city": "Chambéry",
            "slug": "relation-usagers-chambery-2031",
        },
    )

    new = Stop.objects.get(slug="relation-usagers-chambery-2031")
    assert response.status_code == 302
    assert (new.status, new.city, str(new.date)) == ("draft", "Chambéry", "2031-03-12")
    copied = list(new.sessions.order_by("starts_at", "pk"))
    assert [(s.title, s.kind, s.room, s.capacity, s.seats_taken) for s in copied] == [
        (w.title, w.kind, w.room, w.capacity, 0) for w in workshops
    ]
    assert copied[0].starts_at.astimezone().hour == workshops[0].starts_at.astimezone().hour
    assert not new.registrations.exists()
    assert not copied[0].session_speakers.exists()
    assert LogEntry.objects.filter(object_id=str(new.pk), content_type__model="stop").count() == 1


def test_duplicate_action_refuses_a_taken_address_in_french(admin_client, stop):
    admin_client.cookies["django_language"] = "fr"
    before = Stop.objects.count()

    response = admin_client.post(
        reverse("admin:events_stop_changelist"),
        {
            "action": "duplicate",
            "_selected_action": [stop.pk],
            "apply": "1",
            "date": "2031-03-12",
            "city": "Chambéry",
            "slug": stop.slug,
        },
    )

    assert response.status_code == 200
    assert "Une étape utilise déjà cette adresse." in text_of(response)
    assert Stop.objects.count() == before


# --- Registrations list and actions ------------------------------------------------------


@pytest.mark.parametrize("count", [5, 300])
def test_registration_changelist_query_count_is_constant(
    admin_client, django_assert_num_queries, stop, count
):
    Stop.objects.filter(pk=stop.pk).update(capacity=1000)
    workshop = WorkshopFactory(stop=stop, capacity=1000)
    for n in range(count):
        register(stop, workshops=[workshop] if n % 2 else [])

    with django_assert_num_queries(7):
        response = admin_client.get(reverse("admin:registrations_registration_changelist"))

    assert response.status_code == 200
    assert text_of(response).count("Métropole de Montpellier") == min(count, 50)


def test_registration_changelist_filters_and_search(admin_client, stop, workshops):
    first = register(stop, workshops=[workshops[0]], last_name="Alpha")
    register(stop, workshops=[workshops[1]], last_name="Bravo")
    services.check_in(registration=first)
    url = reverse("admin:registrations_registration_changelist")

    by_workshop = text_of(admin_client.get(url, {"workshop": workshops[0].pk}))
    checked = text_of(admin_client.get(url, {"checked_in": "yes"}))
    searched = text_of(admin_client.get(url, {"q": first.email}))

    assert "Alpha" in by_workshop
    assert "Bravo" not in by_workshop
    assert "Alpha" in checked
    assert "Bravo" not in checked
    assert "Alpha" in searched
    assert "Bravo" not in searched


def action(client, name, registrations):
    return client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": name, "_selected_action": [r.pk for r in registrations]},
        follow=True,
    )


def test_cancel_action_promotes_the_waiting_list_and_is_logged(admin_client, stop):
    holders = [register(stop) for _ in range(3)]
    waiting = register(stop, accept_waiting_list=True)

    action(admin_client, "cancel", holders[:1])

    assert Registration.objects.get(pk=holders[0].pk).status == "cancelled"
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    entry = LogEntry.objects.get(object_id=str(holders[0].pk))
    assert entry.user.username == "admin"


def test_promote_action_needs_a_free_place(admin_client, stop):
    admin_client.cookies["django_language"] = "fr"
    for _ in range(3):
        register(stop)
    waiting = register(stop, accept_waiting_list=True, first_name="Bruno", last_name="Attente")

    refused = action(admin_client, "promote", [waiting])
    status_when_refused = Registration.objects.get(pk=waiting.pk).status
    Stop.objects.filter(pk=stop.pk).update(capacity=5)
    promoted = action(admin_client, "promote", [waiting])

    assert (
        "Bruno Attente : Aucune place en présentiel n’est libre : augmentez d’abord la capacité."
        in text_of(refused)
    )
    assert status_when_refused == "waiting"
    assert "1 inscription confirmée depuis la liste d’attente." in text_of(promoted)
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert Stop.objects.get(pk=stop.pk).seats_taken == 4


def test_resend_and_check_in_actions(admin_client, stop, deliver_emails):
    registration = register(stop, email="ada@example.org")

    with deliver_emails():
        action(admin_client, "resend_confirmation", [registration])
    action(admin_client, "mark_checked_in", [registration])

    (message,) = mail.outbox
    assert (message.to, message.subject.split(" – ")[0]) == (
        ["ada@example.org"],
        "[IntercoTOUR] Inscription confirmée",
    )
    assert "Vous avez demandé" not in message.body
    attached = {a[0] if isinstance(a, tuple) else a.get_filename() for a in message.attachments}
    assert attached == {"intercotour.ics", "billet-intercotour.png"}
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None


def test_resending_to_a_cancelled_registration_is_refused_and_sends_nothing(
    admin_client, stop, deliver_emails
):
    registration = register(stop, first_name="Ada", last_name="Annulée")
    services.cancel_registration(registration=registration, notify=False)

    with deliver_emails():
        response = action(admin_client, "resend_confirmation", [registration])

    assert "Cette inscription a été annulée" in text_of(response)
    assert mail.outbox == []


# --- Dashboard and exports ---------------------------------------------------------------


def test_dashboard_figures_on_the_demo_stop(admin_client, demo_stop):
    from demo.data import DEMO_COPY_SLUG

    stop = Stop.objects.get(slug=DEMO_COPY_SLUG)
    workshop = stop.sessions.workshops().order_by("pk").first()
    register(stop, workshops=[workshop], category="elected", lunch=True,
             dietary_requirements="Végétarien")  # fmt: skip
    register(stop, lunch=True, dietary_requirements="Végétarien", hearing_loop=True)
    register(stop, mode="online")
    admin_client.cookies["django_language"] = "fr"

    page = text_of(admin_client.get(reverse("admin:events_stop_dashboard", args=[stop.pk])))

    assert "Sur place 2 / 150" in page
    assert "148 places restantes" in page
    assert "En ligne 1" in page
    assert f"{workshop.title} 15h00–16h30 Atelier A 1 / 40 0" in page
    assert "Élu·e 1" in page
    assert "Agent·e de collectivité 2" in page
    assert "2 déjeuners" in page
    assert "Végétarien 2" in page
    assert "Boucle magnétique : 1" in page


@pytest.mark.parametrize(("variant", "delimiter", "bom"), [("", ";", True), ("csv", ",", False)])
def test_csv_export_opens_in_french_excel_or_as_standard_csv(
    admin_client, stop, workshops, variant, delimiter, bom
):
    register(stop, last_name="Dupont; fils", workshops=[workshops[0]], lunch=True)
    register(stop, last_name="Élodie", mode="online")
    url = reverse("admin:events_stop_export", args=[stop.pk])

    response = admin_client.get(url, {"format": variant} if variant else {})

    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()) is bom
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))
    assert rows[0][:3] == ["Nom", "Prénom", "E-mail"]
    assert len(rows) == 3
    dupont = next(row for row in rows if row[0] == "Dupont; fils")
    assert workshops[0].title in dupont[9]
    assert dupont[10] == "oui"


def test_attendance_sheet_and_badges(admin_client, stop, workshops):
    register(stop, last_name="Lovelace", workshops=[workshops[0]])
    register(stop, last_name="Hopper", workshops=[workshops[1]])

    sheet = text_of(
        admin_client.get(reverse("admin:events_stop_attendance", args=[stop.pk, workshops[0].pk]))
    )
    badges = text_of(admin_client.get(reverse("admin:events_stop_badges", args=[stop.pk])))

    assert "LOVELACE" in sheet
    assert "HOPPER" not in sheet
    assert "Camille LOVELACE Métropole de Montpellier Atelier" in badges
    assert "HOPPER" in badges


# --- Check-in on the day -----------------------------------------------------------------


def test_check_in_search_check_in_undo(delegation_client, stop):
    registration = register(stop, last_name="Lovelace", organisation="Ville de Sète")
    url = reverse("admin:events_stop_check_in", args=[stop.pk])

    found = text_of(delegation_client.get(url, {"q": "sète"}))
    delegation_client.post(url, {"action": "check_in", "registration": registration.pk})
    again = delegation_client.post(
        url, {"action": "check_in", "registration": registration.pk}, follow=True
    )
    checked_at = Registration.objects.get(pk=registration.pk).checked_in_at
    delegation_client.post(url, {"action": "undo", "registration": registration.pk})

    assert "LOVELACE Camille – Ville de Sète" in found
    assert checked_at is not None
    assert "Déjà enregistré·e." in text_of(again)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None
    assert LogEntry.objects.filter(object_id=str(registration.pk)).count() == 2


def test_the_desk_warns_that_it_is_not_the_day(delegation_client, stop):
    url = reverse("admin:events_stop_check_in", args=[stop.pk])
    warning = "Nous ne sommes pas le jour de cette étape"

    before = text_of(delegation_client.get(url))
    Stop.objects.filter(pk=stop.pk).update(date=timezone.localdate())
    on_the_day = text_of(delegation_client.get(url))

    assert warning in before
    assert "compte comme une vraie, au tableau de bord et pour les attestations" in before
    assert warning not in on_the_day


def test_an_arrival_recorded_another_day_shows_its_date(delegation_client, stop):
    registration = register(stop, last_name="Lovelace")
    services.check_in(registration=registration)
    url = reverse("admin:events_stop_check_in", args=[stop.pk])
    today = " ".join(text_of(delegation_client.get(url, {"q": "Lovelace"})).split())
    earlier = timezone.now() - datetime.timedelta(days=3)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=earlier)

    other_day = " ".join(text_of(delegation_client.get(url, {"q": "Lovelace"})).split())

    assert re.search(r"Arrivé·e à \d+h\d\d", today)
    day = timezone.localtime(earlier).strftime("%d/%m/%Y")
    assert re.search(rf"Arrivé·e le {day} à \d+h\d\d", other_day)


def test_after_a_check_in_the_desk_comes_back_to_the_same_search(delegation_client, stop):
    registration = register(stop, last_name="Lovelace", organisation="Durand & Fils 100%")
    url = reverse("admin:events_stop_check_in", args=[stop.pk])
    query = "Durand & Fils 100%"

    response = delegation_client.post(
        url, {"action": "check_in", "registration": registration.pk, "q": query}
    )
    page = delegation_client.get(response.url)

    assert response.url == f"{url}?q=Durand+%26+Fils+100%25"
    assert "LOVELACE Camille – Durand & Fils 100%" in text_of(page)
    assert f"{registration.full_name}\u202f: Arrivée enregistrée." in page.content.decode()


def test_walk_in_counts_against_capacity_and_is_refused_when_full(delegation_client, stop):
    url = reverse("admin:events_stop_check_in", args=[stop.pk])
    data = {
        "action": "walk_in",
        "first_name": "Grace",
        "last_name": "Hopper",
        "organisation": "Commune de Test",
        "category": "elected",
    }
    register(stop)
    register(stop)

    delegation_client.post(url, data)
    refused = delegation_client.post(url, {**data, "last_name": "Turing"})

    walk_in = Registration.objects.get(last_name="Hopper")
    assert (walk_in.walk_in, walk_in.status, walk_in.checked_in_at is not None) == (
        True,
        "confirmed",
        True,
    )
    assert Stop.objects.get(pk=stop.pk).seats_taken == 3
    assert "Le lieu est complet" in text_of(refused)
    assert not Registration.objects.filter(last_name="Turing").exists()


# --- Messages to registrants ---------------------------------------------------------------


def test_message_preview_then_send_one_email_per_recipient(
    admin_client, stop, workshops, run_tasks
):
    in_workshop = [register(stop, workshops=[workshops[0]]) for _ in range(2)]
    register(stop, workshops=[workshops[1]])
    register(stop, accept_waiting_list=True)  # stop is full: waiting, not a recipient
    url = reverse("admin:events_stop_message", args=[stop.pk])
    data = {
        "audience": f"workshop:{workshops[0].pk}",
        "subject": "Salle changée",
        "body": "Salle B12.",
    }
    admin_client.cookies["django_language"] = "fr"
    run_tasks()  # the confirmations
    mail.outbox.clear()

    preview = admin_client.post(url, {**data, "preview": "1"})
    assert mail.outbox == []
    admin_client.post(url, {**data, "send": "1"})
    queued = text_of(admin_client.get(url))
    assert mail.outbox == []  # the request only queued the message
    run_tasks()

    assert "Ce message sera envoyé à 2 inscrits" in text_of(preview)
    assert "Salle changée" in queued
    assert "2 2 0 0" in " ".join(queued.split())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in in_workshop)
    assert all(len(m.to) == 1 and m.subject == "[IntercoTOUR] Salle changée" for m in mail.outbox)
    by_address = {m.to[0]: m.body for m in mail.outbox}
    for registration in in_workshop:
        body = by_address[registration.email]
        assert body.startswith(f"Bonjour {registration.first_name},")
        assert "Salle B12." in body
        token = re.search(r"/inscription/([^/\s]+)/", body).group(1)
        assert registration_from_token(token) == registration  # their own management link
    progress = " ".join(text_of(admin_client.get(url)).split())
    assert "2 0 2 0" in progress  # recipients, waiting, sent, failed
    entry = LogEntry.objects.get(object_id=str(stop.pk), content_type__model="stop")
    assert entry.get_change_message() == french(
        "Message « Salle changée » mis en file pour 2 inscrits."
    )


def test_message_preview_shows_the_email_as_it_leaves_with_the_link_hidden(
    admin_client, stop, workshops
):
    register(stop, first_name="Ada", last_name="Lovelace", workshops=[workshops[0]])
    queued = EmailDelivery.objects.count()
    url = reverse("admin:events_stop_message", args=[stop.pk])
    data = {
        "audience": f"workshop:{workshops[0].pk}",
        "subject": "Salle changée",
        "body": "Salle B12.",
        "preview": "1",
    }
    admin_client.cookies["django_language"] = "fr"

    page = admin_client.post(url, data)

    preview = " ".join(text_of(page).split())
    assert "Ada Lovelace le recevra (le lien personnel de chacun est masqué ici) :" in preview
    assert "[IntercoTOUR] Salle changée Bonjour Ada, Salle B12. -- Les Interconnectés" in preview
    assert "Gérer mon inscription (changer d’atelier," in preview  # the standard footer
    assert "[son lien personnel pour gérer son inscription]" in preview
    assert "/inscription/" not in page.content.decode()  # no live management link shown
    assert "formule d’appel" not in preview
    assert (Message.objects.count(), EmailDelivery.objects.count()) == (0, queued)  # only shown


def test_the_message_form_says_how_each_email_begins_and_ends(admin_client, stop):
    admin_client.cookies["django_language"] = "fr"

    page = admin_client.get(reverse("admin:events_stop_message", args=[stop.pk]))

    html = page.content.decode()
    assert 'aria-describedby="id_body_helptext"' in html
    assert 'id="id_body_helptext"' in html  # the description the field points to exists
    assert "Chaque e-mail commence par « Bonjour » et le prénom de la personne" in text_of(page)


@pytest.mark.parametrize(
    "body", ["Bonjour à tous,\n\nSalle B12.", "  Madame, Monsieur,\nSalle B12.", "Chers élus, ..."]
)
def test_message_preview_warns_of_a_second_greeting(admin_client, stop, workshops, body):
    register(stop, first_name="Ada", workshops=[workshops[0]])
    url = reverse("admin:events_stop_message", args=[stop.pk])
    data = {"audience": "confirmed", "subject": "Salle", "body": body, "preview": "1"}
    admin_client.cookies["django_language"] = "fr"

    page = " ".join(text_of(admin_client.post(url, data)).split())

    assert (
        "Votre texte commence par une formule d’appel, et chaque e-mail commence déjà par "
        "« Bonjour » et le prénom de la personne : retirez la vôtre" in page
    )
    assert "Bonjour Ada," in page  # the preview shows the two greetings as they would leave


def test_a_message_whose_sending_stopped_says_so_and_is_resumed_once_each(
    admin_client, stop, run_tasks
):
    from django_tasks_db.models import DBTaskResult

    people = [register(stop) for _ in range(3)]
    run_tasks()  # the confirmations
    mail.outbox.clear()
    admin_client.cookies["django_language"] = "fr"
    url = reverse("admin:events_stop_message", args=[stop.pk])
    message = services.message_registrants(stop=stop, subject="Salle", body="B12.")
    # Its worker reached the first person, then the task failed (or was given up).
    emails.send_message(message, people[0])
    DBTaskResult.objects.filter(task_path__endswith="send_message").update(status="FAILED")

    stopped = " ".join(text_of(admin_client.get(url)).split())
    resumed = admin_client.post(url, {"resume": str(message.pk)}, follow=True)
    run_tasks()
    after = " ".join(text_of(admin_client.get(url)).split())

    assert "Envoi interrompu Reprendre l’envoi" in stopped
    assert "Message « Salle » : envoi repris." in " ".join(text_of(resumed).split())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)  # once each
    assert "Envoi interrompu" not in after
    assert "Salle Tous les inscrits confirmés de la journée 3 0 3 0" in after


def test_resuming_a_message_of_another_day_or_a_forged_one_is_refused(admin_client, stop):
    other = StopFactory()
    foreign = services.message_registrants(stop=other, subject="Ailleurs", body="Non.")
    url = reverse("admin:events_stop_message", args=[stop.pk])

    responses = [admin_client.post(url, {"resume": value}) for value in (str(foreign.pk), "x")]

    assert [r.status_code for r in responses] == [404, 404]


def test_message_to_one_registrant_is_singular(admin_client, stop, workshops):
    register(stop, workshops=[workshops[0]])
    url = reverse("admin:events_stop_message", args=[stop.pk])
    data = {
        "audience": f"workshop:{workshops[0].pk}",
        "subject": "Salle",
        "body": "B12",
        "send": "1",
    }
    admin_client.cookies["django_language"] = "fr"

    page = admin_client.post(url, data, follow=True)

    assert "Message « Salle » mis en file pour 1 inscrit." in text_of(page)
    entry = LogEntry.objects.get(object_id=str(stop.pk), content_type__model="stop")
    assert entry.get_change_message() == french("Message « Salle » mis en file pour 1 inscrit.")


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (
            "confirmed",
            {
                "sur-place@example.org",
                "autre@example.org",
                "encore@example.org",
                "en-ligne@example.org",
            },
        ),
        ("in_person", {"sur-place@example.org", "autre@example.org", "encore@example.org"}),
        ("online", {"en-ligne@example.org"}),
        ("waiting", {"attente@example.org"}),
    ],
)
def test_message_audiences(admin_client, stop, audience, expected, run_tasks):
    register(stop, email="sur-place@example.org")
    register(stop, mode="online", email="en-ligne@example.org")
    register(stop, email="autre@example.org")
    register(stop, email="encore@example.org")  # the stop (3 places) is now full
    register(stop, email="attente@example.org", accept_waiting_list=True)
    run_tasks()
    mail.outbox.clear()
    url = reverse("admin:events_stop_message", args=[stop.pk])

    admin_client.post(
        url, {"audience": audience, "subject": "Rappel", "body": "À demain", "send": "1"}
    )
    run_tasks()

    assert {m.to[0] for m in mail.outbox} == expected


def test_invalid_message_is_refused(admin_client, stop, django_capture_on_commit_callbacks):
    register(stop)
    admin_client.cookies["django_language"] = "fr"
    url = reverse("admin:events_stop_message", args=[stop.pk])

    response = admin_client.post(
        url, {"audience": "workshop:999", "subject": "", "body": "", "send": "1"}
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide. workshop:999 n’en fait pas partie." in page
    assert page.count("Ce champ est obligatoire.") == 2
    assert mail.outbox == []
    assert not LogEntry.objects.filter(content_type__model="stop").exists()


def test_session_admin_refuses_seats_below_bookings_in_french(admin_client, stop, workshops):
    register(stop, workshops=[workshops[0]])
    register(stop, workshops=[workshops[0]])
    admin_client.cookies["django_language"] = "fr"
    workshop = workshops[0]
    local_start, local_end = workshop.starts_at.astimezone(), workshop.ends_at.astimezone()

    response = admin_client.post(
        reverse("admin:events_session_change", args=[workshop.pk]),
        {
            "stop": stop.pk,
            "starts_at_0": local_start.strftime("%d/%m/%Y"),
            "starts_at_1": local_start.strftime("%H:%M"),
            "ends_at_0": local_end.strftime("%d/%m/%Y"),
            "ends_at_1": local_end.strftime("%H:%M"),
            "kind": "workshop",
            "title": workshop.title,
            "in_person_only": "on",
            "capacity": "1",
            "session_speakers-TOTAL_FORMS": "0",
            "session_speakers-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "2 places sont déjà réservées" in text_of(response)
    assert Session.objects.get(pk=workshop.pk).capacity == 2


def test_promoting_someone_who_waits_for_a_workshop_says_how_to_seat_them(admin_client, stop):
    workshop = WorkshopFactory(stop=stop, capacity=1, title="Atelier complet")
    register(stop, workshops=[workshop])
    waiting = register(
        stop,
        first_name="Wanda",
        last_name="Attente",
        workshops=[workshop],
        accept_waiting_list=True,
    )

    response = action(admin_client, "promote", [waiting])

    assert (
        "Wanda Attente : Sa place pour la journée est confirmée : c’est une place d’atelier qui "
        "est attendue. Augmentez les places de l’atelier" in " ".join(text_of(response).split())
    )
    assert waiting.bookings.get().status == "waiting"


def test_a_cancelled_registration_is_shown_not_edited_in_the_admin(admin_client, stop):
    admin_client.cookies["django_language"] = "fr"
    registration = register(stop, first_name="Ada", last_name="Annulée")
    services.erase_registration(registration=registration)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"first_name": "Nouveau", "last_name": "Nom"}, follow=True)

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "Ce champ est obligatoire" not in text_of(page)
    assert posted.redirect_chain == [(url, 302)]  # a page opened before it was cancelled
    assert "Cette inscription a été annulée entre-temps : rien n’a été modifié." in text_of(posted)
    assert Registration.objects.get(pk=registration.pk).first_name == "—"


def test_a_staff_member_who_may_only_view_registrations_sees_one(client, stop, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("lecture", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(viewer)
    registration = register(stop, first_name="Ada", last_name="Lovelace")

    page = client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))

    assert page.status_code == 200
    assert "Ada" in text_of(page)
    assert 'name="_save"' not in page.content.decode()


def test_deleting_registrations_says_nobody_is_emailed(admin_client, stop):
    admin_client.cookies["django_language"] = "fr"
    registration = register(stop)
    note = "La suppression libère les places pour les listes d’attente et n’envoie aucun e-mail"

    one = admin_client.get(
        reverse("admin:registrations_registration_delete", args=[registration.pk])
    )
    several = admin_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "delete_selected", "_selected_action": [registration.pk]},
    )

    assert note in " ".join(text_of(one).split())
    assert note in " ".join(text_of(several).split())
    assert Registration.objects.filter(pk=registration.pk).exists()  # only asked, not done


def test_message_preview_to_nobody_says_so_and_offers_no_send(admin_client, stop):
    register(stop)  # confirmed: nobody is on the waiting list
    admin_client.cookies["django_language"] = "fr"
    url = reverse("admin:events_stop_message", args=[stop.pk])
    data = {"audience": "waiting", "subject": "Place", "body": "Bonne nouvelle", "preview": "1"}

    page = admin_client.post(url, data)

    assert "Personne ne correspond à ces destinataires pour l’instant" in text_of(page)
    assert "0 inscrit" not in text_of(page)
    assert 'name="send"' not in page.content.decode()


def test_resending_to_someone_without_an_address_says_so(admin_client, stop, deliver_emails):
    walk_in = register(stop, first_name="Léa", last_name="Surplace", email="")
    erased = register(stop, first_name="Effacée", last_name="Bientôt")
    services.erase_registration(registration=erased)
    other = register(stop, first_name="Ada", last_name="Présente")

    with deliver_emails():
        response = action(admin_client, "resend_confirmation", [walk_in, erased, other])

    page = " ".join(text_of(response).split())
    assert "Léa Surplace : pas d’adresse e-mail, donc pas de confirmation à renvoyer." in page
    assert "— Anonyme : pas d’adresse e-mail, donc pas de confirmation à renvoyer." in page
    assert "1 e-mail renvoyé." in page
    assert [message.to for message in mail.outbox] == [[other.email]]


def test_resending_a_confirmation_after_the_day_is_refused(admin_client, stop, deliver_emails):
    from tests.registrations.test_certificates import move_to_the_past

    registration = register(stop, first_name="Ada", last_name="Passée")
    move_to_the_past(stop)

    with deliver_emails():
        response = action(admin_client, "resend_confirmation", [registration])

    assert "Ada Passée : La journée est passée : il n’y a plus de confirmation à renvoyer." in (
        " ".join(text_of(response).split())
    )
    assert mail.outbox == []
