"""Hostile requests get a French 400/403/404 page, never a 500, and change nothing."""

from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from events.models import Session, Stop
from registrations import services
from registrations.models import Registration, WorkshopBooking
from registrations.tokens import make_token
from speakers.models import Speaker
from tests.factories import (
    SessionSpeakerFactory,
    SpeakerFactory,
    StopFactory,
    WorkshopFactory,
    registration_details,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db

NUL = "\x00"
LINK = "Ce lien ne fonctionne pas"
SIGN_IN = "Ce lien de connexion ne fonctionne pas"
FRENCH_PAGES = {
    400: "Requête incomprise",
    403: "Accès refusé",
    404: "Page introuvable",
}


@pytest.fixture
def world(db):
    stop = StopFactory(slug="etape-hostile", capacity=5)
    workshop = WorkshopFactory(stop=stop, capacity=2)
    registration = services.register(
        stop=stop, **registration_details(workshops=[workshop], lunch=True)
    )[0]
    speaker = SpeakerFactory(email="oratrice@example.org")
    SessionSpeakerFactory(speaker=speaker, session=workshop)
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    return {"stop": stop, "workshop": workshop, "registration": registration, "admin": admin}


def snapshot():
    """Everything a hostile request might change, row by row."""
    return {
        model.__name__: sorted(model.objects.values_list())
        for model in (Registration, WorkshopBooking, Speaker, Stop, Session, LogEntry)
    }


def client_for(world, who):
    client = Client(raise_request_exception=False)
    if who == "admin":
        client.force_login(world["admin"])
    elif who == "speaker":
        session = client.session
        session["speaker_id"] = Speaker.objects.get(email="oratrice@example.org").pk
        session.save()
    return client


def registration_form(world, **changes):
    slot = f"workshop_{int(world['workshop'].starts_at.timestamp())}"
    data = {
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@example.org",
        "organisation": "Ville de Sète",
        "job_title": "Chargée de mission",
        "category": "local_staff",
        "phone": "0612345678",
        "mode": "in_person",
        slot: str(world["workshop"].pk),
        "dietary_requirements": "",
        "access_needs": "",
        "website": "",
    }
    return {**data, **changes}


REGISTRATION_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "organisation",
    "job_title",
    "category",
    "phone",
    "mode",
    "workshop",
    "dietary_requirements",
    "access_needs",
    "website",
]
DETAIL_FIELDS = ["first_name", "last_name", "organisation", "job_title", "phone", "access_needs"]
PROFILE_FIELDS = ["job_title", "organisation", "bio"]


def _with_nul(value):
    return f"Cam{NUL}ille{value}"


def cases():
    """(id, who, method, url builder, data builder, expected status)."""
    admin_stop = "/admin/events/stop/{stop}/"
    yield "speaker-feed-nul", None, "get", "/espace-intervenant/agenda/%00.ics", None, 400
    yield "speaker-feed-garbage", None, "get", "/espace-intervenant/agenda/xyz.ics", None, 404
    yield "sign-in-nul", None, "get", "/espace-intervenant/connexion/%00/", None, 400
    yield "sign-in-garbage", None, "get", "/espace-intervenant/connexion/abc/", None, 400, SIGN_IN
    yield "manage-nul", None, "get", "/inscription/%00/", None, 400
    yield "manage-garbage", None, "get", "/inscription/abc:def/", None, 404, LINK
    yield "manage-calendar-nul", None, "get", "/inscription/a%00b/agenda.ics", None, 400
    yield "home-query-nul", None, "get", "/?q=%00", None, 400
    yield "query-key-nul", None, "get", "/?%00=1", None, 400
    yield "stop-nul", None, "get", "/etape%00hostile/", None, 400
    yield "stop-unknown", None, "get", "/etape-inconnue/", None, 404
    yield "speaker-nul", None, "get", "/intervenants/a%00/", None, 400
    yield "language-next-nul", None, "get", "/langue/en/?next=/%00", None, 400
    yield "register-query-nul", None, "get", "/etape-hostile/inscription/?x=%00", None, 400
    yield "check-in-search-nul", "admin", "get", admin_stop + "accueil/?q=%00", None, 400
    yield "check-in-unknown-stop", "admin", "get", "/admin/events/stop/999999/accueil/", None, 404
    yield "admin-search-nul", "admin", "get", "/admin/registrations/registration/?q=%00", None, 400
    yield (
        "admin-filter-superscript",
        "admin",
        "get",
        "/admin/registrations/registration/?workshop=%C2%B2",
        None,
        200,
    )
    check_in = admin_stop + "accueil/"
    for label, value in [("abc", "abc"), ("empty", ""), ("unknown", "999999"), ("sign", "-1")]:
        data = {"action": "check_in", "registration": value}
        yield f"check-in-post-{label}", "admin", "post", check_in, data, 404
    yield (
        "check-in-post-nul",
        "admin",
        "post",
        check_in,
        {"action": "undo", "registration": NUL},
        400,
    )
    yield "check-in-missing", "admin", "post", check_in, {"action": "check_in"}, 404
    walk_in = {"action": "walk_in", "first_name": NUL, "last_name": "X", "organisation": "Y"}
    yield "walk-in-nul", "admin", "post", check_in, walk_in, 400
    for field in REGISTRATION_FIELDS:
        yield (
            f"register-nul-{field}",
            None,
            "post",
            "/etape-hostile/inscription/",
            lambda world, field=field: registration_form(
                world,
                **{
                    (
                        f"workshop_{int(world['workshop'].starts_at.timestamp())}"
                        if field == "workshop"
                        else field
                    ): _with_nul("")
                },
            ),
            400,
        )
    yield "fresh-link-nul", None, "post", "/inscription/nouveau-lien/", {"email": NUL}, 400
    yield "sign-in-request-nul", None, "post", "/espace-intervenant/", {"email": "a@b.fr\x00"}, 400
    for field in DETAIL_FIELDS:
        yield (
            f"details-nul-{field}",
            None,
            "post",
            "/inscription/{token}/coordonnees/",
            {field: _with_nul(""), "category": "other"},
            400,
        )
    yield "cancel-nul", None, "post", "/inscription/{token}/annulation/", {"confirm": NUL}, 400
    for field in PROFILE_FIELDS:
        yield (
            f"profile-nul-{field}",
            "speaker",
            "post",
            "/espace-intervenant/profil/",
            {field: _with_nul(""), "show_photo": "on"},
            400,
        )
    yield "profile-query-nul", "speaker", "get", "/espace-intervenant/profil/?a=%00", None, 400


CASES = [case if len(case) == 7 else (*case, None) for case in cases()]


@pytest.mark.parametrize(
    ("who", "method", "url", "data", "expected", "text"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_hostile_request_is_refused_in_french_and_changes_nothing(
    world, who, method, url, data, expected, text
):
    client = client_for(world, who)
    url = url.format(stop=world["stop"].pk, token=make_token(world["registration"]))
    if callable(data):
        data = data(world)
    before = snapshot()

    response = (
        getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    )

    assert response.status_code == expected
    if text or expected in FRENCH_PAGES:
        assert (text or FRENCH_PAGES[expected]) in text_of(response)
    assert snapshot() == before


# --- Oversized, malformed and forged requests: Django's own refusals, in French -------------


def test_oversized_field_gets_the_french_400_page(world):
    before = snapshot()
    response = Client(raise_request_exception=False).post(
        "/etape-hostile/inscription/", registration_form(world, bio="x" * 3_000_000)
    )
    assert response.status_code == 400
    assert "Requête incomprise" in text_of(response)
    assert snapshot() == before


def test_too_many_fields_get_the_french_400_page(world):
    before = snapshot()
    data = registration_form(world) | {f"f{i}": "1" for i in range(1200)}
    response = Client(raise_request_exception=False).post("/etape-hostile/inscription/", data)
    assert response.status_code == 400
    assert "Requête incomprise" in text_of(response)
    assert snapshot() == before


def test_broken_multipart_boundary_gets_the_french_400_page(world):
    before = snapshot()
    response = Client(raise_request_exception=False).generic(
        "POST",
        "/etape-hostile/inscription/",
        b'--nope\r\nContent-Disposition: form-data; name="x"\r\n\r\nbroken',
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert "Requête incomprise" in text_of(response)
    assert snapshot() == before


def test_bad_host_gets_the_french_400_page(world):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Requête incomprise" in text_of(response)


def test_form_without_csrf_token_gets_the_french_403_page(world):
    before = snapshot()
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/etape-hostile/inscription/", registration_form(world))
    assert response.status_code == 403
    assert "Formulaire expiré" in text_of(response)
    assert snapshot() == before


def test_permission_denied_gets_the_french_403_page(world):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    response = client.get(f"/admin/events/stop/{world['stop'].pk}/accueil/")
    assert response.status_code == 403
    assert "Accès refusé" in text_of(response)


def test_message_sent_while_the_mail_server_is_down_tells_the_organiser(world):
    client = client_for(world, "admin")
    url = f"/admin/events/stop/{world['stop'].pk}/message/"
    data = {"audience": "stop", "subject": "Rappel", "body": "À demain", "send": "1"}
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.open") as opening:
        opening.side_effect = ConnectionRefusedError("SMTP down")
        response = client.post(url, data, follow=True)

    assert response.status_code == 200
    assert "Message envoyé à 0 inscrit. 1 e-mail n’a pas pu être envoyé." in text_of(response)
