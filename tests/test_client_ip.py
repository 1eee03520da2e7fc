"""intercotour.client_ip: the right-most untrusted hop of X-Forwarded-For."""

import pytest
from django.test import RequestFactory

from intercotour.client_ip import client_ip


def request(remote="192.0.2.10", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    "forwarded", [None, "", "203.0.113.9", "203.0.113.9, 198.51.100.1", "garbage, ::1"]
)
def test_without_trusted_proxy_the_connection_address_is_the_client(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request(forwarded=forwarded)) == "192.0.2.10"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),  # what Caddy sends: the client's address only
        ("10.0.0.1, 203.0.113.9", "203.0.113.9"),  # a forged left part, then the proxy's hop
        ("1.1.1.1,2.2.2.2 , 203.0.113.9", "203.0.113.9"),
        ("2001:DB8::1", "2001:db8::1"),  # normalised
        (None, "192.0.2.10"),  # no header: a request that skipped the proxy
        ("not-an-address", "192.0.2.10"),  # garbage in the proxy's hop: never used as a key
    ],
)
def test_behind_one_proxy_the_address_it_appended_is_the_client(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request(forwarded=forwarded)) == expected


def test_behind_two_proxies_the_second_hop_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    # client forged 6.6.6.6; CDN appended the client 203.0.113.9; Caddy appended the CDN.
    got = client_ip(request(forwarded="6.6.6.6, 203.0.113.9, 198.51.100.20"))

    assert got == "203.0.113.9"
