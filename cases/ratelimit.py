"""Rate limits on the public pages and the public API, counted in the shared Django cache.

Limits are settings (``DSAR_RATE_LIMITS``) such as ``"20/h"``: at most 20 in *any* hour, a
rolling window rather than clock hours (with clock hours, 20 just before the hour and 20 just
after it were 40 in two minutes). Each limit keeps a log of the moments of the attempts it let
through in the last period; an attempt is allowed while that log is shorter than the count.
Refused attempts are not logged, so a log never holds more than ``count`` entries, and a
client that keeps being refused gets in again as soon as its oldest allowed attempt is a
period old. One scope is one counter whichever interface counts it: the web form and the
public API both count ``submit_ip`` and ``submit_email``.

Logs are keyed by a keyed hash of the IP or e-mail address, so the cache holds no personal
data in the clear. When the cache is unreachable the limit is not applied: a request must
never be lost because Redis is down.

On Redis (the production cache) all the logs of one request are checked and written by one
Lua script over sorted sets: one round trip, atomic. Other caches (the file cache of the
embedded defaults, the tests' memory cache) keep each log as a list under one key, read and
written back; two processes at the same instant may then both get the last place.
"""

import logging
import math
import re
import time
import uuid
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


def _key(scope: str, value: str) -> str:
    digest = salted_hmac("cases.ratelimit", value).hexdigest()[:32]
    return f"public-rl2:{scope}:{digest}"


def hit(scope: str, value: str) -> bool:
    """Count one attempt for ``value`` (an IP or e-mail address) in ``scope``; True while
    the attempts in the last period are within the limit."""
    return hit_all((scope, value))


def hit_all(*attempts: tuple[str, str]) -> bool:
    """One attempt that counts towards several ``(scope, value)`` limits: True, and logged in
    every one, when each is within its limit; False, and logged in none, when any one is
    full (a request refused for its IP address does not use up its e-mail address's
    allowance)."""
    return wait_before(*attempts) is None


def wait_before(*attempts: tuple[str, str]) -> int | None:
    """:func:`hit_all`, answering None when the attempt is allowed (and logged), else the
    seconds until the first full limit has room again (for a Retry-After header)."""
    now = time.time()
    logs = []
    for scope, value in attempts:
        logs.append((_key(scope, value), parse_rate(settings.DSAR_RATE_LIMITS[scope])))
    try:
        wait = _take(logs, now)
    except Exception:
        scopes = ", ".join(scope for scope, _value in attempts)
        logger.warning("Rate limit %s not applied: the cache is unavailable", scopes, exc_info=True)
        return None
    return None if wait is None else max(1, math.ceil(wait))


# KEYS: the logs (sorted sets of moments in ms); ARGV: now (ms), a member name unique to this
# attempt, then the limit and period (ms) of each log in turn. Returns 0 when the attempt was
# allowed and logged everywhere, else the milliseconds until the first full log has room.
_TAKE_SCRIPT = """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
    local period = tonumber(ARGV[2 * i + 2])
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
    local limit = tonumber(ARGV[2 * i + 1])
    local count = redis.call('ZCARD', key)
    if count >= limit then
        if limit == 0 then
            return period
        end
        -- the moment that must leave the window before another attempt fits
        local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
        return math.max(1, tonumber(oldest[2]) + period - now)
    end
end
for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[2] .. ':' .. i)
    redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 2]))
end
return 0
"""


# The script, bound to a Redis client, per cache backend (Django keeps one backend per thread).
_scripts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cache():
    """The default cache's backend itself (not Django's proxy), whose class tells how to count."""
    return caches[DEFAULT_CACHE_ALIAS]


def _take(logs: list[tuple[str, Rate]], now: float) -> float | None:
    """None when the attempt fits every log (and is logged in each), else the seconds until
    the first full one has room."""
    backend = _cache()
    if isinstance(backend, RedisCache):
        keys = [backend.make_and_validate_key(key) for key, _rate in logs]
        script = _scripts.get(backend)
        if script is None:
            # Django's cache builds a new Redis client for every call, which costs more than
            # the round trip; one client (on the cache's own connection pool) per backend.
            client = backend._cache.get_client(keys[0], write=True)
            script = _scripts[backend] = client.register_script(_TAKE_SCRIPT)
        args = [int(now * 1000), uuid.uuid4().hex]
        args += [n for _key_, rate in logs for n in (rate.count, rate.seconds * 1000)]
        wait_ms = int(script(keys=keys, args=args))
        return None if wait_ms == 0 else wait_ms / 1000
    kept = []
    for key, rate in logs:
        moments = [t for t in backend.get(key) or [] if t > now - rate.seconds]
        if len(moments) >= rate.count:
            if rate.count == 0:
                return rate.seconds
            moments.sort()
            return moments[len(moments) - rate.count] + rate.seconds - now
        kept.append((key, rate, moments))
    for key, rate, moments in kept:
        backend.set(key, [*moments, now], timeout=rate.seconds)
    return None


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
