"""A registration burst: many clients register at once for one small workshop.

    .venv/bin/python -m benchmarks.registration_burst [--clients 40] [--attempts 400] [--seats 20]

Serves the app with gunicorn (DEBUG off, PostgreSQL, 3 workers as ``docker-compose.yml``),
warms it up (each worker loads the form), then ``--clients`` concurrent clients
each load the form (CSRF cookie and token) and post registrations, all for the same workshop
of ``--seats`` seats, accepting the waiting list. Prints registrations per second, p50/p95
latency of the submissions, and the final seat counts, which must equal the capacity.
"""

import argparse
import os
import re
import socket
import statistics
import threading
import time
import urllib.parse

from benchmarks.harness import CpuMeter, fresh_database, gunicorn, server_env


def prepare(seats):
    import datetime

    from django.utils import timezone

    from demo.data import load_demo
    from events.models import Session, Stop

    demo = load_demo()
    Stop.objects.filter(pk=demo.pk).update(capacity=100_000)
    workshop = demo.sessions.workshops().order_by("pk").first()
    Session.objects.filter(pk=workshop.pk).update(capacity=seats)
    assert demo.registration_window(timezone.now() + datetime.timedelta(minutes=1)) == "open"
    return demo.slug, workshop.pk, int(workshop.starts_at.timestamp())


TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_data(token, slot, workshop_pk, who, number):
    """What a browser posts: ``who``'s ``number``-th registration, in person, for the workshop
    (time slot ``slot``), accepting the waiting list."""
    return {
        "csrfmiddlewaretoken": token,
        "first_name": who.capitalize(),
        "last_name": f"Client{number}",
        "email": f"{who}{number}@example.org",
        "organisation": "Commune de Test",
        "job_title": "Agent",
        "category": "local_staff",
        "mode": "in_person",
        f"workshop_{slot}": str(workshop_pk),
        "accept_waiting_list": "on",
    }


def keep_site_cookie(cookies, set_cookie):
    """Keep the cookie of a ``Set-Cookie`` value in ``cookies`` if it is for the whole site
    (path ``/``), as a browser would send it with the next form load and submission."""
    pair, *attributes = (part.strip() for part in set_cookie.split(";"))
    if "path=/" in (attribute.lower() for attribute in attributes):
        name, _, value = pair.partition("=")
        cookies[name] = value


def client(base, slug, workshop_pk, slot, numbers, latencies, statuses):
    """One person after another at one browser: the form, then the submission.

    Kept light (a bare socket, the site-wide cookies kept by hand): the load generator
    shares the cores with the server; urllib's opener with its cookie jar took half as much
    CPU again as ``http.client``, which took twice as much as this.
    """
    address = urllib.parse.urlsplit(base)
    path = f"/{slug}/inscription/"
    cookies = {}
    for number in numbers:
        _, page = _exchange(address, "GET", path, cookies)
        token = TOKEN.search(page).group(1).decode()
        data = urllib.parse.urlencode(form_data(token, slot, workshop_pk, "burst", number)).encode()
        headers = {"Referer": base + path, "Content-Type": "application/x-www-form-urlencoded"}
        started = time.perf_counter()
        status, _ = _exchange(address, "POST", path, cookies, data, headers)
        latencies.append(time.perf_counter() - started)
        statuses.append(status)


def warm_up(base, slug, workers):
    """Load the form many times at once, so that every worker has served it before the burst.

    A burst hits a site that is already running: each worker holds its database connection
    and has read the programme and rendered the form. Without this, the first submissions
    also timed the workers' start (connections, first reads), which is not a registration's
    cost. Nothing is registered here.
    """
    address = urllib.parse.urlsplit(base)
    path = f"/{slug}/inscription/"
    loaders = [
        threading.Thread(target=_exchange, args=(address, "GET", path, {}))
        for _ in range(workers * 8)
    ]
    for loader in loaders:
        loader.start()
    for loader in loaders:
        loader.join()


def _exchange(address, method, path, cookies, body=None, headers=None):
    """One request on its own connection, as gunicorn's sync workers serve them; redirects
    are not followed. Keeps the cookies set for the whole site (path ``/``).

    Written on a bare socket: the load generator shares the cores with the server, and
    ``http.client`` took about a millisecond of CPU per registration (README, benchmarks).
    """
    lines = [f"{method} {path} HTTP/1.1", f"Host: {address.netloc}", "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items()))
    lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    chunks = []
    with socket.create_connection((address.hostname, address.port), timeout=60) as sock:
        sock.sendall(request)
        while chunk := sock.recv(262144):
            chunks.append(chunk)
    head, _, content = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            keep_site_cookie(cookies, value)
    return int(status_line.split()[1]), content


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--seats", type=int, default=20)
    # As docker-compose.yml serves the site. gunicorn's advice, 2 × cores + 1 (5 here), spent
    # a quarter more CPU per registration on two cores (README, benchmarks).
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    args = parser.parse_args()

    env = server_env()
    env["REGISTRATION_RATE_LIMIT"] = ""
    env["EMAIL_URL"] = "dummymail://"
    # Plain http on loopback: cookies may not be marked Secure.
    env["CSRF_COOKIE_SECURE"] = env["SESSION_COOKIE_SECURE"] = "false"
    fresh_database(env)
    os.environ.update({k: v for k, v in env.items() if k != "PATH"})
    import django

    django.setup()
    slug, workshop_pk, slot = prepare(args.seats)

    latencies, statuses, pids = [], [], []
    with gunicorn(env, workers=args.workers, threads=args.threads, pids=pids) as base:
        warm_up(base, slug, args.workers * args.threads)
        meter = CpuMeter(pids[0])
        shares = [range(i, args.attempts, args.clients) for i in range(args.clients)]
        threads = [
            threading.Thread(
                target=client, args=(base, slug, workshop_pk, slot, share, latencies, statuses)
            )
            for share in shares
        ]
        meter.start()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        meter.stop()

    from events.models import Session
    from registrations.models import WorkshopBooking

    bookings = WorkshopBooking.objects.filter(session_id=workshop_pk)
    quantiles = statistics.quantiles(latencies, n=20)
    print(f"{args.attempts} registrations by {args.clients} concurrent clients, PostgreSQL")
    print(f"registrations/s        {args.attempts / elapsed:8.1f}  (form load + submission)")
    print(f"submission p50         {statistics.median(latencies) * 1000:8.1f} ms")
    print(f"submission p95         {quantiles[18] * 1000:8.1f} ms")
    print(f"answers                {dict(sorted((s, statuses.count(s)) for s in set(statuses)))}")
    print(f"workshop capacity      {args.seats:8d}")
    print(f"confirmed seats        {bookings.filter(status='confirmed').count():8d}")
    print(f"seat counter           {Session.objects.get(pk=workshop_pk).seats_taken:8d}")
    print(f"waiting list           {bookings.filter(status='waiting').count():8d}")
    for line in meter.report(args.attempts, "registration"):
        print(line)


if __name__ == "__main__":
    main()
