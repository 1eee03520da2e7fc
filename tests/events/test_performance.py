"""Public pages run a fixed number of SQL queries, whatever the size of the programme, and the
cached programme follows every edit."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from events.models import Session, Stop
from events.page_cache import seats_changed
from speakers.models import Restitution, SessionDocument, SessionSpeaker, Speaker
from tests.factories import (
    ContactFactory,
    PartnerFactory,
    SessionFactory,
    SpeakerFactory,
    StopFactory,
    WorkshopFactory,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def make_stop(sessions, speakers, **stop_fields):
    """A published stop with ``sessions`` sessions (a third of them workshops) and speakers."""
    stop = StopFactory(**stop_fields)
    ContactFactory(tour=stop.tour)
    ContactFactory(tour=None, stop=stop)
    stop.partners.add(PartnerFactory(), PartnerFactory(kind="organiser"))
    people = SpeakerFactory.create_batch(speakers)
    start = timezone.make_aware(datetime.datetime.combine(stop.date, datetime.time(8)))
    for index in range(sessions):
        factory = WorkshopFactory if index % 3 == 2 else SessionFactory
        begin = start + datetime.timedelta(minutes=20 * (index // 3))
        session = factory(
            stop=stop, starts_at=begin, ends_at=begin + datetime.timedelta(minutes=20)
        )
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=session, speaker=people[(index * 2 + k) % speakers], order=k)
            for k in range(2)
        )
    return stop


# Cold cache: the programme: stop and tour, sessions, line-ups, their speakers, workshop
# restitutions, session documents, stop contacts, tour contacts, partners.
STOP_PAGE_COLD = 9
# Warm cache: the page comes from the cache, versioned by counters kept in the cache.
STOP_PAGE_WARM = 0


@pytest.mark.parametrize(("sessions", "speakers"), [(5, 8), (60, 100)])
def test_stop_page_query_count_does_not_grow_with_the_programme(
    client, django_assert_num_queries, sessions, speakers
):
    stop = make_stop(sessions, speakers)

    with django_assert_num_queries(STOP_PAGE_COLD):
        cold = client.get(stop.get_absolute_url())
    with django_assert_num_queries(STOP_PAGE_WARM):
        warm = client.get(stop.get_absolute_url())

    assert cold.status_code == warm.status_code == 200
    assert text_of(cold).count("Présentiel uniquement") == sessions // 3
    assert text_of(cold) == text_of(warm)


def make_past_stop(sessions, speakers):
    """A day that is over: published restitutions, two documents and a replay per session."""
    day = timezone.localdate() - datetime.timedelta(days=3)
    opens = timezone.now() - datetime.timedelta(days=60)
    stop = make_stop(sessions, speakers, date=day, registration_opens_at=opens)
    for workshop in stop.sessions.workshops():
        Restitution.objects.create(
            session=workshop, summary=f"Synthèse de {workshop.title}", status="published"
        )
    stop.sessions.update(replay_url="https://video.example.org/replay")
    SessionDocument.objects.bulk_create(
        SessionDocument(session=session, title=title, file="documents/x.pdf", size=2048, pages=3)
        for session in stop.sessions.all()
        for title in ("Diapositives", "Support")
    )
    return stop


@pytest.mark.parametrize(("sessions", "speakers"), [(5, 8), (60, 100)])
def test_past_stop_page_query_count_does_not_grow_with_what_followed(
    client, django_assert_num_queries, sessions, speakers
):
    stop = make_past_stop(sessions, speakers)

    with django_assert_num_queries(STOP_PAGE_COLD):
        cold = client.get(stop.get_absolute_url())
    with django_assert_num_queries(STOP_PAGE_WARM):
        warm = client.get(stop.get_absolute_url())

    assert text_of(cold).count("Synthèse de Atelier") == sessions // 3
    assert text_of(cold).count("Diapositives (PDF, 3 pages, 2,0 Kio)") == sessions
    assert text_of(cold).count("Voir le replay") == sessions
    assert text_of(cold) == text_of(warm)


@pytest.mark.parametrize("stops", [2, 30])
def test_home_query_count_does_not_grow_with_the_tour(client, django_assert_num_queries, stops):
    tour = StopFactory().tour
    StopFactory.create_batch(stops - 1, tour=tour)

    with django_assert_num_queries(2):
        response = client.get("/")

    assert text_of(response).count("Inscriptions ouvertes") == stops


@pytest.mark.parametrize("stops", [2, 30])
def test_tour_page_query_count_does_not_grow_with_the_tour(
    client, django_assert_num_queries, stops
):
    past = timezone.localdate() - datetime.timedelta(days=3)
    tour = StopFactory(
        date=past, registration_opens_at=timezone.now() - datetime.timedelta(days=30)
    ).tour
    StopFactory.create_batch(stops - 1, tour=tour)

    with django_assert_num_queries(1):
        response = client.get(f"/tournee/{tour.slug}/")

    page = text_of(response)
    assert page.count("Transformation des métiers et IA générative") == stops
    assert page.index("Étapes passées") < page.index("Prochaines étapes")


@pytest.mark.parametrize(("sessions", "speakers"), [(5, 8), (60, 100)])
def test_speaker_list_query_count_does_not_grow(
    client, django_assert_num_queries, sessions, speakers
):
    make_stop(sessions, speakers)

    with django_assert_num_queries(1):
        cold = client.get("/intervenants/")
    with django_assert_num_queries(0):
        warm = client.get("/intervenants/")

    assert text_of(cold) == text_of(warm)
    assert text_of(cold).count("Directrice du numérique") == speakers


@pytest.mark.parametrize("sessions", [1, 40])
def test_speaker_page_query_count_does_not_grow(client, django_assert_num_queries, sessions):
    speaker = SpeakerFactory()
    for _ in range(sessions):
        SessionSpeaker.objects.create(session=SessionFactory(), speaker=speaker)

    with django_assert_num_queries(2):
        response = client.get(speaker.get_absolute_url())

    assert text_of(response).count("Intervenant·e") == sessions  # the role, once a session


@pytest.mark.parametrize("sessions", [3, 60])
def test_programme_calendar_query_count_does_not_grow(client, django_assert_num_queries, sessions):
    stop = make_stop(sessions, 10)

    with django_assert_num_queries(4):  # the stop, its sessions, their line-ups, speakers
        response = client.get(f"{stop.get_absolute_url()}programme.ics")

    assert response.content.count(b"BEGIN:VEVENT") == sessions


# --- The cached programme follows every edit -------------------------------------------


@pytest.fixture
def cached_stop(client):
    stop = make_stop(6, 6)
    client.get(stop.get_absolute_url())  # fills the cache
    return stop


def page_of(client, stop):
    return text_of(client.get(stop.get_absolute_url()))


def test_cache_follows_a_session_edit(client, cached_stop):
    session = cached_stop.sessions.first()
    session.title = "Titre corrigé"
    session.save()

    assert "Titre corrigé" in page_of(client, cached_stop)


def test_cache_follows_a_new_and_a_deleted_session(client, cached_stop):
    SessionFactory(stop=cached_stop, title="Session ajoutée")
    assert "Session ajoutée" in page_of(client, cached_stop)

    Session.objects.filter(title="Session ajoutée").delete()
    assert "Session ajoutée" not in page_of(client, cached_stop)


def test_cache_follows_a_speaker_edit(client, cached_stop):
    speaker = Speaker.objects.filter(session_speakers__session__stop=cached_stop).first()
    speaker.job_title = "Nouvelle fonction"
    speaker.save()

    assert "Nouvelle fonction" in page_of(client, cached_stop)


def test_cache_follows_a_line_up_change(client, cached_stop):
    SessionSpeaker.objects.filter(session__stop=cached_stop).first().delete()
    newcomer = SpeakerFactory(last_name="Nouvelle")
    SessionSpeaker.objects.create(session=cached_stop.sessions.first(), speaker=newcomer)

    assert "Nouvelle" in page_of(client, cached_stop)


def test_cache_follows_the_stop_contacts_and_partners(client, cached_stop):
    ContactFactory(tour=None, stop=cached_stop, name="Nouveau Contact")
    partner = cached_stop.partners.first()
    partner.name = "Partenaire renommé"
    partner.save()

    page = page_of(client, cached_stop)
    assert "Nouveau Contact" in page
    assert "Partenaire renommé" in page


def test_cache_follows_a_booking_so_seats_left_stay_exact(
    client, cached_stop, django_capture_on_commit_callbacks
):
    workshop = cached_stop.sessions.workshops().first()
    before = page_of(client, cached_stop)

    # What the registration services do: seats change, and the stop's seats counter moves.
    with django_capture_on_commit_callbacks(execute=True):  # bumped when it commits
        Session.objects.filter(pk=workshop.pk).update(seats_taken=19)
        seats_changed(cached_stop)

    assert "20 places restantes" in before
    assert "1 place restante" in page_of(client, cached_stop)


def test_cache_follows_the_stop_itself(client, cached_stop):
    cached_stop.venue_name = "Nouvelle salle"
    cached_stop.save()

    assert "Nouvelle salle" in page_of(client, cached_stop)


def test_cache_is_per_language(client, cached_stop):
    client.get("/langue/en/")

    assert "Programme of the day" in page_of(client, cached_stop)


def test_cached_stop_page_changes_wording_when_registration_opens(client):
    opening = timezone.now() + datetime.timedelta(hours=1)
    stop = StopFactory(
        registration_opens_at=opening, registration_closes_at=opening + datetime.timedelta(days=9)
    )
    assert "Inscriptions bientôt ouvertes" in page_of(client, stop)

    later = opening + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = page_of(client, stop)

    assert "Inscriptions ouvertes" in page


def test_unpublishing_a_cached_stop_removes_its_page(client, cached_stop):
    cached_stop.status = Stop.Status.DRAFT
    cached_stop.save()

    response = client.get(cached_stop.get_absolute_url())
    assert response.status_code == 404
    assert "Page introuvable" in text_of(response)
    assert cached_stop.title not in text_of(response)


def test_seat_counter_lost_from_the_cache_never_serves_a_stale_page(
    client, cached_stop, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.delete(f"version:seats:{cached_stop.slug}")
    with django_capture_on_commit_callbacks(execute=True):
        Session.objects.filter(pk=cached_stop.sessions.workshops().first().pk).update(
            seats_taken=20
        )
        seats_changed(cached_stop)

    assert "Complet – liste d’attente" in page_of(client, cached_stop)


def test_cached_pages_are_served_compressed_to_browsers_that_ask(client, cached_stop):
    import gzip

    plain = client.get(cached_stop.get_absolute_url())
    compressed = client.get(cached_stop.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 3


# --- Writes that bypass model signals, and deploys ----------------------------------------


def test_cache_follows_bulk_writes_that_send_no_signal(client, cached_stop):
    Session.objects.filter(stop=cached_stop).update(title="Titre mis à jour en masse")
    assert "Titre mis à jour en masse" in page_of(client, cached_stop)

    Session.objects.bulk_create([SessionFactory.build(stop=cached_stop, title="Créée en masse")])
    assert "Créée en masse" in page_of(client, cached_stop)

    speaker = Speaker.objects.filter(session_speakers__session__stop=cached_stop).first()
    speaker.job_title = "Fonction en masse"
    Speaker.objects.bulk_update([speaker], ["job_title"])
    assert "Fonction en masse" in page_of(client, cached_stop)


def test_a_seat_counter_update_alone_does_not_invalidate_other_pages(client, cached_stop):
    from events.page_cache import SITE, versions

    before = versions(SITE)
    Stop.objects.filter(pk=cached_stop.pk).update(seats_taken=1)

    assert versions(SITE) == before


def test_a_new_release_renders_the_cached_pages_again(client, cached_stop):
    with connection.cursor() as cursor:  # a write no mechanism sees (raw SQL)
        cursor.execute(
            "UPDATE events_stop SET title = %s WHERE id = %s",
            ["Titre du déploiement", cached_stop.pk],
        )

    assert "Titre du déploiement" not in page_of(client, cached_stop)  # same release: cached
    with mock.patch("events.page_cache.release_id", return_value="next-release"):
        assert "Titre du déploiement" in page_of(client, cached_stop)


def test_release_id_comes_from_the_environment_then_the_static_manifest(settings, tmp_path):
    from intercotour.release import release_id

    settings.RELEASE_ID, settings.STATIC_ROOT = "", tmp_path
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.1.css"}}')
    release_id.cache_clear()
    from_manifest = release_id()
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.2.css"}}')
    release_id.cache_clear()
    after_new_static = release_id()
    settings.RELEASE_ID = "git-4f2a9c1"
    release_id.cache_clear()
    from_environment = release_id()
    release_id.cache_clear()

    assert len({from_manifest, after_new_static}) == 2
    assert from_environment == "git-4f2a9c1"


def test_a_deploy_changing_only_a_template_or_the_code_is_a_new_release(tmp_path):
    from intercotour.release import code_digest

    (tmp_path / "app" / "services").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "services" / "rules.py").write_text("SEATS = 20\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>Bonjour</p>")
    first = code_digest(tmp_path)
    (tmp_path / "templates" / "page.html").write_text("<p>Bonsoir</p>")
    after_template = code_digest(tmp_path)
    (tmp_path / "app" / "services" / "rules.py").write_text("SEATS = 30\n")
    after_code = code_digest(tmp_path)
    (tmp_path / "notes.py").write_text("not part of a package")

    assert len({first, after_template, after_code}) == 3
    assert code_digest(tmp_path) == after_code
