"""The blank registration form: rendered once, then filled in with each visitor's token and
the current seat counts (``registrations.form_page``)."""

import datetime
import importlib
import re
from unittest import mock

import pytest
from django.test import Client
from django.utils import formats

from events import page_cache
from events.models import Session, Stop
from registrations import form_page, services
from registrations.models import Registration
from tests.factories import WorkshopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def url(stop):
    return f"/{stop.slug}/inscription/"


def token_of(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def test_seat_counts_follow_each_registration(client, stop, workshops):
    first = text_of(client.get(url(stop)))
    services.register(stop=stop, **registration_details(workshops=[workshops[0]]))
    second = text_of(client.get(url(stop)))

    assert "3 places restantes en présentiel." in first
    assert f"{workshops[0].title} (2 places restantes)" in first
    assert "2 places restantes en présentiel." in second
    assert f"{workshops[0].title} (1 place restante)" in second
    assert f"{workshops[1].title} (2 places restantes)" in second


def test_the_form_names_the_day_mid_line_in_lower_case(client, stop):
    page = text_of(client.get(url(stop)))

    day = formats.date_format(stop.date)  # "jeudi 4 juin 2026"
    assert day[0].islower()
    assert f"– {day}," in page


def test_a_full_workshop_then_a_full_day_show_on_the_form(client, stop, workshops):
    Session.objects.filter(pk=workshops[0].pk).update(seats_taken=2)
    page = text_of(client.get(url(stop)))
    Stop.objects.filter(pk=stop.pk).update(seats_taken=3)
    full = client.get(url(stop))

    assert f"{workshops[0].title} (complet – liste d’attente)" in page
    assert "0 place restante en présentiel." in text_of(full)
    assert "Toutes les places en présentiel sont prises" in text_of(full)
    online = full.text.split('value="online"')[1].split(">")[0]
    assert "checked" in online


def test_an_edit_by_the_organisers_shows_at_once(client, stop, workshops):
    client.get(url(stop))
    workshops[1].title = "Atelier renommé"
    workshops[1].save()
    WorkshopFactory(stop=stop, capacity=4, title="Atelier ajouté")

    page = text_of(client.get(url(stop)))

    assert "Atelier renommé (2 places restantes)" in page
    assert "Atelier ajouté (4 places restantes)" in page


def test_text_that_looks_like_a_marker_is_shown_as_typed(client, stop):
    WorkshopFactory(stop=stop, capacity=2, title="Atelier ⟦csrf⟧ ⟦places⟧ ⟦seats:1⟧")

    page = text_of(client.get(url(stop)))

    assert "Atelier ⟦csrf⟧ ⟦places⟧ ⟦seats:1⟧ (2 places restantes)" in page


def test_each_visitor_gets_their_own_token_and_can_register_with_it(stop, workshops, form_data):
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get(url(stop)) for visitor in visitors]
    tokens = [token_of(page) for page in pages]

    assert tokens[0] != tokens[1]
    for page in pages:
        assert "csrftoken" in page.cookies
        assert "no-store" in page["Cache-Control"]
    response = visitors[1].post(url(stop), {**form_data, "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302
    assert Registration.objects.get().email == form_data["email"]


def test_a_token_from_another_visitor_is_refused(stop, workshops, form_data):
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = [token_of(visitor.get(url(stop))) for visitor in visitors]

    response = visitors[1].post(url(stop), {**form_data, "csrfmiddlewaretoken": tokens[0]})

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_a_form_rendered_by_one_server_process_is_filled_in_by_another(stop, workshops):
    token_of(Client().get(url(stop)))  # rendered and stored in the shared cache
    page_cache._local.clear()
    importlib.reload(form_page)  # another process: its own module state

    response = Client(enforce_csrf_checks=True).get(url(stop))

    assert "⟦" not in response.text
    assert re.fullmatch(r"[A-Za-z0-9]{64}", token_of(response))
    assert "3 places restantes en présentiel." in text_of(response)


@pytest.mark.parametrize("extra_workshops", [0, 12])
def test_form_query_count_is_constant(
    client, stop, workshops, extra_workshops, django_assert_num_queries
):
    for _ in range(extra_workshops):
        WorkshopFactory(stop=stop, capacity=5)
    client.get(url(stop))  # renders the blank form once

    with django_assert_num_queries(1):  # the seat counters (the stop and its workshops: kept)
        response = client.get(url(stop))

    assert response.status_code == 200
    assert text_of(response).count("(2 places restantes)") == 3


@pytest.mark.parametrize("extra_workshops", [0, 12])
def test_submission_query_count_is_constant(
    client, stop, workshops, form_data, extra_workshops, django_assert_num_queries
):
    for _ in range(extra_workshops):
        WorkshopFactory(stop=stop, capacity=5)
    client.get(url(stop))  # the stop and its workshops are read once per programme version

    # The transaction (its savepoint here, in a test), the registration (its INSERT is the
    # address check), the e-mail and its task, the stop's lock with the place (one UPDATE),
    # the workshop's lock, booking and seat. Not the seat counters: the service reads them
    # under lock.
    with django_assert_num_queries(9):
        response = client.post(url(stop), form_data)

    assert response.status_code == 302
    assert Registration.objects.get().bookings.get().session == workshops[0]


def test_a_refused_submission_shows_the_seats_taken_since_the_form_was_loaded(
    client, stop, workshops, form_data
):
    client.get(url(stop))  # the stop and its workshops, read with no seat taken
    Session.objects.filter(pk=workshops[0].pk).update(seats_taken=2)
    Stop.objects.filter(pk=stop.pk).update(seats_taken=3)

    response = client.post(url(stop), {**form_data, "last_name": ""})

    page = text_of(response)
    assert response.status_code == 400
    assert f"{workshops[0].title} (complet – liste d’attente)" in page
    assert f"{workshops[1].title} (2 places restantes)" in page
    assert "0 place restante en présentiel." in page
    assert "Toutes les places en présentiel sont prises" in page
    assert not Registration.objects.exists()


def test_a_refused_submission_shows_the_places_freed_since_the_form_was_loaded(
    client, stop, workshops, form_data
):
    Stop.objects.filter(pk=stop.pk).update(seats_taken=3)
    Session.objects.filter(pk=workshops[0].pk).update(seats_taken=2)
    client.get(url(stop))  # read with the day and the first workshop full
    Stop.objects.filter(pk=stop.pk).update(seats_taken=1)
    Session.objects.filter(pk=workshops[0].pk).update(seats_taken=1)

    response = client.post(url(stop), {**form_data, "email": "pas-une-adresse"})

    page = text_of(response)
    assert response.status_code == 400
    assert f"{workshops[0].title} (1 place restante)" in page
    assert "2 places restantes en présentiel." in page
    assert "Toutes les places en présentiel sont prises" not in page
    assert not Registration.objects.exists()


def test_the_attendance_error_points_only_at_texts_the_page_shows(
    client, stop, workshops, form_data
):
    Stop.objects.filter(pk=stop.pk).update(seats_taken=3)
    client.get(url(stop))  # read with the day full: the attendance field had a help text
    Stop.objects.filter(pk=stop.pk).update(seats_taken=1)

    response = client.post(url(stop), {**form_data, "mode": "par pigeon voyageur"})

    assert response.status_code == 400
    radios = re.findall(r'<input type="radio" name="mode"[^>]*>', response.text)
    described = {
        target
        for radio in radios
        for target in re.search(r'aria-describedby="([^"]+)"', radio).group(1).split()
    }
    assert len(radios) == 2
    assert described == {"id_mode_error"}
    assert 'id="id_mode_error"' in response.text
    assert not Registration.objects.exists()


def test_a_submission_for_a_stop_deleted_meanwhile_is_not_found(client, stop, workshops, form_data):
    client.get(url(stop))  # this process has read the stop
    with mock.patch.object(page_cache, "_bump"):  # the others have not heard yet
        Stop.objects.filter(pk=stop.pk).delete()

    response = client.post(url(stop), form_data)

    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_each_request_gets_its_own_copy_of_the_stop(stop, workshops):
    first, first_workshops = form_page.registration_stop(
        stop.slug, page_cache.versions(page_cache.SITE)
    )
    first.title = "Changé par une requête"
    first_workshops[0].seats_taken = 99
    first_workshops.clear()

    second, second_workshops = form_page.registration_stop(
        stop.slug, page_cache.versions(page_cache.SITE)
    )

    assert second.title == stop.title
    assert [w.pk for w in second_workshops] == [w.pk for w in workshops]
    assert second_workshops[0].seats_taken == 0


def test_the_seats_are_read_on_each_request_whatever_the_programme_version(stop, workshops):
    form_page.registration_stop(stop.slug, page_cache.versions(page_cache.SITE))
    Stop.objects.filter(pk=stop.pk).update(seats_taken=2)  # seats: not a programme change
    Session.objects.filter(pk=workshops[1].pk).update(seats_taken=2)

    again, again_workshops = form_page.registration_stop(
        stop.slug, page_cache.versions(page_cache.SITE)
    )

    assert again.places_left == 1
    assert [w.seats_left for w in again_workshops] == [2, 0, 2]


def test_an_unknown_stop_is_not_found_and_not_kept(client):
    response = client.get("/pas-une-etape/inscription/")

    assert response.status_code == 404
    assert not [key for key in page_cache._local if "pas-une-etape" in key]


def test_a_stop_deleted_since_the_programme_was_read_is_not_found(client, stop, workshops):
    client.get(url(stop))  # this process has read the programme
    with mock.patch("events.content.bump"):  # deleted by another process, a moment ago
        Stop.objects.filter(pk=stop.pk).delete()

    assert client.get(url(stop)).status_code == 404


def test_the_form_is_cached_under_the_version_its_programme_was_read_at(client, stop, workshops):
    # Another process's edit lands between two reads of the version, were there two.
    successive = [f"version-{n}" for n in range(10)]
    with mock.patch.object(page_cache, "_read_versions", side_effect=successive):
        page_cache._recent_versions.clear()
        with mock.patch.object(page_cache, "VERSIONS_SECONDS", 0):
            client.get(url(stop))

    versions = {key.rsplit(":", 1)[1] for key in page_cache._local if stop.slug in key}
    assert len(versions) == 1


# A submission's workshop fields: made once per process (the choices name the workshops only),
# then copied; the slot's label is in the submission's language and follows the programme.


def test_a_refused_submission_labels_its_slot_in_its_own_language(
    client, stop, workshops, form_data, settings
):
    french = client.post(url(stop), {**form_data, "last_name": ""})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(url(stop), {**form_data, "last_name": ""})

    start = workshops[0].starts_at
    assert f"Atelier de {form_page_time(start, 'fr')}" in text_of(french)
    assert f"Workshop from {form_page_time(start, 'en')}" in text_of(english)
    assert f"{workshops[0].title} (2 seats left)" in text_of(english)


def test_a_submission_after_a_workshop_moved_or_renamed_shows_it_as_it_is_now(
    client, stop, workshops, form_data
):
    client.post(url(stop), {**form_data, "last_name": ""})  # the field made for this slot
    start, later = workshops[0].starts_at, workshops[0].ends_at + datetime.timedelta(minutes=30)
    for workshop in workshops:  # the same slot (its field's name), ending later
        workshop.ends_at = later
        workshop.title = f"{workshop.title} (nouvelle formule)"
        workshop.save()  # bumps the programme's version

    page = text_of(client.post(url(stop), {**form_data, "last_name": ""}))

    assert f"Atelier de {form_page_time(start, 'fr')} à {form_page_time(later, 'fr')}" in page
    assert f"{workshops[0].title} (2 places restantes)" in page


def form_page_time(value, language):
    from django.utils import timezone, translation

    with translation.override(language):
        return formats.time_format(timezone.localtime(value))
