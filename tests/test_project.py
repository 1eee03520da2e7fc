"""Project-wide checks: migrations in step, settings refusing unsafe configurations."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # pragma: no cover - only on failure
        pytest.fail(f"Pending migrations:\n{out.getvalue()} ({exc})")


def _run_settings(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('STARTED')"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "intercotour.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _run_settings(DEBUG="false", SECRET_KEY="")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_start_with_a_development_key_in_debug():
    result = _run_settings(DEBUG="true", SECRET_KEY="")

    assert result.returncode == 0, result.stderr
    assert "STARTED" in result.stdout


def test_settings_start_with_a_secret_key_when_debug_is_off():
    result = _run_settings(DEBUG="false", SECRET_KEY="a-real-secret-key-for-production-use")

    assert result.returncode == 0, result.stderr
    assert "STARTED" in result.stdout


def test_settings_read_sqlite_options_and_french_defaults(settings):
    from django.conf import settings as live

    assert live.LANGUAGE_CODE == "fr"
    assert live.TIME_ZONE == "Europe/Paris"
    assert [code for code, _ in live.LANGUAGES] == ["fr", "en"]
    database = live.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    else:
        assert database["CONN_MAX_AGE"] > 0
        assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_sqlite_database_runs_in_wal_mode():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_docker_compose_file_describes_web_and_database():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    assert {"web", "db"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert "healthcheck" in compose["services"]["db"]
    assert "db-data" in compose["volumes"]
    assert "gunicorn" in " ".join(compose["services"]["web"]["command"])
    assert "migrate" in " ".join(compose["services"]["web"]["command"])


def test_web_command_of_docker_compose_serves_the_site_without_docker(tmp_path):
    """The compose file's web command (migrate, then gunicorn), run here against SQLite.

    The requests carry the headers the compose file's proxy adds (https, the client's address).
    """
    import socket
    import time
    import urllib.request

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = compose["services"]["web"]["command"]
    command = [part.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for part in command]
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "intercotour.settings",
        "DEBUG": "false",
        "SECRET_KEY": "compose-check-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'compose.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "STATIC_ROOT": str(tmp_path / "static"),
        "TRUSTED_PROXY_COUNT": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=400,  # whitenoise compresses every file: slow on a busy 2-core machine
    )
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        body = None
        for _ in range(300):
            try:
                proxied = urllib.request.Request(
                    f"http://127.0.0.1:{port}/",
                    headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
                )
                with urllib.request.urlopen(proxied, timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None, "the web command did not answer"
        assert "IntercoTOUR" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
