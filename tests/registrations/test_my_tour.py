"""'Mon parcours': sign-in by e-mailed link, one's registrations across the tour, prefill."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst

from registrations import services, sign_in
from registrations.models import AttendeeSignIn, Registration
from registrations.tokens import make_token, registration_from_token
from tests.factories import StopFactory, TourFactory, registration_details
from tests.pages import text_of
from tests.registrations.test_certificates import move_to_the_past

pytestmark = pytest.mark.django_db

HOME = "/mon-parcours/"
PAGE = "/mon-parcours/mes-journees/"
EMAIL = "camille.durand@example.org"


def register(stop, **overrides):
    return services.register(stop=stop, **registration_details(email=EMAIL, **overrides))[0]


@pytest.fixture
def season():
    return TourFactory(name="IntercoTOUR 2030-2031")


@pytest.fixture
def tour_of_camille(season):
    """Two past days (one attended), one coming day, and the next stop open to register."""
    attended = StopFactory(tour=season, city="Montpellier", title="IA générative")
    missed = StopFactory(tour=season, city="Lyon", title="Données publiques")
    coming = StopFactory(tour=season, city="Rennes", title="Sobriété numérique")
    next_stop = StopFactory(
        tour=season,
        city="Nantes",
        title="Cybersécurité",
        date=timezone.localdate() + datetime.timedelta(days=60),
    )
    old_season = StopFactory(city="Arras", title="Ancienne saison")
    services.check_in(registration=register(attended, job_title="Ancienne fonction"))
    register(missed)
    services.check_in(registration=register(old_season))
    latest = register(coming, job_title="Cheffe de projet", phone="06 12 34 56 78")
    services.register(stop=attended, **registration_details(first_name="Autre", email="x@ex.org"))
    move_to_the_past(attended, days=10)
    move_to_the_past(missed, days=5)
    move_to_the_past(old_season, days=300)
    return {"attended": attended, "missed": missed, "coming": coming, "next": next_stop,
            "latest": latest}  # fmt: skip


def link_from_outbox():
    return re.search(r"(/mon-parcours/connexion/\S+/)", mail.outbox[-1].body).group(1)


@pytest.fixture
def signed_in(client, tour_of_camille, deliver_emails):
    with deliver_emails():
        client.post(HOME, {"email": "Camille.Durand@Example.org"})
    client.post(link_from_outbox())
    return client


# --- Sign-in ----------------------------------------------------------------------------


def test_known_email_receives_a_one_time_link_and_unknown_the_same_answer(
    client, tour_of_camille, deliver_emails
):
    with deliver_emails():
        known = client.post(HOME, {"email": "Camille.Durand@Example.org"})
        unknown = client.post(HOME, {"email": "nobody@example.org"})

    assert text_of(known).replace("Camille.Durand@Example.org", "X") == text_of(unknown).replace(
        "nobody@example.org", "X"
    )
    assert "Consultez votre messagerie" in text_of(known)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    message = mail.outbox[0]
    assert message.subject == "[IntercoTOUR] Votre lien de connexion à « Mon parcours »"
    assert "Il fonctionne une fois, pendant 15 minutes" in message.body
    assert "camille" not in link_from_outbox().lower()
    assert list(AttendeeSignIn.objects.values_list("email", flat=True)) == [EMAIL]


def test_the_link_opens_a_confirmation_page_first_then_works_once(
    client, tour_of_camille, deliver_emails
):
    with deliver_emails():
        client.post(HOME, {"email": EMAIL})
    link = link_from_outbox()

    scanned = client.get(link)
    assert "Se connecter à « Mon parcours »" in text_of(scanned)
    assert client.get(PAGE).status_code == 302  # a GET signs nobody in

    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "Mon parcours" in text_of(response)

    client.post("/mon-parcours/deconnexion/")
    again = client.post(link)
    assert again.status_code == 400
    assert "Ce lien de connexion ne fonctionne pas" in text_of(again)
    assert client.get(PAGE).status_code == 302


def test_an_expired_link_says_so(client, tour_of_camille):
    row = AttendeeSignIn.objects.create(email=EMAIL)
    token = sign_in.make_token(row)

    with mock.patch("django.core.signing.time.time", return_value=9_999_999_999):
        response = client.post(f"/mon-parcours/connexion/{token}/")

    assert response.status_code == 410
    assert "Ce lien de connexion a expiré" in text_of(response)


@pytest.mark.parametrize("token", ["forged", "WzEsImFiYyJd:1abc:forged", "a" * 300])
def test_a_forged_link_never_signs_in(client, tour_of_camille, token):
    response = client.post(f"/mon-parcours/connexion/{token}/")

    assert response.status_code == 400
    assert "Ce lien de connexion ne fonctionne pas" in text_of(response)
    assert client.get(PAGE).status_code == 302


def test_a_link_signed_for_another_nonce_is_refused(client, tour_of_camille):
    row = AttendeeSignIn.objects.create(email=EMAIL)
    forged = signing.dumps([row.pk, "guessed"], salt=sign_in.SALT)

    assert client.post(f"/mon-parcours/connexion/{forged}/").status_code == 400
    assert client.get(PAGE).status_code == 302


def test_a_bad_email_is_refused_in_french(client, db):
    response = client.post(HOME, {"email": "pas-une-adresse"})

    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide." in text_of(response)


def test_a_bot_filling_the_honeypot_gets_the_same_answer_and_no_link(
    client, tour_of_camille, deliver_emails
):
    with deliver_emails():
        bot = client.post(HOME, {"email": EMAIL, "website": "http://spam.example"})

    assert "Consultez votre messagerie" in text_of(bot)
    assert mail.outbox == []
    assert not AttendeeSignIn.objects.exists()


def test_sign_in_requests_are_rate_limited_in_french(
    client, tour_of_camille, settings, deliver_emails
):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    for _ in range(2):
        client.post(HOME, {"email": "inconnu@example.org"})

    with deliver_emails():
        response = client.post(HOME, {"email": EMAIL})

    assert response.status_code == 429
    assert "Trop d’envois depuis votre connexion" in text_of(response)
    assert mail.outbox == []


def test_the_page_needs_a_signed_in_session(client, db):
    response = client.get(PAGE, follow=True)

    assert response.redirect_chain[-1][0] == HOME
    assert "Connectez-vous : votre session a expiré ou n’a pas commencé." in text_of(response)


def test_session_times_out_after_an_idle_hour_and_sign_out_works(signed_in):
    signed_in.get(PAGE)
    assert signed_in.session.get_expiry_age() == 3600

    response = signed_in.post("/mon-parcours/deconnexion/", follow=True)

    assert "Vous êtes déconnecté" in text_of(response)
    assert signed_in.get(PAGE).status_code == 302


# --- The page -----------------------------------------------------------------------------


def section(page, title, next_title=None):
    text = page.split(title, 1)[1]
    return text.split(next_title, 1)[0] if next_title else text


def test_the_page_lists_coming_and_past_days_with_what_each_offers(signed_in, tour_of_camille):
    response = signed_in.get(PAGE)

    page = text_of(response)
    assert "no-store" in response["Cache-Control"]
    assert f"Connecté·e avec {EMAIL}" in page
    assert "Cette saison (IntercoTOUR 2030-2031) : 1 journée suivie" in page
    coming = section(page, "Journées à venir", "Journées passées")
    assert "Rennes – Sobriété numérique" in coming
    assert "Gérer ou annuler cette inscription" in coming
    past = section(page, "Journées passées")
    assert past.index("Lyon – Données publiques") < past.index("Montpellier – IA générative")
    assert past.index("Montpellier – IA générative") < past.index("Arras – Ancienne saison")
    assert past.count("Télécharger mon attestation de présence") == 2  # Montpellier, Arras
    with translation.override("fr"):
        missed_day = capfirst(date_format(tour_of_camille["missed"].date, "l j F Y"))
    assert (
        f"Lyon – Données publiques {missed_day} Confirmée · aucune arrivée enregistrée à l’accueil"
        in past
    )
    assert "Autre" not in page

    html = response.text
    cities = lambda pattern: [  # noqa: E731 - the cities whose registration a link opens
        registration_from_token(token, to_read=True).stop.city
        for token in re.findall(pattern, html)
    ]
    assert cities(r'href="/inscription/([^/"]+)/attestation.pdf"') == ["Montpellier", "Arras"]
    assert cities(r'href="/inscription/([^/"]+)/" class="my-tour__survey"') == [
        "Lyon", "Montpellier", "Arras"
    ]  # fmt: skip
    assert cities(r'href="/inscription/([^/"]+)/">Gérer ou annuler') == ["Rennes"]
    attended = tour_of_camille["attended"]
    assert f'href="{attended.get_absolute_url()}#restitutions"' in html
    assert html.count(EMAIL) == 1  # only in "signed in as", never in a link


def test_the_page_offers_the_next_stop_open_for_registration(signed_in, tour_of_camille):
    response = signed_in.get(PAGE)

    next_stop = tour_of_camille["next"]
    page = text_of(response)
    assert "Prochaine étape" in page
    assert "Nantes" in section(page, "Prochaine étape", "Journées à venir")
    assert f'href="/{next_stop.slug}/inscription/"' in response.text


def test_the_certificate_link_of_the_page_downloads_the_pdf(signed_in, tour_of_camille):
    registration = Registration.objects.get(stop=tour_of_camille["attended"], email=EMAIL)

    response = signed_in.get(f"/inscription/{make_token(registration)}/attestation.pdf")

    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("extra_days", [0, 6])
def test_the_page_reads_in_a_fixed_number_of_queries(
    signed_in, season, django_assert_num_queries, extra_days
):
    for _ in range(extra_days):
        stop = StopFactory(tour=season)
        services.check_in(registration=register(stop))
        move_to_the_past(stop, days=20)

    # session, sign-in row, registrations, current tour, next stop; the session's sliding
    # expiry saved (in a savepoint here)
    with django_assert_num_queries(8):
        response = signed_in.get(PAGE)

    assert response.status_code == 200


# --- Registering for the next stop, details prefilled -----------------------------------------


def field_value(response, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.text)
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_the_registration_form_is_prefilled_from_the_latest_registration(
    signed_in, tour_of_camille
):
    response = signed_in.get(f"/{tour_of_camille['next'].slug}/inscription/")

    assert field_value(response, "first_name") == "Camille"
    assert field_value(response, "last_name") == "Durand"
    assert field_value(response, "email") == EMAIL
    assert field_value(response, "organisation") == "Métropole de Montpellier"
    assert field_value(response, "job_title") == "Cheffe de projet"
    assert field_value(response, "phone") == "06 12 34 56 78"
    assert 'value="local_staff" selected' in response.text
    assert "Vos coordonnées sont reprises de votre dernière inscription" in text_of(response)
    assert "no-store" in response["Cache-Control"]


def test_the_registration_form_is_not_prefilled_without_sign_in_nor_from_the_url(
    client, tour_of_camille
):
    response = client.get(
        f"/{tour_of_camille['next'].slug}/inscription/?first_name=Mallory&email={EMAIL}"
    )

    assert field_value(response, "first_name") == ""
    assert field_value(response, "email") == ""
    assert "Vos coordonnées sont reprises" not in text_of(response)


def test_the_purge_forgets_sign_ins_of_addresses_without_registrations(tour_of_camille):
    AttendeeSignIn.objects.create(email=EMAIL)
    AttendeeSignIn.objects.create(email="gone@example.org")

    services.purge_old_registrations()

    assert list(AttendeeSignIn.objects.values_list("email", flat=True)) == [EMAIL]


def test_the_purge_forgets_sign_in_emails_older_than_the_retention(tour_of_camille, run_tasks):
    from background.models import EmailDelivery

    sign_in.send_sign_in_link(email=EMAIL)
    run_tasks()
    links = EmailDelivery.objects.filter(kind="tour_sign_in")
    links.update(created_at=timezone.now() - datetime.timedelta(days=400))
    sign_in.send_sign_in_link(email=EMAIL)
    run_tasks()

    services.purge_old_registrations()

    recent = links.get()
    assert (recent.recipient, recent.stop) == (EMAIL, None)
    assert recent.created_at > timezone.now() - datetime.timedelta(days=1)
