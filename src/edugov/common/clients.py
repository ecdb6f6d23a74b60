"""Who is asking: the client's address, the same for the per-client request budgets, the login
lockout and the audit trail.

Behind the reverse proxy (docs/operations.md: nginx in front of the two worker pools) every request
reaches the application from the proxy's own address, so the client is read from X-Forwarded-For,
but only when the request came from a trusted proxy (`TRUSTED_PROXIES`, the proxy on this machine
by default), and then from the right: the proxy appends the address it saw, so the right-most hop
that is not a trusted proxy is the client. Hops to its left are whatever the client wrote, and
trusting them would let one phone spend everybody's budget or none of its own."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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
