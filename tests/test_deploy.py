"""Deployment: check --deploy with the documented values, the compose stack, .dockerignore."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def documented_production_values():
    """The KEY=value lines of .env.example, as an operator copies them."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def run_in_clean_environment(code_or_args, **values):
    """Run Python in a fresh process whose environment holds only ``values``."""
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "intercotour.settings", **values},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_values(**overrides):
    values = documented_production_values()
    values.update(SECRET_KEY=secrets.token_urlsafe(50), **overrides)
    return values


def test_documented_values_are_production_ones():
    values = documented_production_values()

    assert values["DEBUG"] == "false"
    assert values["CACHE_URL"].startswith("rediscache://")
    assert int(values["SECURE_HSTS_SECONDS"]) >= 31536000


def test_check_deploy_is_clean_with_the_documented_production_values():
    result = run_in_clean_environment(["manage.py", "check", "--deploy"], **production_values())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert output.strip() == "System check identified no issues (0 silenced).", output


def test_check_deploy_warns_without_the_transport_settings():
    values = production_values(SECURE_HSTS_SECONDS="0", SECURE_SSL_REDIRECT="false")

    result = run_in_clean_environment(["manage.py", "check", "--deploy"], **values)

    assert "security.W004" in result.stdout + result.stderr
    assert "security.W008" in result.stdout + result.stderr


PRINT_COOKIES = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_NAME, "
    "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH, "
    "s.CSRF_COOKIE_DOMAIN, s.CSRF_COOKIE_PATH, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
    "s.STAFF_REQUIRE_2FA)"
)


def test_production_cookies_are_secure_host_prefixed_for_the_whole_site():
    result = run_in_clean_environment(PRINT_COOKIES, **production_values())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid", "True", "__Host-csrftoken", "True", "None", "/", "None", "/",
        "31536000", "True", "True",
    ]  # fmt: skip


def test_debug_over_http_keeps_plain_cookie_names_no_https_redirect_no_2fa():
    result = run_in_clean_environment(PRINT_COOKIES, DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "sessionid", "False", "csrftoken", "False", "None", "/", "None", "/", "0", "False",
        "False",
    ]  # fmt: skip


def test_negative_proxy_count_is_refused():
    result = run_in_clean_environment(PRINT_COOKIES, **production_values(TRUSTED_PROXY_COUNT="-1"))

    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


# --- docker-compose.yml, the proxy and the image ------------------------------------------


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_only_the_proxy_publishes_ports():
    services = compose()["services"]

    published = {name: service["ports"] for name, service in services.items() if "ports" in service}

    assert published == {"proxy": ["80:80", "443:443", "443:443/udp"]}
    assert services["proxy"]["image"].startswith("caddy:2")
    assert services["web"]["expose"] == ["8000"]


def test_web_trusts_exactly_the_one_proxy_and_keeps_secure_cookies():
    environment = compose()["services"]["web"]["environment"]

    assert environment["TRUSTED_PROXY_COUNT"] == "1"
    assert environment["DEBUG"] == "false"
    assert environment["SECURE_SSL_REDIRECT"] == "true"
    assert "SESSION_COOKIE_SECURE" not in environment
    assert "CSRF_COOKIE_SECURE" not in environment


def test_the_workers_links_point_where_the_site_is_served():
    services = compose()["services"]

    site_url = services["web"]["environment"]["SITE_URL"]

    assert services["worker"]["environment"]["SITE_URL"] == site_url  # the e-mails' links
    assert services["scheduler"]["environment"]["SITE_URL"] == site_url


def test_proxy_serves_the_media_volume_that_the_application_writes():
    services = compose()["services"]
    web_media = services["web"]["environment"]["MEDIA_ROOT"]

    assert f"media:{web_media}" in services["web"]["volumes"]
    assert "media:/srv/media:ro" in services["proxy"]["volumes"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    assert "media" in compose()["volumes"]


def caddy_blocks():
    """The Caddyfile's site block, as {matcher directive: body} for its handle blocks."""
    text = re.sub(r"#.*", "", (ROOT / "deploy" / "Caddyfile").read_text())
    return {
        head.strip(): body
        for head, body in re.findall(r"\n\s*(handle[^{\n]*)\{(.*?)\n\t\}", text, re.S)
    }


def test_proxy_routes_media_to_files_and_everything_else_to_gunicorn():
    blocks = caddy_blocks()

    assert set(blocks) == {"handle_path /media/*", "handle"}
    media = blocks["handle_path /media/*"]
    assert "root * /srv/media" in media
    assert "file_server" in media
    assert "nosniff" in media
    assert "reverse_proxy" not in media
    assert blocks["handle"].split() == ["reverse_proxy", "web:8000"]


def test_proxy_lets_through_the_largest_upload_the_application_checks_itself():
    from speakers.documents import DOCUMENT_MAX_BYTES

    limit = re.search(r"max_size (\d+)MB", (ROOT / "deploy" / "Caddyfile").read_text())

    assert int(limit.group(1)) * 1024 * 1024 > DOCUMENT_MAX_BYTES


def test_proxy_does_not_trust_forwarded_headers_from_clients():
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    directives = re.sub(r"#.*", "", text)

    # Without trusted_proxies Caddy drops the client's X-Forwarded-* and sets its own.
    assert "trusted_proxies" not in directives
    assert "header_up X-Forwarded-For" not in directives


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()

    for entry in [".env", "db.sqlite3*", ".test-db*", "media/", "staticfiles/", ".venv/",
                  "node_modules/", ".git/"]:  # fmt: skip
        assert entry in ignored, entry
    assert "!.env.example" in ignored


def test_plain_http_is_redirected_unless_the_trusted_proxy_says_https(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    plain = client.get("/intervenants/")
    proxied = client.get("/intervenants/", HTTP_X_FORWARDED_PROTO="https")
    health = client.get("/healthz/")

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/intervenants/"
    assert proxied.status_code == 200
    assert health.status_code == 200
