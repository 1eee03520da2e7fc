"""Staff accounts: admin login locked after repeated failures, two-factor authentication."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.pages import text_of

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passw0rd"


@pytest.fixture
def organiser(db):
    return get_user_model().objects.create_user(
        "organiser", "organiser@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def log_in(client, password, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "organiser", "password": password, "next": "/admin/"},
        **headers,
    )


def signed_in(client):
    return "_auth_user_id" in client.session


# --- Lockout (django-axes) -----------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(organiser):
    client = Client(REMOTE_ADDR="198.51.100.7")
    first = log_in(client, "not-the-password")
    for _ in range(4):
        log_in(client, "not-the-password")

    response = log_in(client, PASSWORD)

    assert response.status_code == 429
    page = text_of(response)
    assert "Ce compte est bloqué depuis votre connexion après 5 tentatives" in page
    assert "Patientez 15 minutes avant de réessayer" in page
    assert not signed_in(client)
    assert "sensibles à la casse" in text_of(first)  # the admin’s own French error, before


def test_four_wrong_passwords_then_the_right_one_signs_in(organiser):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(4):
        log_in(client, "not-the-password")

    response = log_in(client, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_the_lock_holds_for_one_address_only(organiser):
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(6):
        log_in(attacker, "not-the-password")

    colleague = Client(REMOTE_ADDR="203.0.113.20")
    log_in(colleague, PASSWORD)

    assert signed_in(colleague)


def test_a_forged_forwarded_for_does_not_escape_the_lock(organiser, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="172.18.0.5")  # the compose proxy
    for n in range(5):
        log_in(client, "not-the-password", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.9")

    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99, 203.0.113.9")

    assert response.status_code == 429
    assert not signed_in(client)


# --- Two-factor authentication (django-otp TOTP) --------------------------------------------


@pytest.fixture
def require_2fa(settings):
    settings.STAFF_REQUIRE_2FA = True


def code(device, offset=0):
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{(token + offset) % 10**6:06d}"


ADMIN_PAGES = ["/admin/", "/admin/registrations/registration/", "/admin/events/stop/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_staff_without_a_device_reaches_no_admin_page_when_2fa_is_required(
    client, organiser, require_2fa, path
):
    client.force_login(organiser)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/double-authentification/activer/?next=")
    assert client.get(response["Location"]).status_code == 200


def test_enrolment_shows_a_qr_code_and_a_correct_code_turns_2fa_on(client, organiser, require_2fa):
    client.force_login(organiser)

    page = client.get("/admin/double-authentification/activer/?next=/admin/events/stop/")
    device = TOTPDevice.objects.get(user=organiser)
    confirmed = client.post(
        "/admin/double-authentification/activer/",
        {"token": code(device), "next": "/admin/events/stop/"},
    )

    assert '<svg width="' in page.text
    assert "scannez ce code QR" in text_of(page)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/admin/events/stop/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert "Étapes" in text_of(client.get("/admin/events/stop/"))


def test_enrolment_refuses_a_wrong_code_in_french(client, organiser, require_2fa):
    client.force_login(organiser)
    client.get("/admin/double-authentification/activer/")
    device = TOTPDevice.objects.get(user=organiser)

    response = client.post("/admin/double-authentification/activer/", {"token": code(device, 1)})

    assert response.status_code == 200
    assert "Ce code n’est pas le bon" in text_of(response)
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/admin/")["Location"].startswith("/admin/double-authentification/activer/")


def test_enrolment_opened_twice_at_once_still_works(client, organiser, require_2fa):
    client.force_login(organiser)
    for name in ("Onglet 1", "Onglet 2"):  # two tabs' requests crossed: two devices waiting
        TOTPDevice.objects.create(user=organiser, confirmed=False, name=name)

    page = client.get("/admin/double-authentification/activer/")
    first = TOTPDevice.objects.filter(user=organiser).order_by("pk").first()
    confirmed = client.post("/admin/double-authentification/activer/", {"token": code(first)})

    assert page.status_code == 200
    assert confirmed.status_code == 302
    assert TOTPDevice.objects.filter(user=organiser, confirmed=True).count() == 1


@pytest.mark.parametrize("token", ["", "abcdef", "12345678901234", "%00", "１２３４５６", "²²²²²²"])
def test_enrolment_refuses_garbage_codes(client, organiser, require_2fa, token):
    client.force_login(organiser)
    client.get("/admin/double-authentification/activer/")

    response = client.post("/admin/double-authentification/activer/", {"token": token})

    assert response.status_code == 200
    assert TOTPDevice.objects.get(user=organiser).confirmed is False


def test_password_login_then_code_of_a_staff_member_with_a_device(
    client, organiser, require_2fa, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code otherwise makes the next wait a second
    device = TOTPDevice.objects.create(user=organiser, name="Application", confirmed=True)

    after_password = log_in(client, PASSWORD)
    asked = client.get(after_password["Location"])
    wrong = client.post(asked["Location"], {"token": code(device, 1), "next": "/admin/"})
    right = client.post(asked["Location"].split("?")[0], {"token": code(device), "next": "/admin/"})

    assert asked["Location"] == "/admin/double-authentification/?next=%2Fadmin%2F"
    assert "Ce code n’est pas le bon" in text_of(wrong)
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_next_address_outside_the_site_is_not_followed(client, organiser, require_2fa):
    device = TOTPDevice.objects.create(user=organiser, name="Application", confirmed=True)
    client.force_login(organiser)

    response = client.post(
        "/admin/double-authentification/",
        {"token": code(device), "next": "https://evil.example/"},
    )

    assert response["Location"] == "/admin/"


def test_without_the_requirement_staff_use_the_admin_with_a_password(client, organiser):
    client.force_login(organiser)

    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_slows_the_next_attempts_down(client, organiser, require_2fa):
    device = TOTPDevice.objects.create(user=organiser, name="Application", confirmed=True)
    client.force_login(organiser)

    client.post("/admin/double-authentification/", {"token": code(device, 1)})
    right_but_too_soon = client.post("/admin/double-authentification/", {"token": code(device)})

    assert "Ce code n’est pas le bon" in text_of(right_but_too_soon)
    assert client.get("/admin/").status_code == 302
