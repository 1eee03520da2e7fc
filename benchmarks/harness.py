"""Shared pieces of the benchmarks: a PostgreSQL database, gunicorn, and a load generator.

Benchmarks print figures; they never assert timings. Run them from the project folder with the
project's virtualenv, e.g. ``.venv/bin/python -m benchmarks.public_pages``.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "intercotour_bench")


def server_env(cache_url=None):
    static_root = Path(tempfile.gettempdir()) / "intercotour-bench-static"
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "intercotour.settings",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-benchmark-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "CACHE_URL": cache_url or os.environ.get("BENCH_CACHE_URL", _default_cache()),
        "STATIC_ROOT": str(static_root),
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        # The load generator speaks plain http on the loopback: no https redirect, and
        # cookies (CSRF) that travel without TLS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }


def _default_cache():
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return "rediscache://127.0.0.1:6379/7"
    return "locmemcache://"


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def fresh_database(env):
    """Drop and create the benchmark database, migrate it, collect static files.

    ``BENCH_KEEP_STATIC=1`` keeps the static files of an earlier run (runs in a row).
    """
    subprocess.run(
        ["psql", PG_URL + "/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}"],
        check=True,
    )
    subprocess.run(
        ["psql", PG_URL + "/postgres", "-q", "-c", f"CREATE DATABASE {DB_NAME}"], check=True
    )
    manage("migrate", "--noinput", "-v0", env=env)
    # Compressing the static files takes a minute of CPU; runs in a row may keep the last ones.
    if not (os.environ.get("BENCH_KEEP_STATIC") and Path(env["STATIC_ROOT"]).is_dir()):
        manage("collectstatic", "--noinput", "-v0", env=env)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, workers=None, threads=1, pids=None):
    """Serve the app with gunicorn; yields its base URL. ``pids``: a list that gets the master
    process's id (``CpuMeter`` finds its workers)."""
    port = free_port()
    workers = workers or 2 * (os.cpu_count() or 2) + 1  # gunicorn's advice
    process = subprocess.Popen(
        [
            "gunicorn",
            "intercotour.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    if pids is not None:
        pids.append(process.pid)
    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/healthz/", timeout=1).read()
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def requests_per_second(url, seconds=10, connections=8, headers=None):
    """Requests per second served for ``url``: wrk where installed, else Python threads.

    Browsers all ask for compressed pages; ``headers`` adds more (e.g. ``If-None-Match``).
    """
    headers = {"Accept-Encoding": "gzip", **(headers or {})}
    urllib.request.urlopen(url, timeout=10).read()  # warm-up: fills caches
    if shutil.which("wrk"):
        options = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", *options, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if non_2xx and "If-None-Match" not in headers:  # revalidations are 304s
            raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    deadline = time.monotonic() + seconds

    def client():
        done = 0
        request = urllib.request.Request(url, headers=headers)
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                if error.code != 304:
                    raise
            done += 1
        return done

    with ThreadPoolExecutor(connections) as pool:
        total = sum(pool.map(lambda _: client(), range(connections)))
    return total / seconds


def status_and_etag(url, headers=None):
    """The status and ETag ``url`` answers with (a 304 is not an error here)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["ETag"]
    except urllib.error.HTTPError as error:
        if error.code != 304:
            raise
        return error.code, error.headers["ETag"]


class CpuMeter:
    """CPU time spent by gunicorn (master and workers), PostgreSQL (every ``postgres``
    process: backends, WAL writer...), Redis and this process (the load generator), between
    ``start()`` and ``stop()``, read from Linux's ``/proc``; and how busy the cores were.

    Reads, never samples: ``utime + stime`` of each process, so the figures add up to the
    machine's busy time. Elsewhere than Linux, ``report()`` says it cannot tell.
    """

    def __init__(self, gunicorn_pid):
        self.gunicorn_pid = gunicorn_pid
        self.available = Path("/proc/stat").exists()
        self.tick = os.sysconf("SC_CLK_TCK") if self.available else 100

    def _processes(self):
        """``{pid: (group, seconds, kernel seconds)}`` of the processes of interest."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            pid, parent = int(entry.name), int(fields[1])
            seconds = (int(fields[11]) + int(fields[12])) / self.tick
            kernel = int(fields[12]) / self.tick
            if self.gunicorn_pid in (pid, parent):
                found[pid] = ("gunicorn", seconds, kernel)
            elif name == "postgres" or name.startswith("postgres:"):
                found[pid] = ("PostgreSQL", seconds, kernel)
            elif name.startswith("redis-server"):
                found[pid] = ("Redis", seconds, kernel)
            elif pid == os.getpid():
                found[pid] = ("load generator", seconds, kernel)
        return found

    def _busy(self):
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + values[4]  # idle, iowait
        return sum(values) - idle, sum(values)

    def start(self):
        if self.available:
            self.before, self.busy_before = self._processes(), self._busy()
            self.started = time.perf_counter()

    def stop(self):
        if self.available:
            self.after, self.busy_after = self._processes(), self._busy()
            self.elapsed = time.perf_counter() - self.started

    def report(self, count, what):
        """Lines of text: CPU milliseconds per ``what`` (``count`` of them) by group."""
        if not self.available:
            return ["CPU split              (needs Linux's /proc)"]
        spent, in_kernel = {}, {}
        for pid, (group, seconds, kernel) in self.after.items():
            # A process started during the run (a PostgreSQL backend) counts from zero.
            _, earlier, earlier_kernel = self.before.get(pid, (group, 0.0, 0.0))
            spent[group] = spent.get(group, 0.0) + seconds - earlier
            in_kernel[group] = in_kernel.get(group, 0.0) + kernel - earlier_kernel
        busy = self.busy_after[0] - self.busy_before[0]
        total = self.busy_after[1] - self.busy_before[1]
        lines = [
            f"cores busy             {busy / total * 100 if total else 0:8.1f} %"
            f"  ({os.cpu_count()} cores)"
        ]
        for group in ("gunicorn", "PostgreSQL", "load generator", "Redis"):
            kernel = in_kernel.get(group, 0.0) / count * 1000
            lines.append(
                f"CPU per {what:<14} {spent.get(group, 0.0) / count * 1000:6.1f} ms  {group}"
                f" (kernel {kernel:.1f})"
            )
        other = busy / self.tick - sum(spent.values())
        lines.append(f"CPU per {what:<14} {max(other, 0.0) / count * 1000:6.1f} ms  the rest")
        return lines
