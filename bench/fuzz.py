"""Send thousands of hostile requests to a running CAR Portal and count the answers.

The same kinds of input as tests/test_hostile_input.py, at random and in bulk: every public list
with random filter values (control characters, NUL, huge numbers, long repeats, unicode, bytes
that are not UTF-8, repeated and unknown keys) and every linked page with one path segment
replaced by such a value. A healthy portal answers 2xx, 3xx or 4xx, never 5xx.

It reads the filter names, their choices and the page links from the running site itself, so it
needs only the standard library and stays current as filters are added. It sends requests only
to a loopback address, stops after --requests requests or --max-seconds seconds, whichever comes
first, and exits with status 1 if any answer was a 5xx or no answer came.

Against the development server (SQLite):

    make run                                  # in one terminal
    .venv/bin/python bench/fuzz.py            # in another

Against gunicorn with production settings on PostgreSQL (as deployed):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/carportal
    createdb -h 127.0.0.1 -U postgres carportal
    DJANGO_SETTINGS_MODULE=carportal.settings.local .venv/bin/python manage.py migrate
    DJANGO_SETTINGS_MODULE=carportal.settings.local .venv/bin/python manage.py seed
    export DJANGO_SETTINGS_MODULE=carportal.settings.production SECURE_SSL_REDIRECT=false
    export SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
    .venv/bin/python manage.py collectstatic --no-input
    .venv/bin/python -m gunicorn carportal.wsgi -b 127.0.0.1:8101 -w 2 &
    .venv/bin/python bench/fuzz.py --url http://127.0.0.1:8101
    kill %1

Options: --requests (default 10,000), --threads (default 8), --max-seconds (default 600),
--seed (default 7: the same seed sends the same requests, to reproduce a failure).
"""

import argparse
import collections
import http.client
import ipaddress
import random
import re
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

LISTS = ["/meetings/", "/projects/", "/publications/", "/presidencies/"]
# Pages whose path segments are worth replacing: details, edition and document downloads.
ROUTE = re.compile(r"^/(presidencies|meetings|projects|publications)/[^/?#]+/([^?#]*)$")
TIMEOUT = 30


class PageParser(HTMLParser):
    """Collects a page's form field names, option values and local links."""

    def __init__(self):
        super().__init__()
        self.names, self.values, self.links = set(), set(), set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select"} and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "option" and attrs.get("value"):
            self.values.add(attrs["value"])
        elif tag == "a" and ROUTE.match(attrs.get("href") or ""):
            self.links.add(attrs["href"])


def get(host, port, path):
    """One GET on a fresh connection (gunicorn's sync workers close it anyway): status, body."""
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def discover(host, port):
    """Filter names per list, plausible values and links to pages with path segments."""
    names, values, links = {}, set(), set()
    for path in LISTS:
        status, body = get(host, port, path)
        if status != 200:
            sys.exit(f"{path} answered {status}: is the portal running and seeded?")
        page = PageParser()
        page.feed(body.decode("utf-8", "replace"))
        names[path] = sorted(page.names | {"page"})
        values |= page.values
        links |= page.links
        # Detail pages link the downloads (editions, documents) that lists do not.
        for detail in sorted(link for link in page.links if link.startswith(path))[:3]:
            detail_page = PageParser()
            detail_page.feed(get(host, port, detail)[1].decode("utf-8", "replace"))
            values |= detail_page.values
            links |= detail_page.links
    return names, sorted(values), sorted(links)


def hostile_value(rng, known):
    """A query value or path segment: real, or one of the shapes that broke sites before."""
    shape = rng.randrange(8)
    if shape == 0:
        return rng.choice(known)
    if shape == 1:  # unicode anywhere in the planes, but no lone surrogates
        return "".join(
            chr(rng.choice([rng.randrange(32, 0xD800), rng.randrange(0xE000, 0x110000)]))
            for _ in range(rng.randrange(1, 30))
        )
    if shape == 2:  # C0 and C1 control characters, NUL more often than the others
        return "".join(
            rng.choice(["\x00", chr(rng.choice([*range(32), *range(0x7F, 0xA0)]))])
            for _ in range(rng.randrange(1, 10))
        )
    if shape == 3:
        return str(rng.randrange(-(10**40), 10**40))
    if shape == 4:  # long repeats, now and then beyond what a request line may hold
        return rng.choice(["x", "9", "é ", "word ", "\x00", "%", "../"]) * int(
            rng.paretovariate(1) * 60
        )
    if shape == 5:  # bytes that are often not UTF-8
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
    if shape == 6:  # many words, for the search
        return " ".join(f"w{rng.randrange(10**6)}" for _ in range(rng.randrange(10, 300)))
    return rng.choice(["", " ", "0", "-1", "1e9", "None", "null", "[]", ".", "..", "\x00", "'"])


def encoded(value):
    return quote(value, safe="")


def hostile_path(rng, names, known, links):
    if rng.random() < 0.6 or not links:
        path = rng.choice(LISTS)
        pairs = []
        for _ in range(rng.randrange(7)):
            key = rng.choice(names[path]) if rng.random() < 0.85 else hostile_value(rng, known)
            pairs.append(f"{encoded(key)}={encoded(hostile_value(rng, known))}")
        return f"{path}?{'&'.join(pairs)}"
    segments = rng.choice(links).split("/")
    # Segments 0 and -1 are the empty strings around the slashes; 1 is the app's prefix.
    segments[rng.randrange(2, len(segments) - 1)] = encoded(hostile_value(rng, known))
    return "/".join(segments)


def loopback_address(url):
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        sys.exit("--url must be http://<loopback address>[:port]")
    addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    if not all(ipaddress.ip_address(address).is_loopback for address in addresses):
        sys.exit(f"{parts.hostname} is not a loopback address: this tool only fuzzes this machine")
    return parts.hostname, parts.port or 80


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    host, port = loopback_address(args.url)

    names, known, links = discover(host, port)
    rng = random.Random(args.seed)
    paths = [hostile_path(rng, names, known, links) for _ in range(args.requests)]

    statuses = collections.Counter()
    failures = []
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + args.max_seconds

    def send(path):
        if time.monotonic() > deadline:
            return
        try:
            status = get(host, port, path)[0]
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        with lock:
            statuses[status] += 1
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{status} {path[:300]}")

    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        for path in paths:
            pool.submit(send, path)
    elapsed = time.monotonic() - started

    sent = sum(statuses.values())
    print(f"{sent} requests in {elapsed:.1f} s: {sent / elapsed:.0f} requests/s")
    print(f"from {len(links)} linked pages and {sum(map(len, names.values()))} list parameters")
    for status, count in sorted(statuses.items(), key=lambda item: str(item[0])):
        print(f"  {status}: {count}")
    if sent < len(paths):
        print(f"stopped after {args.max_seconds:.0f} s, {len(paths) - sent} requests unsent")
    print(f"5xx or no answer: {len(failures)}")
    for failure in failures[:20]:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
