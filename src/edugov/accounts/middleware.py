"""Sliding session expiry without a database write on every request.

An idle session ends SESSION_COOKIE_AGE after its last use. Django's SESSION_SAVE_EVERY_REQUEST
gets that by rewriting the session row (a write and a commit) on every page and API call, which
under a peak (every teacher publishing homework at 21:00) doubles the commits the database must
flush. Renewing at most once per SESSION_RENEW_SECONDS gives the same idle timeout to within that
margin with one write a minute per active user instead of one per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_edugov_renewed"


class SessionRenewalMiddleware:
    """Marks an active session for saving (which pushes its expiry forward) when it was last
    renewed SESSION_RENEW_SECONDS ago or more. Placed right after SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # An empty session (anonymous visitor) is never created just to be renewed; a session
        # flushed by logout during this request is empty too.
        if session is not None and not session.is_empty():
            now = int(time.time())
            renewed = session.get(RENEWED_KEY)
            if not isinstance(renewed, int) or now - renewed >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_KEY] = now  # marks the session modified: saved with a new expiry
        return response
