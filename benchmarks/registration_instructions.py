"""Instructions per registration (form load + submission), counted by callgrind: repeatable.

    .venv/bin/python -m benchmarks.registration_instructions [--registrations 60]

The burst's rate drifts with the machine (README, benchmarks); an instruction count does not.
This calls the WSGI application in one process, as gunicorn's worker would, on the burst's
PostgreSQL database and settings, under ``valgrind --tool=callgrind`` (Debian's valgrind):
40 registrations to warm up, then the counters zeroed and ``--registrations`` more counted.
Only this process's instructions are counted, not PostgreSQL's or Redis's. Caches that
last a second are made to last the run, as during a burst where every request follows
another within the second. Compare two versions by running this in each checkout.
"""

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import uuid
from pathlib import Path

from benchmarks.harness import ROOT, fresh_database, server_env
from benchmarks.registration_burst import TOKEN, form_data, keep_site_cookie, prepare

WARM_UP = 40


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=60)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    env = server_env()
    env.update(REGISTRATION_RATE_LIMIT="", EMAIL_URL="dummymail://")
    if args.child:
        return count(args.registrations, env)
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed: apt-get install valgrind")
    fresh_database(env)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={folder}/callgrind.%p",
                sys.executable,
                "-m",
                "benchmarks.registration_instructions",
                "--child",
                "--registrations",
                str(args.registrations),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        dumps = [path for path in Path(folder).iterdir() if path.name.endswith(".1")]
        totals = re.search(r"^summary: (\d+)", dumps[0].read_text(), re.MULTILINE)
    instructions = int(totals.group(1)) / args.registrations
    print(f"{args.registrations} registrations counted after {WARM_UP} to warm up")
    print(f"instructions per registration {instructions / 1e6:8.2f} M  (form load + submission)")


def count(registrations, env):
    os.environ.update({k: v for k, v in env.items() if k != "PATH"})
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from events import page_cache

    slug, workshop_pk, slot = prepare(30)
    application, path, cookies = WSGIHandler(), f"/{slug}/inscription/", {}
    run = uuid.uuid4().hex[:8]

    def call(method, body=b""):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_REFERER": f"http://127.0.0.1:8000{path}",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        answer = {}
        response = application(environ, lambda status, headers, exc=None: answer.update(h=headers))
        content = b"".join(response)
        response.close()  # request_finished, as a WSGI server
        for name, value in answer["h"]:
            if name == "Set-Cookie":
                keep_site_cookie(cookies, value)
        return content

    def register(number):
        token = TOKEN.search(call("GET")).group(1).decode()
        data = form_data(token, slot, workshop_pk, "count", f"{number}-{run}")
        call("POST", urllib.parse.urlencode(data).encode())

    for number in range(WARM_UP):
        register(number)
    page_cache.VERSIONS_SECONDS = 3600.0
    connection.settings_dict["HEALTH_CHECK_AFTER"] = 3600.0
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "--zero", pid], capture_output=True)
    for number in range(WARM_UP, WARM_UP + registrations):
        register(number)
    subprocess.run(["callgrind_control", "--dump", pid], capture_output=True)


if __name__ == "__main__":
    main()
