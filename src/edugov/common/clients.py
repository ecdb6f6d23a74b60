"""Who is asking: the client's address, the same for the per-client request budgets, the login
lockout and the audit trail.

Behind the reverse proxy (docs/operations.md: nginx in front of the two worker pools) every request
reaches the application from the proxy's own address, so the client is read from X-Forwarded-For,
but only when the request came from a trusted proxy (`TRUSTED_PROXIES`, the proxy on this machine
by default), and then from the right: the proxy appends the address it saw, so the right-most hop
that is not a trusted proxy is the client. Hops to its left are whatever the client wrote, and
trusting them would let one phone spend everybody's budget or none of its own.

The public pages' request budgets (`over_budget`) count per client in fixed windows in the cache."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils import timezone


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address (None when the server was given none: a request made in code, as a
    test's or a login's without a connection)."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote is None:
        return None
    if remote not in trusted:
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # a hop that is no address: what lies left of it cannot be trusted either
        if address not in trusted:
            return address
    return remote


def over_budget(request: HttpRequest, bucket: str, limit: int, seconds: int) -> bool:
    """Count this request against its client's budget in `bucket` ("safety:ack", "tutoring:lookup")
    and say whether the client has now passed `limit` requests in the window of `seconds`."""
    key = f"rl:{bucket}:{client_address(request) or 'unknown'}:{_window(seconds)}"
    return _hit(key, seconds) > limit


def _window(seconds: int) -> int:
    """The number of the current fixed window of `seconds` (tests hold it still)."""
    return int(timezone.now().timestamp()) // seconds


def _hit(key: str, seconds: int) -> int:
    """Count one request under `key` and return the count. On Redis one round trip (SET NX with the
    window's expiry and INCR, pipelined) instead of the cache API's three (add, exists, incr)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(full, write=True).pipeline(transaction=False)
        pipe.set(full, 0, ex=seconds, nx=True)
        pipe.incr(full)
        return int(pipe.execute()[1])
    cache.add(key, 0, seconds)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, seconds)
        return 1
