"""The speakers' area: sign-in by e-mail link, slots, calendar, profile, privacy."""

import io
import re
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar
from PIL import Image

from demo.data import DEMO_COPY_SLUG
from registrations import services as registration_services
from speakers import services
from speakers.models import Speaker
from tests.factories import SessionSpeakerFactory, SpeakerFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db

HOME = "/espace-intervenant/"


@pytest.fixture
def clement(demo_stop):
    """Jean-Philippe Clément speaks in the round table and in a workshop of each Montpellier day."""
    speaker = Speaker.objects.get(last_name="Clément")
    speaker.email = "jp.clement@example.org"
    speaker.save()
    return speaker


def link_from_outbox():
    return re.search(r"(/espace-intervenant/connexion/\S+/)", mail.outbox[-1].body).group(1)


@pytest.fixture
def signed_in(client, clement, deliver_emails):
    with deliver_emails():
        client.post(HOME, {"email": "JP.Clement@example.org"})
    client.post(link_from_outbox())
    return client


def image_file(fmt="PNG", size=(1600, 1200), name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#3366aa").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


# --- Sign-in ----------------------------------------------------------------------------


def test_known_email_receives_a_one_time_link(client, clement, deliver_emails):
    with deliver_emails():
        response = client.post(HOME, {"email": "jp.clement@example.org"})

    assert "Consultez votre messagerie" in text_of(response)
    assert mail.outbox[-1].to == ["jp.clement@example.org"]
    assert "15 minutes" in mail.outbox[-1].body


def test_unknown_email_gets_the_same_answer_and_no_email(client, clement, deliver_emails):
    with deliver_emails():
        known = client.post(HOME, {"email": "jp.clement@example.org"})
        unknown = client.post(HOME, {"email": "nobody@example.org"})

    assert text_of(known).replace("jp.clement@example.org", "X") == text_of(unknown).replace(
        "nobody@example.org", "X"
    )
    assert len(mail.outbox) == 1


def test_bad_email_is_refused_in_french(client, db):
    response = client.post(HOME, {"email": "pas-une-adresse"})

    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide." in text_of(response)


def test_link_opens_a_confirmation_then_signs_in(client, clement, deliver_emails):
    with deliver_emails():
        client.post(HOME, {"email": "jp.clement@example.org"})
    link = link_from_outbox()

    shown = client.get(link)
    anonymous_before_click = client.get("/espace-intervenant/mes-interventions/")
    signed = client.post(link)

    assert "Se connecter" in text_of(shown)
    assert anonymous_before_click.url == HOME  # the GET alone does not sign in
    assert signed.status_code == 302
    assert signed.url == "/espace-intervenant/mes-interventions/"
    assert "Interventions de Jean-Philippe Clément" in text_of(client.get(signed.url))


def test_a_used_link_does_not_work_again(client, clement, deliver_emails):
    with deliver_emails():
        client.post(HOME, {"email": "jp.clement@example.org"})
    link = link_from_outbox()
    client.post(link)
    client.post("/espace-intervenant/deconnexion/")

    again = client.post(link)

    assert again.status_code == 400
    assert "Ce lien de connexion ne fonctionne pas" in text_of(again)
    assert client.get("/espace-intervenant/mes-interventions/").url == HOME


def test_an_expired_link_says_so(client, clement):
    token = services.sign_in_token(clement)

    with mock.patch("django.core.signing.time.time", return_value=9_999_999_999):
        response = client.post(f"/espace-intervenant/connexion/{token}/")

    assert response.status_code == 410
    assert "Ce lien de connexion a expiré" in text_of(response)


@pytest.mark.parametrize("token", ["forged", "WzEsImFiYyJd:1abc:forged", "a" * 300])
def test_a_forged_link_never_signs_in(client, clement, token):
    response = client.post(f"/espace-intervenant/connexion/{token}/")

    assert response.status_code == 400
    assert "Ce lien de connexion ne fonctionne pas" in text_of(response)
    assert "_auth" not in str(client.session.items())
    assert client.get("/espace-intervenant/mes-interventions/").url == HOME


def test_a_link_signed_for_another_nonce_is_refused(client, clement):
    from django.core import signing

    forged = signing.dumps([clement.pk, "guessed"], salt=services.SIGN_IN_SALT)

    response = client.post(f"/espace-intervenant/connexion/{forged}/")

    assert response.status_code == 400
    assert "Ce lien de connexion ne fonctionne pas" in text_of(response)
    assert client.get("/espace-intervenant/mes-interventions/").url == HOME


def test_session_times_out_after_an_hour_and_sign_out_works(signed_in):
    signed_in.get("/espace-intervenant/mes-interventions/")
    assert signed_in.session.get_expiry_age() == 3600

    signed_in.post("/espace-intervenant/deconnexion/")

    response = signed_in.get("/espace-intervenant/mes-interventions/")
    assert response.status_code == 302
    assert response.url == HOME


# --- Slots ------------------------------------------------------------------------------


def test_slots_list_upcoming_first_and_past_apart(signed_in, clement):
    from events.models import Stop

    demo = Stop.objects.get(slug=DEMO_COPY_SLUG)
    workshop = demo.sessions.get(title="L’IA nous rend-elle plus efficaces ?")
    registration_services.register(stop=demo, **registration_details(workshops=[workshop]))

    response = signed_in.get("/espace-intervenant/mes-interventions/")

    page = text_of(response)
    upcoming = page[page.index("Prochaines interventions") : page.index("Mon agenda")]
    past = page[page.index("Interventions passées") :]
    assert upcoming.index("La parole à ceux qui expérimentent") < upcoming.index(
        "L’IA nous rend-elle plus efficaces ?"
    )
    assert "(journée de démonstration)" in upcoming
    assert "Jeudi 7 décembre 2023" in past
    assert "Table ronde" in upcoming
    assert "Votre rôle Intervenant·e" in upcoming
    assert "Julie Morand – intervenant·e, SynBird" in upcoming
    assert "1 confirmé sur 40 places" in upcoming
    assert "Présentiel uniquement" in upcoming
    assert "Léon Blum" in upcoming
    assert "no-store" in response["Cache-Control"]


def test_a_session_the_speaker_holds_alone_says_nobody_else(signed_in, clement):
    from events.models import Stop
    from tests.factories import SessionFactory, SessionSpeakerFactory

    demo = Stop.objects.get(slug=DEMO_COPY_SLUG)
    alone = SessionFactory(stop=demo, title="Le mot de la fin")
    SessionSpeakerFactory(session=alone, speaker=clement)

    page = " ".join(text_of(signed_in.get("/espace-intervenant/mes-interventions/")).split())

    assert page.count("Avec Personne d’autre") == 1  # only the session held alone
    assert "Avec Personne d’autre" in page[page.index("Le mot de la fin") :]
    assert "Julie Morand – intervenant·e, SynBird" in page  # others are still listed


def test_portal_pages_need_a_signed_in_speaker(client, db):
    for url in ["mes-interventions/", "profil/", "agenda.ics"]:
        response = client.get(HOME + url)
        assert response.status_code == 302, url
        assert response.url == HOME


# --- Calendar ---------------------------------------------------------------------------


def test_calendar_download_and_private_feed(signed_in, clement, client):
    download = signed_in.get("/espace-intervenant/agenda.ics")
    feed = client.get(f"/espace-intervenant/agenda/{clement.calendar_token}.ics")

    events = Calendar.from_ical(download.content).walk("VEVENT")
    assert len(events) == 4  # two sessions at each Montpellier day
    assert download.content.split(b"DTSTAMP")[0] == feed.content.split(b"DTSTAMP")[0]


def test_renewing_the_feed_revokes_the_old_address(signed_in, clement, client):
    old = clement.calendar_token

    signed_in.post("/espace-intervenant/agenda/renouveler/")

    clement.refresh_from_db()
    revoked = client.get(f"/espace-intervenant/agenda/{old}.ics")
    renewed = client.get(f"/espace-intervenant/agenda/{clement.calendar_token}.ics")
    assert clement.calendar_token != old
    assert revoked.status_code == 404
    assert b"BEGIN:VCALENDAR" not in revoked.content
    assert len(Calendar.from_ical(renewed.content).walk("VEVENT")) == 4


def test_another_speakers_calendar_cannot_be_guessed(client, clement):
    line_up = SessionSpeakerFactory(session__title="Session privée")
    other = line_up.speaker

    for token in [str(other.pk), other.slug, "x" * 43]:
        response = client.get(f"/espace-intervenant/agenda/{token}.ics")
        assert response.status_code == 404, token
        assert b"BEGIN:VCALENDAR" not in response.content, token
        assert "Session privée" not in response.content.decode(), token


# --- Profile ----------------------------------------------------------------------------


def profile_data(**changes):
    return {
        "job_title": "Directeur général adjoint",
        "organisation": "Mairie du 17e Paris",
        "bio": "Animateur du podcast Parlez-moi d’IA.",
        "show_photo": "on",
        **changes,
    }


def test_profile_edit_is_public_at_once_and_in_the_admin_history(signed_in, clement, client):
    client.get(clement.get_absolute_url())  # cache the public page first

    signed_in.post("/espace-intervenant/profil/", profile_data(bio="Nouvelle biographie."))

    assert "Nouvelle biographie." in text_of(client.get(clement.get_absolute_url()))
    entry = LogEntry.objects.get(object_id=str(clement.pk))
    assert entry.user.username == "espace-intervenant"
    assert "biographie" in entry.get_change_message()


def test_photo_is_checked_resized_and_can_be_hidden(signed_in, clement, client):
    signed_in.post("/espace-intervenant/profil/", {**profile_data(), "photo": image_file("PNG")})
    clement.refresh_from_db()
    with Image.open(clement.photo.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 800
    assert clement.photo.url in client.get(clement.get_absolute_url()).text

    signed_in.post("/espace-intervenant/profil/", profile_data(show_photo=""))

    assert clement.photo.url not in client.get(clement.get_absolute_url()).text


def test_a_photo_of_the_smallest_size_allowed_is_kept(signed_in, clement):
    response = signed_in.post(
        "/espace-intervenant/profil/",
        {**profile_data(), "photo": image_file("JPEG", size=(200, 200), name="carre.jpg")},
    )

    assert response.status_code == 302
    clement.refresh_from_db()
    with Image.open(clement.photo.path) as stored:
        assert stored.size == (200, 200)


def test_speaker_removes_their_photo_file_included(
    signed_in, clement, client, django_capture_on_commit_callbacks
):
    signed_in.post("/espace-intervenant/profil/", {**profile_data(), "photo": image_file("PNG")})
    clement.refresh_from_db()
    name, storage = clement.photo.name, clement.photo.storage
    assert "Supprimer ma photo" in text_of(signed_in.get("/espace-intervenant/profil/"))

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/espace-intervenant/profil/", profile_data(remove_photo="on"))

    clement.refresh_from_db()
    assert not clement.photo
    assert not storage.exists(name)
    assert storage.url(name) not in client.get(clement.get_absolute_url()).text
    assert "Supprimer ma photo" not in text_of(signed_in.get("/espace-intervenant/profil/"))
    assert (
        "photo" in LogEntry.objects.filter(object_id=str(clement.pk)).first().get_change_message()
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("cv.jpg", b"not an image at all", "image/jpeg"), "n’est pas une image"),
        (image_file("GIF", name="anim.gif"), "n’est pas une image JPEG, PNG ou WebP"),
        (SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024 + 1)), "2 Mo"),
        (
            image_file("PNG", size=(1, 1), name="pixel.png"),
            "Cette photo est trop petite : 1 × 1 pixels. "
            "Envoyez une photo d’au moins 200 × 200 pixels.",
        ),
        (image_file("JPEG", size=(800, 199), name="banner.jpg"), "800 × 199 pixels"),
    ],
)
def test_bad_photo_is_refused_in_french_and_changes_nothing(signed_in, clement, upload, message):
    response = signed_in.post(
        "/espace-intervenant/profil/", {**profile_data(bio="Changée ?"), "photo": upload}
    )

    assert response.status_code == 400
    assert message in text_of(response)
    clement.refresh_from_db()
    assert not clement.photo
    assert clement.bio != "Changée ?"


@pytest.mark.parametrize(("field", "size"), [("bio", 2001), ("job_title", 301)])
def test_too_long_profile_field_is_refused(signed_in, clement, field, size):
    response = signed_in.post("/espace-intervenant/profil/", profile_data(**{field: "x" * size}))

    assert response.status_code == 400
    assert "caractères" in text_of(response)
    clement.refresh_from_db()
    assert getattr(clement, field) != "x" * size


def test_a_speaker_cannot_clear_their_job_title(signed_in, clement):
    response = signed_in.post("/espace-intervenant/profil/", profile_data(job_title="  "))

    assert response.status_code == 400
    assert "Indiquez votre fonction : le programme l’affiche à côté de votre nom." in (
        " ".join(text_of(response).split())
    )
    clement.refresh_from_db()
    assert clement.job_title.startswith("Directeur général adjoint")


def test_a_speaker_edits_only_their_own_profile(signed_in, clement):
    other = SpeakerFactory(bio="Intouchable")

    signed_in.post(f"/espace-intervenant/profil/?speaker={other.pk}", profile_data(bio="Moi"))

    other.refresh_from_db()
    clement.refresh_from_db()
    assert other.bio == "Intouchable"
    assert clement.bio == "Moi"


def test_speaker_email_is_never_public(client, clement):
    shown_as = {
        clement.get_absolute_url(): "Jean-Philippe Clément",
        "/intervenants/": "CLÉMENT Jean-Philippe",
        f"/{DEMO_COPY_SLUG}/": "Jean-Philippe Clément",
    }
    for url, name in shown_as.items():
        response = client.get(url)
        assert name in text_of(response), url  # the page does show them
        assert "jp.clement@example.org" not in response.text, url


# --- Admin ------------------------------------------------------------------------------


def test_organisers_send_the_link_from_the_admin(admin_client, clement, deliver_emails):
    with deliver_emails():
        admin_client.post(
            reverse("admin:speakers_speaker_changelist"),
            {"action": "send_sign_in_link", "_selected_action": [clement.pk]},
        )
        admin_client.post(reverse("admin:speakers_speaker_send_link", args=[clement.pk]))

    assert [m.to for m in mail.outbox] == [["jp.clement@example.org"]] * 2
    assert all("/espace-intervenant/connexion/" in m.body for m in mail.outbox)
    logged = LogEntry.objects.filter(object_id=str(clement.pk)).values_list(
        "change_message", flat=True
    )
    assert list(logged) == ["Invitation à l’espace intervenant envoyée."] * 2


# --- Archived programmes stay as printed --------------------------------------------------


def speaker_line(client, slug, speaker):
    page = text_of(client.get(f"/{slug}/"))
    start = page.index(speaker.full_name)
    return page[start : start + 120]


def test_a_profile_change_updates_upcoming_programmes_not_days_over(
    signed_in, clement, client, demo_stop
):
    printed = speaker_line(client, demo_stop.slug, clement)
    assert clement.job_title in printed

    signed_in.post(
        "/espace-intervenant/profil/",
        profile_data(job_title="Directeur de l’innovation", organisation="Région Occitanie"),
    )

    assert speaker_line(client, demo_stop.slug, clement) == printed
    upcoming = speaker_line(client, DEMO_COPY_SLUG, clement)
    assert "Directeur de l’innovation, Région Occitanie" in upcoming


def test_an_organisers_profile_edit_keeps_days_over_as_printed(admin_client, clement, demo_stop):
    printed = speaker_line(admin_client, demo_stop.slug, clement)
    url = reverse("admin:speakers_speaker_change", args=[clement.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "photo"}
    data["show_photo"] = "on"
    data["job_title"] = "Consultant indépendant"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert speaker_line(admin_client, demo_stop.slug, clement) == printed
    assert "Consultant indépendant" in speaker_line(admin_client, DEMO_COPY_SLUG, clement)


# --- The form guard (rate limit and honeypot) -----------------------------------------------


def test_a_bot_filling_the_honeypot_gets_the_same_answer_and_no_link(
    client, clement, deliver_emails
):
    with deliver_emails():
        bot = client.post(HOME, {"email": clement.email, "website": "http://spam.example"})
    sent_to_the_bot = list(mail.outbox)
    with deliver_emails():
        person = client.post(HOME, {"email": clement.email, "website": ""})

    assert text_of(bot) == text_of(person)
    assert sent_to_the_bot == []
    assert [m.to for m in mail.outbox] == [[clement.email]]


def test_sign_in_requests_are_rate_limited_in_french(client, clement, settings, deliver_emails):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    for _ in range(2):
        client.post(HOME, {"email": "inconnu@example.org"})

    with deliver_emails():
        response = client.post(HOME, {"email": clement.email})

    assert response.status_code == 429
    assert "Trop d’envois depuis votre connexion" in text_of(response)
    assert mail.outbox == []


def test_labels_take_the_colon_of_the_language(client, clement):
    french = client.get(clement.get_absolute_url())
    client.cookies["django_language"] = "en"
    english = client.get(clement.get_absolute_url())

    assert "Table ronde\u202f: " in french.content.decode()
    assert "Round table: " in english.content.decode()
    assert "Round table : " not in english.content.decode()


def test_past_days_come_most_recent_first_each_in_time_order(clement):
    import datetime

    from django.utils import timezone

    from speakers.selectors import speaker_slots
    from tests.factories import SessionFactory, SessionSpeakerFactory, StopFactory

    def day_ago(days, hour):
        day = timezone.localdate() - datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    for days, hour, title in [(10, 9, "Ouverture J-10"), (10, 16, "Clôture J-10"), (3, 9, "J-3")]:
        stop = StopFactory(
            date=timezone.localdate() - datetime.timedelta(days=days),
            registration_opens_at=timezone.now() - datetime.timedelta(days=days + 30),
        )
        session = SessionFactory(
            stop=stop,
            title=title,
            starts_at=day_ago(days, hour),
            ends_at=day_ago(days, hour) + datetime.timedelta(hours=1),
        )
        SessionSpeakerFactory(session=session, speaker=clement)

    _upcoming, past = speaker_slots(clement)

    titles = [line_up.session.title for line_up in past]
    assert titles.index("J-3") < titles.index("Ouverture J-10") < titles.index("Clôture J-10")
