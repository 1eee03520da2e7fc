"""Duplicate a stop from its own page: prefilled form, date picker, summary of the copy."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.urls import reverse

from events.admin_duplicate import one_month_later
from events.models import Stop
from registrations import services
from tests.factories import (
    ContactFactory,
    PartnerFactory,
    SessionSpeakerFactory,
    registration_details,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_admin(admin_client):
    admin_client.cookies["django_language"] = "fr"
    return admin_client


def test_the_stop_page_has_a_duplicate_button(french_admin, stop):
    response = french_admin.get(reverse("admin:events_stop_change", args=[stop.pk]))

    assert reverse("admin:events_stop_duplicate", args=[stop.pk]) in response.content.decode()
    assert "Dupliquer" in text_of(response)


def test_duplicate_form_is_prefilled_with_a_date_picker_and_summary(french_admin, stop, workshops):
    Stop.objects.filter(pk=stop.pk).update(date=datetime.date(2031, 1, 31), city="Sète")
    stop.refresh_from_db()
    stop.partners.add(PartnerFactory(), PartnerFactory())
    ContactFactory(stop=stop, tour=None)
    SessionSpeakerFactory(session=workshops[0])
    services.register(stop=stop, **registration_details())

    response = french_admin.get(reverse("admin:events_stop_duplicate", args=[stop.pk]))

    form = response.context["form"]
    html = response.content.decode()
    assert form["date"].value() == datetime.date(2031, 2, 28)  # one month later, clamped
    assert (form["city"].value(), form["region"].value()) == ("Sète", stop.region)
    assert form["title"].value() == stop.title
    assert form["slug"].value() == "sete-28022031"
    assert 'type="date"' in html
    assert 'value="2031-02-28"' in html
    text = text_of(response)
    assert "3 sessions" in text
    assert "3 ateliers avec leurs places" in text
    assert f"{workshops[0].title} – 2 places" in text
    assert "2 partenaires" in text
    assert "1 intervention à reprendre" in text
    assert "1 contact de l’étape" in text
    assert "1 inscription" in text


def test_duplicate_page_creates_the_draft_from_the_date_picker(french_admin, stop, workshops):
    url = reverse("admin:events_stop_duplicate", args=[stop.pk])

    response = french_admin.post(
        url,
        {"apply": "1", "date": "2031-03-12", "city": "Chambéry", "region": "", "title": ""}
        | {"slug": "chambery-12032031"},
    )

    new = Stop.objects.get(slug="chambery-12032031")
    assert response["Location"] == reverse("admin:events_stop_change", args=[new.pk])
    assert (new.status, new.city, new.date) == ("draft", "Chambéry", datetime.date(2031, 3, 12))
    assert new.sessions.count() == 3
    assert LogEntry.objects.filter(object_id=str(new.pk)).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "admin"}, "réservé"),
        ({"date": "31/02/2031"}, "Saisissez une date valide."),
        ({"city": ""}, "Ce champ est obligatoire."),
    ],
)
def test_duplicate_page_refuses_bad_input_in_french(french_admin, stop, changes, message):
    before = Stop.objects.count()
    data = {"apply": "1", "date": "2031-03-12", "city": "Pau", "slug": "pau-2031", **changes}

    response = french_admin.post(reverse("admin:events_stop_duplicate", args=[stop.pk]), data)

    assert response.status_code == 200
    assert message in text_of(response)
    assert Stop.objects.count() == before


def test_changelist_action_leads_to_the_duplicate_page(french_admin, stop):
    response = french_admin.post(
        reverse("admin:events_stop_changelist"),
        {"action": "duplicate", "_selected_action": [stop.pk]},
    )

    assert response["Location"] == reverse("admin:events_stop_duplicate", args=[stop.pk])


def test_duplicate_page_needs_the_add_permission(client, stop):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(
        *Group.objects.get(name="Délégation").permissions.filter(codename="view_stop")
    )
    client.force_login(user)

    response = client.get(reverse("admin:events_stop_duplicate", args=[stop.pk]))

    assert response.status_code == 403
    assert Stop.objects.count() == 1


def test_unknown_stop_is_a_404(french_admin):
    assert french_admin.get(reverse("admin:events_stop_duplicate", args=[999])).status_code == 404


def test_one_month_later_keeps_the_day_or_the_last_of_the_month():
    assert one_month_later(datetime.date(2031, 1, 15)) == datetime.date(2031, 2, 15)
    assert one_month_later(datetime.date(2031, 12, 31)) == datetime.date(2032, 1, 31)
    assert one_month_later(datetime.date(2032, 1, 31)) == datetime.date(2032, 2, 29)
