"""A per-address rate limit kept in the cache: local memory on one machine, Redis in production."""

import hashlib
import logging

from axes.helpers import get_client_ip_address
from django.core.cache import cache

logger = logging.getLogger(__name__)


def over_limit(request, *, scope, limit, period):
    """Count this request against its client address; True once the address is over the limit.

    The address is the one django-axes trusts for sign-in throttling (TRUSTED_PROXY_COUNT)
    and is hashed, so the cache holds no addresses. If the cache is unavailable nobody is
    limited: spam is a nuisance, a form refused to everyone is an outage.
    """
    address = get_client_ip_address(request) or ""
    digest = hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()
    key = f"rate-limit:{scope}:{digest}"
    try:
        # add() starts the period only for the first request; incr() keeps its expiry.
        cache.add(key, 0, timeout=int(period.total_seconds()))
        count = cache.incr(key)
    except Exception as exc:  # noqa: BLE001
        logger.warning(
            "Rate limit %s not applied: cache unavailable (%s)", scope, type(exc).__name__
        )
        return False
    return count > limit
