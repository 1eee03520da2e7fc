"""Headers on every answer: Content-Security-Policy, Permissions-Policy, no framing."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/intervenants/", "/espace-intervenant/", "/admin/login/"])
def test_every_page_forbids_inline_scripts_styles_and_framing(client, path):
    response = client.get(path)

    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_camera_is_allowed_on_the_admin_only(admin_client, client):
    public = client.get("/intervenants/")["Permissions-Policy"]
    admin = admin_client.get("/admin/")["Permissions-Policy"]

    assert "camera=()" in public
    assert "camera=(self)" in admin
    for feature in ["microphone=()", "geolocation=()", "payment=()", "usb=()"]:
        assert feature in public
        assert feature in admin


INLINE = re.compile(
    r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\s(?:src=|type=\"application/ld\+json\"))"
)


def test_templates_served_to_browsers_hold_no_inline_style_or_handler():
    """E-mails keep their inline styles (mail clients need them; no CSP applies there).

    Data blocks (``<script type="application/ld+json">``) are not scripts: CSP lets them be.
    """
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if "emails" in template.parts:
            continue
        text = template.read_text()
        if re.search(INLINE, text):
            offenders.append(str(template.relative_to(ROOT)))

    assert offenders == []
