"""The registrations back-office with 100,000 registrations (PostgreSQL, in-process).

    .venv/bin/python -m benchmarks.admin_registrations [--registrations 100000]

Prints the time of the registrations changelist (first page, filtered by stop, searched), its
SQL query count, and the time and peak Python memory of streaming the CSV export.
"""

import argparse
import os
import time
import tracemalloc

from benchmarks.harness import fresh_database, server_env


def populate(count):
    from django.contrib.auth.models import User
    from django.db import transaction

    from demo.data import load_demo
    from events.models import Stop
    from registrations.models import Registration

    demo = load_demo()
    categories = [c for c, _ in Registration.Category.choices]
    with transaction.atomic():
        Stop.objects.filter(pk=demo.pk).update(capacity=count + 1, seats_taken=count)
        Registration.objects.bulk_create(
            (
                Registration(
                    stop=demo,
                    first_name=f"Prénom{n}",
                    last_name=f"Nom{n:06d}",
                    email=f"inscrit{n}@example.org",
                    organisation=f"Commune n° {n % 3000}",
                    job_title="Agent·e",
                    category=categories[n % len(categories)],
                    mode="in_person",
                    status="confirmed",
                    lunch=n % 2 == 0,
                    management_key=f"key-{n}",
                )
                for n in range(count)
            ),
            batch_size=5000,
        )
    admin = User.objects.create_superuser("bench", "bench@example.org", "bench-password")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    return demo, admin


def timed(client, url, repeat=5, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)
    started = time.perf_counter()
    for _ in range(repeat):
        response = client.get(url, params)
    elapsed = (time.perf_counter() - started) / repeat
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    assert response.status_code == 200
    return elapsed, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    args = parser.parse_args()

    env = server_env()
    fresh_database(env)
    os.environ.update({k: v for k, v in env.items() if k != "PATH"})
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    stop, admin = populate(args.registrations)
    client = Client()
    client.force_login(admin)
    changelist = reverse("admin:registrations_registration_changelist")
    print(f"{args.registrations} registrations, PostgreSQL")
    for label, params in [
        ("changelist, first page", {}),
        ("changelist, filtered by stop", {"stop__id__exact": stop.pk}),
        ("changelist, search 'Nom0999'", {"q": "Nom0999"}),
    ]:
        elapsed, queries = timed(client, changelist, **params)
        print(f"{label:34} {elapsed * 1000:8.1f} ms  {queries} queries")

    export = reverse("admin:events_stop_export", args=[stop.pk])
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in client.get(export).streaming_content)
    elapsed = time.perf_counter() - started
    # Memory, measured on a second run: tracemalloc slows Python down several times.
    tracemalloc.start()
    for _chunk in client.get(export).streaming_content:
        pass
    _current, peak = tracemalloc.get_traced_memory()
    print(f"{'CSV export (streamed)':34} {elapsed:8.1f} s   {size / 1e6:.1f} MB written, "
          f"peak Python memory {peak / 1e6:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
