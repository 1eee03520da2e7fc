"""The registration rate limit counts per real client, direct or behind the compose proxy."""

import pytest

from registrations.forms import slot_field_name
from registrations.models import Registration
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def online_data(form_data, workshops):
    online = {**form_data, "mode": "online", slot_field_name(workshops[0].starts_at): ""}
    del online["lunch"]  # served on site only
    return online


def submit(client, stop, online_data, n, **headers):
    data = {**online_data, "email": f"person{n}@example.org"}
    return client.post(f"/{stop.slug}/inscription/", data, **headers)


def test_direct_client_cannot_escape_the_limit_with_forged_forwarded_for(
    client, stop, online_data, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.REGISTRATION_RATE_LIMIT = "30/m"

    answers = [
        submit(client, stop, online_data, n, REMOTE_ADDR="198.51.100.7",
               HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", HTTP_X_REAL_IP=f"203.0.113.{n}")
        for n in range(40)
    ]  # fmt: skip

    assert [a.status_code for a in answers].count(429) == 10
    assert "Trop d’envois depuis votre connexion" in text_of(answers[-1])
    assert Registration.objects.count() == 30


def test_behind_the_proxy_each_client_has_its_own_limit(client, stop, online_data, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    proxy = {"REMOTE_ADDR": "172.18.0.5"}

    first = [
        submit(client, stop, online_data, n, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
        for n in range(3)
    ]
    # Another town hall behind the same proxy is not locked out by the first one.
    other = submit(client, stop, online_data, 10, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy)

    assert [a.status_code for a in first] == [302, 302, 429]
    assert other.status_code == 302


def test_behind_the_proxy_a_client_supplied_left_part_is_ignored(
    client, stop, online_data, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REGISTRATION_RATE_LIMIT = "2/m"

    answers = [
        # The client sent "X-Forwarded-For: 10.9.9.<n>"; the proxy appended the real address.
        submit(client, stop, online_data, n, REMOTE_ADDR="172.18.0.5",
               HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.1")
        for n in range(5)
    ]  # fmt: skip

    assert [a.status_code for a in answers] == [302, 302, 429, 429, 429]
    assert Registration.objects.count() == 2
