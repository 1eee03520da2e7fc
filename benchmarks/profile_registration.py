"""Where a registration's time goes: the form load and submission, profiled in-process.

    .venv/bin/python -m benchmarks.profile_registration [--attempts 200]

Uses the burst's database and settings (PostgreSQL, DEBUG off), Django's test client (no
network, one process), and pyinstrument; prints the mean time per registration and the
profile of the submissions.
"""

import argparse
import os
import time

from benchmarks.harness import fresh_database, server_env
from benchmarks.registration_burst import TOKEN, form_data, prepare


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--seats", type=int, default=30)
    args = parser.parse_args()
    env = server_env()
    env.update(REGISTRATION_RATE_LIMIT="", EMAIL_URL="dummymail://")
    env["CSRF_COOKIE_SECURE"] = env["SESSION_COOKIE_SECURE"] = "false"
    fresh_database(env)
    os.environ.update({k: v for k, v in env.items() if k != "PATH"})
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    slug, workshop_pk, slot = prepare(args.seats)
    url = f"/{slug}/inscription/"
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    for number in range(args.attempts):
        client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        token = TOKEN.search(client.get(url).content).group(1).decode()
        data = form_data(token, slot, workshop_pk, "profile", number)
        profiler.start()
        response = client.post(url, data)
        profiler.stop()
        assert response.status_code == 302, response.status_code
    elapsed = time.perf_counter() - started
    print(f"{args.attempts} registrations, {elapsed / args.attempts * 1000:.1f} ms each")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
