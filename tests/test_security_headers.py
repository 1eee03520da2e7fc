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


# The policy built once (intercotour.content_security): the same header as django-csp's own.


def test_the_header_is_django_csps_policy_built_once(client, monkeypatch):
    from csp.utils import build_policy

    from intercotour import content_security

    content_security.site_policy.cache_clear()
    built = []
    monkeypatch.setattr(
        content_security, "build_policy", lambda **kw: built.append(kw) or build_policy(**kw)
    )
    first, second = client.get("/"), client.get("/intervenants/")

    assert first["Content-Security-Policy"] == build_policy()
    assert second["Content-Security-Policy"] == build_policy()
    assert built == [{"report_only": False}, {"report_only": True}]  # once each, not per page
    assert "Content-Security-Policy-Report-Only" not in first  # none is configured


def test_a_changed_setting_changes_the_header(client, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}

    response = client.get("/")
    assert directives(response)["default-src"] == ["'none'"]
    report_only = response["Content-Security-Policy-Report-Only"]
    assert "img-src 'self'" in report_only


def test_a_response_with_its_own_directives_or_a_nonce_gets_them(rf, settings):
    from csp.constants import NONCE
    from django.http import HttpResponse

    from intercotour.content_security import CSPMiddleware

    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "script-src": [NONCE]}
    }

    def view(request):
        response = HttpResponse("ok")
        if request.path == "/nonce/":
            str(request.csp_nonce)  # a template asked for one
        else:
            response._csp_update = {"img-src": ["https://tiles.example.org"]}
        return response

    middleware = CSPMiddleware(view)
    updated = directives(middleware(rf.get("/map/")))
    assert updated["img-src"] == ["'self'", "https://tiles.example.org"]

    request = rf.get("/nonce/")
    assert directives(middleware(request))["script-src"] == [f"'nonce-{request._csp_nonce}'"]
    # A page without a nonce: no nonce in its header.
    assert "nonce" not in middleware(rf.get("/map/"))["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_written_is_refused(rf):
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse

    from intercotour.content_security import CSPMiddleware

    request = rf.get("/")
    CSPMiddleware(lambda request: HttpResponse("ok"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_exempt_and_excluded_responses_get_no_header(rf, settings):
    from django.http import HttpResponse

    from intercotour.content_security import CSPMiddleware

    def exempt(request):
        response = HttpResponse("ok")
        response._csp_exempt = True
        return response

    assert "Content-Security-Policy" not in CSPMiddleware(exempt)(rf.get("/"))
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/embed/"],
    }
    plain = CSPMiddleware(lambda request: HttpResponse("ok"))
    assert "Content-Security-Policy" not in plain(rf.get("/embed/widget/"))
    assert "Content-Security-Policy" in plain(rf.get("/"))


def test_djangos_debug_pages_get_no_header_as_with_django_csp(rf, settings):
    from django.http import HttpResponse, HttpResponseNotFound

    from intercotour.content_security import CSPMiddleware

    settings.DEBUG = True
    for page in (HttpResponseNotFound("debug 404"), HttpResponse("debug 500", status=500)):
        answer = CSPMiddleware(lambda request, page=page: page)(rf.get("/"))
        assert "Content-Security-Policy" not in answer
    settings.DEBUG = False
    page = HttpResponseNotFound("404")
    assert "Content-Security-Policy" in CSPMiddleware(lambda request: page)(rf.get("/"))
