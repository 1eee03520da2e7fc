"""Requests per second of the public pages, against a trivial Django view, through gunicorn.

    .venv/bin/python -m benchmarks.public_pages [--seconds 10]

Serves the app with gunicorn (DEBUG off, PostgreSQL, Redis cache when one answers on
127.0.0.1:6379) and measures, in the same run: the trivial view (/healthz/), the demo day's stop
page, the stop page of a large generated day (3 days, 20 rooms, 200 sessions, 300 speakers) and
the speakers list with the large day loaded, the large day's frab XML and JSON exports and the
API's sessions list (100 a page); then revalidations (``If-None-Match``) answered 304. Targets:
each page at least half the trivial rate, each revalidation at least 80 %.
"""

import argparse
import os

from benchmarks.harness import (
    fresh_database,
    gunicorn,
    requests_per_second,
    server_env,
    status_and_etag,
)

LARGE_SLUG = "bench-large-day"
API_SESSIONS = f"/api/v1/sessions?stop={LARGE_SLUG}&page_size=100"


def generate_large_day():
    """A published stop over 3 days: 20 rooms, 200 sessions, 300 speakers."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from demo.data import load_demo
    from events.models import Session, Stop
    from speakers.models import SessionSpeaker, Speaker

    demo = load_demo()
    with transaction.atomic():
        day = timezone.localdate() + datetime.timedelta(days=60)
        stop = Stop.objects.create(
            tour=demo.tour,
            slug=LARGE_SLUG,
            status=Stop.Status.PUBLISHED,
            region="Île-de-France",
            city="Paris",
            date=day,
            theme="Grand format",
            title="Trois jours, vingt salles",
            venue_name="Palais des congrès",
            venue_address="2 place de la Porte Maillot\n75017 Paris",
            capacity=2000,
            registration_opens_at=timezone.now(),
            registration_closes_at=timezone.now() + datetime.timedelta(days=59),
        )
        speakers = Speaker.objects.bulk_create(
            Speaker(
                first_name=f"Prénom{n}",
                last_name=f"Nom{n:03d}",
                slug=f"bench-speaker-{n}",
                job_title="Directrice générale des services",
                organisation=f"Communauté d’agglomération n° {n}",
            )
            for n in range(300)
        )
        sessions = []
        for n in range(200):
            date = day + datetime.timedelta(days=n // 67)
            hour = 9 + (n % 67) // 20 * 2
            start = timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))
            workshop = n % 4 == 0
            sessions.append(
                Session(
                    stop=stop,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(minutes=90),
                    kind=Session.Kind.WORKSHOP if workshop else Session.Kind.ROUND_TABLE,
                    title=f"Session {n} : les territoires face au numérique",
                    room=f"Salle {n % 20 + 1}",
                    in_person_only=workshop,
                    capacity=30 if workshop else None,
                )
            )
        sessions = Session.objects.bulk_create(sessions)
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=session, speaker=speakers[(i * 3 + k) % 300], order=k)
            for i, session in enumerate(sessions)
            for k in range(3)
        )
    return demo.slug


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    env = server_env()
    fresh_database(env)
    os.environ.update({k: v for k, v in env.items() if k != "PATH"})
    import django

    django.setup()
    demo_slug = generate_large_day()

    print(f"cache: {env['CACHE_URL']}; database: PostgreSQL; {args.seconds} s per page")
    pages = [
        ("stop page, demo day (11 sessions)", f"/{demo_slug}/", None),
        ("stop page, large day (200 sessions)", f"/{LARGE_SLUG}/", None),
        ("speakers list (320 speakers)", "/intervenants/", None),
        ("frab XML, large day", f"/{LARGE_SLUG}/schedule.xml", None),
        ("frab JSON, large day", f"/{LARGE_SLUG}/schedule.json", None),
        ("API sessions list, large day (100/page)", API_SESSIONS, None),
        ("304 revalidation, stop page (large)", f"/{LARGE_SLUG}/", "revalidate"),
        ("304 revalidation, frab XML (large)", f"/{LARGE_SLUG}/schedule.xml", "revalidate"),
        ("304 revalidation, API sessions list", API_SESSIONS, "revalidate"),
    ]
    with gunicorn(env) as base:
        # The machine may be shared: each page is compared with the trivial view measured
        # just before it, so that both see the same load.
        print(f"{'page':42} {'req/s':>8}  {'trivial':>8}  share")
        for name, path, mode in pages:
            headers = None
            if mode == "revalidate":
                _status, etag = status_and_etag(base + path)
                headers = {"If-None-Match": etag}
                status, _etag = status_and_etag(base + path, headers)
                assert status == 304, f"{path}: a revalidation answered {status}"
            trivial = requests_per_second(base + "/healthz/", seconds=args.seconds)
            rate = requests_per_second(base + path, seconds=args.seconds, headers=headers)
            print(f"{name:42} {rate:8.0f}  {trivial:8.0f}  {rate / trivial:5.0%}", flush=True)


if __name__ == "__main__":
    main()
