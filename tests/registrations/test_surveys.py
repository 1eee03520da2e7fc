"""The attendees' survey after the day: sent once, answered at the personal link, read on the
dashboard and exported."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from registrations import services
from registrations.models import Registration, SessionRating, SurveyResponse
from registrations.survey_export import neutralise_cell
from registrations.tokens import make_token, registration_from_token
from tests.factories import SessionFactory, StopFactory, WorkshopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def past_day(days_ago=1, **fields):
    date = timezone.localdate() - datetime.timedelta(days=days_ago)
    opens = timezone.now() - datetime.timedelta(days=60 + days_ago)
    return StopFactory(date=date, registration_opens_at=opens, **fields)


@pytest.fixture
def day():
    """A published day, yesterday in Lyon."""
    return past_day(city="Lyon")


@pytest.fixture
def sessions(day):
    return {
        "welcome": SessionFactory(stop=day, kind="welcome", title="Accueil"),
        "plenary": SessionFactory(stop=day, title="Plénière stratégique"),
        "workshop_a": WorkshopFactory(stop=day, title="Atelier A"),
        "workshop_b": WorkshopFactory(stop=day, title="Atelier B"),
        "lunch": SessionFactory(stop=day, kind="break", title="Déjeuner"),
        "closing": SessionFactory(stop=day, kind="closing", title="Clôture", in_person_only=True),
    }


def attendee(stop, workshop=None, **overrides):
    """A registration as the services left it before the day (confirmed unless told)."""
    details = registration_details(**overrides)
    details.setdefault("status", "confirmed")
    if details["status"] == "waiting":
        details["waiting_since"] = timezone.now()
    registration = Registration.objects.create(stop=stop, **details)
    if workshop is not None:
        registration.bookings.create(session=workshop, status="confirmed")
    return registration


def survey_url(registration):
    return reverse("registrations:survey", args=[make_token(registration)])


def answers(sessions, **overrides):
    data = {
        "overall_rating": "4",
        f"session_{sessions['plenary'].pk}": "5",
        f"session_{sessions['workshop_a'].pk}": "3",
        "comments": "Très bonne journée, ateliers trop courts.",
        "themes_wanted": "Cybersécurité",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Sending ------------------------------------------------------------------------------


def test_attendees_get_the_survey_the_day_after_once(day, sessions, deliver_emails):
    in_person = attendee(day, sessions["workshop_a"], first_name="Alice")
    online = attendee(day, mode="online", first_name="Bruno")
    attendee(day, status="cancelled", first_name="Chloé")
    attendee(day, status="waiting", first_name="Denis")
    attendee(day, email="", first_name="Walk-in", walk_in=True)
    attendee(past_day(days_ago=0, end_time=datetime.time(23, 59)), first_name="Today")
    attendee(past_day(days_ago=1, status="draft"), first_name="Draft")

    with deliver_emails():
        first = services.send_due_surveys()
    with deliver_emails():
        second = services.send_due_surveys()

    assert (first, second) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [in_person.email, online.email]
    )
    message = next(m for m in mail.outbox if m.to == [in_person.email])
    assert message.subject.startswith("[IntercoTOUR] Votre avis sur la journée à Lyon du")
    assert "Bonjour Alice," in message.body
    # The link opens Alice's survey (the signed token carries the second it was made in).
    token = re.search(r"/inscription/([^/\s]+)/avis/", message.body).group(1)
    assert reverse("registrations:survey", args=[token]) in message.body
    assert registration_from_token(token, to_read=True) == in_person
    deadline = day.date + datetime.timedelta(days=14)
    with translation.override("fr"):
        assert f"jusqu’au {formats.date_format(deadline)}." in message.body
    sent = Registration.objects.filter(survey_sent_at__isnull=False)
    assert set(sent.values_list("pk", flat=True)) == {in_person.pk, online.pk}


def test_send_surveys_command_reports_and_stays_idempotent(day, sessions, capsys):
    attendee(day)

    call_command("send_surveys")
    call_command("send_surveys")

    assert capsys.readouterr().out.splitlines() == [
        "1 questionnaire envoyé.",
        "0 questionnaire envoyé.",
    ]


def test_a_missed_day_catches_up_within_a_week(day):
    registration = attendee(day)
    today = day.date + datetime.timedelta(days=8)

    assert services.send_due_surveys(today=today) == 0
    assert services.send_due_surveys(today=day.date + datetime.timedelta(days=7)) == 1
    registration.refresh_from_db()
    assert registration.survey_sent_at is not None


# --- Answering -----------------------------------------------------------------------------


def test_survey_lists_the_sessions_the_attendee_could_follow(client, day, sessions):
    in_person = attendee(day, sessions["workshop_a"])
    online = attendee(day, mode="online")

    in_person_page = text_of(client.get(survey_url(in_person)))
    online_page = text_of(client.get(survey_url(online)))

    assert "Votre avis sur la journée" in in_person_page
    for title in ["Plénière stratégique", "Atelier A", "Clôture"]:
        assert title in in_person_page
    for title in ["Accueil", "Déjeuner", "Atelier B"]:
        assert title not in in_person_page
    assert "Plénière stratégique" in online_page
    assert "Atelier A" not in online_page
    assert "Clôture" not in online_page  # in person only


def test_answer_is_stored_and_can_be_changed(client, day, sessions):
    registration = attendee(day, sessions["workshop_a"])

    saved = client.post(survey_url(registration), answers(sessions), follow=True)
    client.post(
        survey_url(registration),
        answers(sessions, overall_rating="5", **{f"session_{sessions['workshop_a'].pk}": None}),
    )

    response = SurveyResponse.objects.get()
    assert "Merci : votre réponse est enregistrée." in text_of(saved)
    assert "Vous avez déjà répondu" in text_of(saved)
    assert (response.registration, response.overall_rating) == (registration, 5)
    assert response.comments == "Très bonne journée, ateliers trop courts."
    assert response.themes_wanted == "Cybersécurité"
    assert list(response.ratings.values_list("session__title", "usefulness")) == [
        ("Plénière stratégique", 5)
    ]
    page = client.get(survey_url(registration))
    assert re.search(r'name="overall_rating" value="5"[^>]*checked', page.text)
    assert "Très bonne journée, ateliers trop courts.</textarea>" in page.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"overall_rating": "6"}, "Sélectionnez un choix valide"),
        ({"overall_rating": "0"}, "Sélectionnez un choix valide"),
        ({"overall_rating": None}, "Ce champ est obligatoire."),
        ({"overall_rating": "quatre"}, "Sélectionnez un choix valide"),
        ({"session_PLENARY": "9"}, "Sélectionnez un choix valide"),
        ({"session_999999": "4"}, "Une des séances notées ne fait pas partie de votre journée."),
        (
            {"session_WORKSHOP_B": "4"},
            "Une des séances notées ne fait pas partie de votre journée.",
        ),
        ({"comments": "x" * 3001}, "Assurez-vous que cette valeur comporte au plus 3000"),
    ],
    ids=[
        "above-5",
        "below-1",
        "missing",
        "not-a-number",
        "session-out-of-range",
        "unknown-session",
        "workshop-not-booked",
        "comment-too-long",
    ],
)
def test_bad_answers_are_refused_in_french_and_nothing_changes(
    client, day, sessions, change, message
):
    registration = attendee(day, sessions["workshop_a"])
    names = {
        "session_PLENARY": f"session_{sessions['plenary'].pk}",
        "session_WORKSHOP_B": f"session_{sessions['workshop_b'].pk}",
    }
    change = {names.get(key, key): value for key, value in change.items()}

    response = client.post(survey_url(registration), answers(sessions, **change))

    assert response.status_code == 400
    assert message in text_of(response)
    assert not SurveyResponse.objects.exists()
    assert not SessionRating.objects.exists()


def test_a_refused_change_keeps_the_previous_answer(client, day, sessions):
    registration = attendee(day, sessions["workshop_a"])
    client.post(survey_url(registration), answers(sessions))

    client.post(survey_url(registration), answers(sessions, overall_rating="7", comments="Autre"))

    response = SurveyResponse.objects.get()
    assert (response.overall_rating, response.comments) == (
        4,
        "Très bonne journée, ateliers trop courts.",
    )
    assert response.ratings.count() == 2


def test_service_refuses_what_the_form_would_not_send(day, sessions):
    registration = attendee(day, sessions["workshop_a"])

    for bad in [
        {"overall_rating": 6, "session_ratings": {}},
        {"overall_rating": 4, "session_ratings": {sessions["plenary"].pk: 0}},
        {"overall_rating": 4, "session_ratings": {sessions["lunch"].pk: 3}},
        {"overall_rating": True, "session_ratings": {}},
    ]:
        with pytest.raises(services.SurveyError) as refusal:
            services.save_survey_response(registration=registration, **bad)
        assert str(refusal.value) in {
            "Une note va de 1 à 5.",
            "Une des séances notées ne fait pas partie de votre journée.",
        }

    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("cancelled", "Cette inscription a été annulée : le questionnaire est réservé"),
        ("waiting", "Le questionnaire est réservé aux participants de la journée"),
        ("before", "Le questionnaire ouvre une fois la journée terminée."),
        ("after", "Le questionnaire a fermé le"),
    ],
)
def test_survey_is_refused_outside_its_time_and_audience(client, sessions, situation, message):
    days_ago = {"before": -3, "after": 15}.get(situation, 1)
    stop = past_day(days_ago=days_ago) if days_ago >= 0 else StopFactory()
    status = situation if situation in {"cancelled", "waiting"} else "confirmed"
    registration = attendee(stop, status=status)

    page = client.get(survey_url(registration))
    post = client.post(survey_url(registration), {"overall_rating": "5"})

    assert page.status_code == post.status_code == 403
    assert "Questionnaire indisponible" in text_of(page)
    assert message in text_of(post)
    assert not SurveyResponse.objects.exists()


def test_survey_is_open_on_its_last_day_and_closed_the_next(day, sessions):
    registration = attendee(day)
    last_day = timezone.make_aware(
        datetime.datetime.combine(day.date + datetime.timedelta(days=14), datetime.time(23, 0))
    )

    services.save_survey_response(
        registration=registration, overall_rating=3, session_ratings={}, now=last_day
    )
    with pytest.raises(services.SurveyError):
        services.save_survey_response(
            registration=registration,
            overall_rating=5,
            session_ratings={},
            now=last_day + datetime.timedelta(hours=2),
        )

    assert SurveyResponse.objects.get().overall_rating == 3


def test_tampered_link_is_refused(client, day):
    registration = attendee(day)

    token = make_token(registration)
    tampered = token[:-2] + ("AB" if not token.endswith("AB") else "BA")

    response = client.get(reverse("registrations:survey", args=[tampered]))

    assert response.status_code == 404
    assert "Lien invalide" in text_of(response)


# --- The dashboard and the export ----------------------------------------------------------


@pytest.fixture
def answered_day(day, sessions):
    people = [attendee(day, sessions["workshop_a"]) for _ in range(4)]
    Registration.objects.filter(stop=day).update(survey_sent_at=timezone.now())
    for person, (overall, plenary, comment) in zip(
        people[:3],
        [(5, 4, '=HYPERLINK("http://evil")'), (4, 4, "Bien"), (2, 1, "")],
        strict=True,
    ):
        services.save_survey_response(
            registration=person,
            overall_rating=overall,
            session_ratings={sessions["plenary"].pk: plenary},
            comments=comment,
            themes_wanted="-1+2" if overall == 4 else "",
        )
    return day


def test_one_answer_is_told_in_the_singular(admin_client, day, sessions):
    people = [attendee(day, sessions["workshop_a"]) for _ in range(2)]
    Registration.objects.filter(stop=day).update(survey_sent_at=timezone.now())
    services.save_survey_response(
        registration=people[0], overall_rating=4, session_ratings={}, comments=""
    )

    page = text_of(admin_client.get(reverse("admin:events_stop_dashboard", args=[day.pk])))

    assert "Taux de réponse : 50 % (1 réponse sur 2 participants sollicités)." in page


def test_dashboard_shows_rate_averages_and_distributions(admin_client, answered_day):
    page = admin_client.get(reverse("admin:events_stop_dashboard", args=[answered_day.pk]))

    text = text_of(page)
    assert "Taux de réponse : 75 % (3 réponses sur 4 participants sollicités)." in text
    assert "Note globale – moyenne 3,7 / 5, 3 réponses" in text
    assert "Plénière stratégique – moyenne 3,0 / 5, 3 réponses" in text
    overall = text.split("Note globale", 1)[1].split("Plénière stratégique")[0]
    assert "5 / 5 1 33 % 4 / 5 1 33 % 3 / 5 0 0 % 2 / 5 1 33 % 1 / 5 0 0 %" in overall
    assert '<progress max="100" value="33" aria-hidden="true">' in page.text
    assert "style=" not in page.text.split('id="survey"', 1)[1].split("<h2>")[0]


def test_dashboard_query_count_does_not_grow_with_the_answers(
    admin_client, day, sessions, django_assert_num_queries
):
    for size in (2, 20):
        for _ in range(size):
            person = attendee(day, sessions["workshop_a"])
            services.save_survey_response(
                registration=person,
                overall_rating=4,
                session_ratings={sessions["plenary"].pk: 5, sessions["workshop_a"].pk: 3},
            )
        # The dashboard's own figures (16) and the e-mail, reminder and no-show ones (6).
        with django_assert_num_queries(22):
            page = admin_client.get(reverse("admin:events_stop_dashboard", args=[day.pk]))
        assert "Atelier A – moyenne 3,0 / 5" in text_of(page)


def test_comments_export_is_anonymous_and_neutralised(admin_client, answered_day):
    response = admin_client.get(
        reverse("admin:events_stop_survey_export", args=[answered_day.pk]) + "?format=csv"
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Réponse du",
        "Catégorie",
        "Participation",
        "Note globale",
        "Commentaires",
        "Thèmes souhaités",
    ]
    assert [row[3:] for row in rows[1:]] == [
        ["5", '\'=HYPERLINK("http://evil")', ""],
        ["4", "Bien", "'-1+2"],
    ]
    assert "Camille" not in response.content.decode()
    assert response["Content-Disposition"] == f'attachment; filename="avis-{answered_day.slug}.csv"'


def test_comments_export_needs_the_permission(client, answered_day):
    user = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(user)

    refused = client.get(reverse("admin:events_stop_survey_export", args=[answered_day.pk]))
    user.groups.add(Group.objects.get(name="Délégation"))
    allowed = client.get(reverse("admin:events_stop_survey_export", args=[answered_day.pk]))

    assert refused.status_code == 403
    assert allowed.content.decode().startswith("\ufeff")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Très bien", "Très bien"),
        (4, "4"),
        ("", ""),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_the_daily_survey_job_is_a_scheduled_task_that_mails_each_attendee(
    day, sessions, run_tasks
):
    from registrations.tasks import send_surveys

    person = attendee(day, sessions["workshop_a"], first_name="Alice")

    send_surveys.enqueue()
    run_tasks()  # the job, then the e-mail it queued

    assert [m.to for m in mail.outbox] == [[person.email]]
    assert "Bonjour Alice," in mail.outbox[0].body
