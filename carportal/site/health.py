"""What /health/ reports: whether each service the portal uses answers, within a second or so."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)

# A dead service must not hold the check (and a worker) for long.
BROKER_TIMEOUT = 1


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache():
    cache.set("health-check", "ok", 10)
    return cache.get("health-check") == "ok"


def _broker():
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT,
        transport_options={"socket_timeout": BROKER_TIMEOUT},
    ) as broker:
        broker.ensure_connection(max_retries=0)  # one attempt: 0 retries, not "forever"
    return True


def _check(service, probe):
    try:
        if probe():
            return "ok"
        logger.error("Health check: the %s answers wrongly", service)
    except Exception:  # noqa: BLE001 - any failure means the service is unusable
        logger.exception("Health check: the %s does not answer", service)
    return "error"


def service_status():
    """The state of the database, the cache and the Celery broker, and what that means overall.

    Only the database is essential: pages render without Redis, so a cache or broker
    outage is "degraded", not "error". In eager mode (no broker) tasks run in-process.
    """
    checks = {
        "database": _check("database", _database),
        "cache": _check("cache", _cache),
        "broker": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else _check("broker", _broker),
    }
    if checks["database"] != "ok":
        status = "error"
    elif "error" in checks.values():
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, **checks}
