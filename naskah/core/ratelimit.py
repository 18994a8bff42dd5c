"""Rate limits for public pages and sign-in, per client address.

The counters live in the database (naskah.core.throttle), so several server processes share them.
"""
from flask import current_app, request

from naskah.core.throttle import DatabaseRateLimiter


def limiter():
    """The app's limiter (one per app, so tests get a fresh one)."""
    return current_app.extensions.setdefault("naskah_ratelimiter", DatabaseRateLimiter())


def client_key(scope: str) -> str:
    return f"{scope}:{request.remote_addr or '?'}"
