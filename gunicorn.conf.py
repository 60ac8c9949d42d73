"""gunicorn's settings for every server of the portal (the Dockerfile, docker-compose, bench/).

gunicorn reads this file from the directory it starts in. Threaded workers keep connections
alive and let a worker wait for PostgreSQL or Redis on one thread while it renders on another:
under 50 clients they served cached pages at twice the rate of the sync worker (bench/load.py).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"
