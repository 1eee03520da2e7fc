import re

import pytest
from django.urls import reverse

from events.models import Contact, Partner, Session, Stop, Tour
from speakers.models import SessionSpeaker, Speaker
from tests.admin_forms import stop_change_data
from tests.factories import PartnerFactory, SessionSpeakerFactory, StopFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_fr(admin_client):
    admin_client.cookies["django_language"] = "fr"
    return admin_client


ADD_TITLES = {
    Tour: "Ajout d’une tournée",
    Stop: "Ajout d’une étape",
    Session: "Ajout d’une session",
    Contact: "Ajout d’un contact",
    Partner: "Ajout d’un partenaire",
    Speaker: "Ajout d’un intervenant",
    SessionSpeaker: "Ajout d’une intervention",
}


@pytest.mark.parametrize("model", [Tour, Stop, Session, Contact, Partner, Speaker, SessionSpeaker])
def test_every_model_has_an_admin_changelist_and_add_form(admin_client_fr, model):
    SessionSpeakerFactory()
    opts = model._meta

    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    changelist = admin_client_fr.get(reverse(f"{prefix}_changelist"))
    add = admin_client_fr.get(reverse(f"{prefix}_add"))

    assert changelist.status_code == 200
    assert add.status_code == 200
    assert str(opts.verbose_name_plural).capitalize() in changelist.text
    assert ADD_TITLES[model] in text_of(add)
    count = model.objects.count()
    name = opts.verbose_name if count <= 1 else opts.verbose_name_plural  # French: "0 contact"
    assert f"{count} {name}" in text_of(changelist)


def test_admin_refuses_a_workshop_without_seats_in_french(admin_client_fr):
    stop = StopFactory()

    response = admin_client_fr.post(
        reverse("admin:events_session_add"),
        {
            "stop": stop.pk,
            "starts_at_0": stop.date.strftime("%d/%m/%Y"),
            "starts_at_1": "15:00",
            "ends_at_0": stop.date.strftime("%d/%m/%Y"),
            "ends_at_1": "14:00",
            "kind": "workshop",
            "title": "Atelier sans places",
            "in_person_only": "on",
            "capacity": "",
            "session_speakers-TOTAL_FORMS": "0",
            "session_speakers-INITIAL_FORMS": "0",
        },
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "Un atelier doit avoir un nombre de places supérieur à zéro." in page
    assert "Une session doit se terminer après son début." in page
    assert not Session.objects.exists()


def workshop_data(stop, **changes):
    return {
        "stop": stop.pk,
        "starts_at_0": stop.date.strftime("%d/%m/%Y"),
        "starts_at_1": "15:00",
        "ends_at_0": stop.date.strftime("%d/%m/%Y"),
        "ends_at_1": "16:30",
        "kind": "workshop",
        "title": "Atelier",
        "capacity": "20",
        "session_speakers-TOTAL_FORMS": "0",
        "session_speakers-INITIAL_FORMS": "0",
        **changes,
    }


def field_errors(response, name):
    """The errors Django's admin shows on the row of field ``name``."""
    html = response.content.decode()
    row = re.search(
        rf'<div class="form-row[^"]*field-{name}[^"]*">(.*?)</div>\s*</div>', html, re.S
    )
    return re.findall(r"<li>([^<]+)</li>", row.group(1)) if row else []


def test_a_workshop_with_zero_seats_is_refused_once_next_to_its_seats(admin_client_fr):
    stop = StopFactory()

    response = admin_client_fr.post(
        reverse("admin:events_session_add"), workshop_data(stop, capacity="0")
    )

    page = text_of(response)
    assert field_errors(response, "capacity") == [
        "Un atelier doit avoir un nombre de places supérieur à zéro."
    ]
    assert page.count("supérieur à zéro") == 1
    assert "Les ateliers sont participatifs" not in page
    assert not Session.objects.exists()


def test_a_workshop_is_in_person_only_without_ticking_the_box(admin_client_fr):
    stop = StopFactory()

    response = admin_client_fr.post(reverse("admin:events_session_add"), workshop_data(stop))

    assert response.status_code == 302
    assert Session.objects.get().in_person_only is True


def test_a_workshop_added_from_the_stops_session_rows_is_saved(admin_client_fr):
    stop = StopFactory()
    data = stop_change_data(admin_client_fr, stop)
    data.update(
        {
            "sessions-TOTAL_FORMS": "1",
            "sessions-0-starts_at_0": stop.date.strftime("%d/%m/%Y"),
            "sessions-0-starts_at_1": "15:00",
            "sessions-0-ends_at_0": stop.date.strftime("%d/%m/%Y"),
            "sessions-0-ends_at_1": "16:30",
            "sessions-0-kind": "workshop",
            "sessions-0-title": "Atelier ajouté depuis l’étape",
            "sessions-0-capacity": "25",
        }
    )

    response = admin_client_fr.post(reverse("admin:events_stop_change", args=[stop.pk]), data)

    assert response.status_code == 302, text_of(response)
    workshop = Session.objects.get(title="Atelier ajouté depuis l’étape")
    assert (workshop.kind, workshop.in_person_only, workshop.capacity) == ("workshop", True, 25)


def test_admin_refuses_a_duplicate_stop_slug_in_french(admin_client_fr):
    existing = StopFactory(slug="transfo-montpellier-07122023")

    response = admin_client_fr.post(
        reverse("admin:events_stop_add"),
        {
            "tour": existing.tour.pk,
            "status": "draft",
            "title": "Copie",
            "slug": "transfo-montpellier-07122023",
            "theme": "IA",
            "region": "Occitanie",
            "city": "Montpellier",
            "date": "07/12/2027",
            "start_time": "08:30",
            "end_time": "17:00",
            "capacity": "100",
            "registration_opens_at_0": "01/10/2027",
            "registration_opens_at_1": "09:00",
            "registration_closes_at_0": "06/12/2027",
            "registration_closes_at_1": "23:59",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Un objet Étape avec ce champ Identifiant d’adresse existe déjà." in text_of(response)
    assert Stop.objects.count() == 1


def test_deleting_a_stop_names_its_partner_links_in_words(admin_client_fr):
    stop = StopFactory(city="Montpellier")
    stop.partners.add(PartnerFactory(name="Les Interconnectés"))

    page = text_of(admin_client_fr.get(reverse("admin:events_stop_delete", args=[stop.pk])))

    assert f"Partenaire de l’étape : Les Interconnectés – {stop}" in page
    assert "Partenaires de l’étape : 1" in page  # the summary
    assert "object (" not in page
    assert "Stop_partners" not in page
