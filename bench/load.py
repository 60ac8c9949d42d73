"""Load test: public pages under gunicorn with production settings, page cache off, then on.

    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/carportal_bench

The database must be migrated and seeded first, and be one nobody else is using::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/carportal_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed

Redis comes from ``--redis-url`` (default ``REDIS_URL``, else db 0 of this machine's Redis).
The script runs ``collectstatic`` into ``staticfiles/`` (production settings need its manifest),
then, for each of ``CACHE_PAGES=false`` and ``CACHE_PAGES=true``: starts gunicorn on
127.0.0.1 (2 workers), sends ``--clients`` concurrent clients at a fixed mix of public pages
(home, lists, filtered lists and every detail page in the sitemap) for a warm-up that is not
counted, then for ``--duration`` seconds, and stops gunicorn. It prints requests/s,
p50/p95/p99 latency and errors (connection failures and any status but 200) for both, and the
ratio cached/uncached. Load goes only to 127.0.0.1 and is bounded by ``--duration`` and
``--max-requests``.

Workers are gthread with ``--threads`` threads (``--threads 1`` gives gunicorn's sync worker).
The sync worker closes the connection after every response, so 50 clients measure TCP set-up
as much as the portal (measured: cached 630 requests/s, p95 187 ms, against 1,290 and 84 ms
with gthread); gthread keeps connections alive, as the proxy in front of it would, and lets a
worker wait for PostgreSQL or Redis on one thread while rendering on another.

The client is one asyncio loop with one kept-alive raw-stream connection per client. That it is
not the bottleneck is checked on every run: it prints its own CPU time as a share of one core.
At 1,290 cached requests/s it used 10% of one core (about 80 microseconds a request), so it could
drive ten times that rate; the rest of the machine's two cores went to gunicorn and Redis.
"""

import argparse
import asyncio
import contextlib
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from tests.sitemap import sitemap_paths  # noqa: E402

HOST = "127.0.0.1"
PAGES = [
    "/",
    "/presidencies/",
    "/meetings/",
    "/meetings/?when=upcoming",
    "/meetings/?when=past",
    "/meetings/?kind=expert_group_meeting",
    "/projects/",
    "/projects/?status=ongoing",
    "/projects/?status=concluded",
    "/publications/",
    "/publications/?kind=guidelines",
    "/publications/?language=en",
    "/network/",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carportal"),
        help="a migrated and seeded database that nobody else is using",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=50, choices=range(1, 201), metavar="1-200")
    parser.add_argument("--duration", type=float, default=30, help="seconds measured (max 120)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before measuring")
    parser.add_argument("--max-requests", type=int, default=500_000, help="per run, at most")
    args = parser.parse_args()
    if not 0 < args.duration <= 120 or not 0 <= args.warmup <= 30:
        parser.error("--duration must be in (0, 120] and --warmup in [0, 30]")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carportal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    results = {}
    for label, cache_pages in (("uncached", "false"), ("cached", "true")):
        with gunicorn({**env, "CACHE_PAGES": cache_pages}, args):
            paths = PAGES + detail_paths(args.port)
            results[label] = asyncio.run(load(args, paths))
        print_result(label, results[label], args.clients)
    ratio = results["cached"]["rate"] / results["uncached"]["rate"]
    print(f"cached/uncached throughput: {ratio:.1f}x")


@contextlib.contextmanager
def gunicorn(env, args):
    """Runs gunicorn for the length of a ``with`` block; it is always stopped afterwards."""
    command = [sys.executable, "-m", "gunicorn", "carportal.wsgi", "--log-level", "warning"]
    command += ["--access-logfile", os.devnull]
    # gunicorn.conf.py (gthread) applies; these override its address and sizes.
    command += ["--bind", f"{HOST}:{args.port}", "--workers", str(args.workers)]
    command += ["--threads", str(args.threads)]
    if args.threads == 1:
        command += ["--worker-class", "sync"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    try:
        wait_until_up(process, args.port)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(process, port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=5):
                return
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn exited at start") from None
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


def detail_paths(port):
    def get(path):
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=10) as response:
            return response.read().decode()

    return sitemap_paths(get)


async def load(args, paths):
    start = time.monotonic()
    measure_from = start + args.warmup
    stop_at = measure_from + args.duration
    state = {"requests": 0, "latencies": [], "errors": 0}
    cpu_at_start = time.process_time()
    await asyncio.gather(
        *(
            client(args.port, paths, offset, measure_from, stop_at, args.max_requests, state)
            for offset in range(args.clients)
        )
    )
    cpu = time.process_time() - cpu_at_start
    elapsed = time.monotonic() - start
    return {
        **state,
        "rate": len(state["latencies"]) / args.duration,
        "client_cpu": cpu / elapsed,
    }


async def client(port, paths, offset, measure_from, stop_at, max_requests, state):
    """One visitor on one kept-alive connection, walking the pages from its own offset."""
    reader = writer = None
    index = offset
    while time.monotonic() < stop_at and state["requests"] < max_requests:
        path = paths[index % len(paths)]
        index += 1
        state["requests"] += 1
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode())
            status, keep_alive = await read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status, keep_alive = None, False
        finished = time.monotonic()
        if started >= measure_from and finished <= stop_at:
            state["latencies"].append(finished - started)
            state["errors"] += status != 200
        if not keep_alive and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
    if headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        await reader.readexactly(int(headers.get("content-length", 0)))
    return status, headers.get("connection") != "close"


def percentiles(latencies):
    """The 1st to 99th percentiles of `latencies` (zeros when there are fewer than two)."""
    return statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99


def print_result(label, result, clients):
    latencies = result["latencies"]
    centiles = percentiles(latencies)
    print(
        f"{label:>9}: {result['rate']:7.1f} requests/s with {clients} clients, "
        f"p50 {centiles[49] * 1000:6.1f} ms, p95 {centiles[94] * 1000:6.1f} ms, "
        f"p99 {centiles[98] * 1000:6.1f} ms, errors {result['errors']} "
        f"of {len(latencies)} (client CPU {result['client_cpu']:.0%} of one core)",
        flush=True,
    )


if __name__ == "__main__":
    main()
