"""Fixed-window rate limits on the public pages, counted in the shared Django cache.

Limits are settings (``DSAR_RATE_LIMITS``) such as ``"20/h"``. Counters are keyed by a keyed
hash of the IP or e-mail address, so the cache holds no personal data in the clear. When the
cache is unreachable the limit is not applied: a request must never be lost because Redis
is down.
"""

import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"\s*(\d+)\s*/\s*([smhd])\s*")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate:
    match = _RATE.fullmatch(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a rate such as '20/h'")
    return Rate(int(match[1]), _PERIODS[match[2]])


def _key(scope: str, value: str, window: int) -> str:
    digest = salted_hmac("cases.public.ratelimit", value).hexdigest()[:32]
    return f"public-rl:{scope}:{digest}:{window}"


def hit(scope: str, value: str) -> bool:
    """Count one attempt for ``value`` (an IP or e-mail address) in ``scope``; True while
    the attempts in the current window are within the limit."""
    rate = parse_rate(settings.DSAR_RATE_LIMITS[scope])
    window = int(time.time() // rate.seconds)
    key = _key(scope, value, window)
    try:
        cache.add(key, 0, timeout=rate.seconds + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=rate.seconds + 60)
            count = 1
    except Exception:
        logger.warning("Rate limit %s not applied: the cache is unavailable", scope, exc_info=True)
        return True
    return count <= rate.count


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or with DSAR_TRUSTED_PROXY_COUNT proxies in front,
    the address the outermost trusted proxy saw."""
    hops = settings.DSAR_TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
