"""gunicorn's settings for every server of the portal (the Dockerfile, docker-compose, bench/).

gunicorn reads this file from the directory it starts in. Threaded workers keep connections
alive and let a worker wait for PostgreSQL or Redis on one thread while it renders on another:
under 50 clients they served cached pages at twice the rate of the sync worker (bench/load.py).
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"


def post_worker_init(worker):
    # What a worker made loading the portal (settings, URL patterns, models, compiled
    # templates: some 140,000 objects) lives as long as the worker. Frozen, they are left out
    # of the collector's full passes, which otherwise walk them all in the middle of some
    # request: at scale 100, /publications/ p95 fell from 123-129 to 80-87 ms (bench/scale.py).
    gc.freeze()
