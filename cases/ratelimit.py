"""Fixed-window rate limits on the public pages, counted in the shared Django cache.

Limits are settings (``DSAR_RATE_LIMITS``) such as ``"20/h"``. Counters are keyed by a keyed
hash of the IP or e-mail address, so the cache holds no personal data in the clear. When the
cache is unreachable the limit is not applied: a request must never be lost because Redis
is down.

On Redis (the production cache) all counters of one request are counted by one Lua script:
one round trip, atomic, whatever the number of limits. Other caches (the file cache of the
embedded defaults, the tests' memory cache) count with ``add()`` and ``incr()``.
"""

import logging
import re
import time
import weakref
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
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
    digest = salted_hmac("cases.ratelimit", value).hexdigest()[:32]
    return f"public-rl:{scope}:{digest}:{window}"


def hit(scope: str, value: str) -> bool:
    """Count one attempt for ``value`` (an IP or e-mail address) in ``scope``; True while
    the attempts in the current window are within the limit."""
    return hit_all((scope, value))


def hit_all(*attempts: tuple[str, str]) -> bool:
    """Count ``(scope, value)`` attempts in order, up to and including the first one over its
    limit (a request refused for its IP address does not use up its e-mail address's
    allowance); True when every one is within its limit."""
    counters = []
    for scope, value in attempts:
        rate = parse_rate(settings.DSAR_RATE_LIMITS[scope])
        window = int(time.time() // rate.seconds)
        counters.append((_key(scope, value, window), rate))
    try:
        counts = _count(counters)
    except Exception:
        scopes = ", ".join(scope for scope, _value in attempts)
        logger.warning("Rate limit %s not applied: the cache is unavailable", scopes, exc_info=True)
        return True
    return len(counts) == len(counters) and all(
        count <= rate.count for count, (_key_, rate) in zip(counts, counters, strict=True)
    )


# KEYS: the counters; ARGV: limit and time-to-live of each, in turn. Returns the counts up to
# and including the first one over its limit.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
    local count = redis.call('INCR', key)
    if count == 1 then
        redis.call('EXPIRE', key, ARGV[2 * i])
    end
    counts[i] = count
    if count > tonumber(ARGV[2 * i - 1]) then
        break
    end
end
return counts
"""


# The counting script, bound to a Redis client, per cache backend (Django keeps one backend
# per thread).
_scripts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cache():
    """The default cache's backend itself (not Django's proxy), whose class tells how to count."""
    return caches[DEFAULT_CACHE_ALIAS]


def _count(counters: list[tuple[str, Rate]]) -> list[int]:
    backend = _cache()
    if isinstance(backend, RedisCache):
        keys = [backend.make_and_validate_key(key) for key, _rate in counters]
        script = _scripts.get(backend)
        if script is None:
            # Django's cache builds a new Redis client for every call, which costs more than
            # the round trip; one client (on the cache's own connection pool) per backend.
            client = backend._cache.get_client(keys[0], write=True)
            script = _scripts[backend] = client.register_script(_COUNT_SCRIPT)
        args = [n for _key_, rate in counters for n in (rate.count, rate.seconds + 60)]
        return [int(count) for count in script(keys=keys, args=args)]
    counts = []
    for key, rate in counters:
        backend.add(key, 0, timeout=rate.seconds + 60)
        try:
            count = backend.incr(key)
        except ValueError:  # expired between add() and incr()
            backend.set(key, 1, timeout=rate.seconds + 60)
            count = 1
        counts.append(count)
        if count > rate.count:
            break
    return counts


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
