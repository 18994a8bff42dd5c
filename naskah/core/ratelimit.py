"""A small in-process sliding-window rate limiter (per client key) for public pages and logins.

It lives in memory: with several server processes each keeps its own window, which still bounds
guessing to (processes x limit) per window. Good enough for an office LAN; documented as such.
"""
import threading
import time
from collections import defaultdict, deque

from flask import current_app, request


class RateLimiter:
    def __init__(self):
        self._hits = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window_seconds: float) -> bool:
        """Record one attempt; False when `key` has used up `limit` attempts in the window."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - window_seconds:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            if len(self._hits) > 50_000:  # bound memory under a flood of distinct keys
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - window_seconds]:
                    del self._hits[stale]
            return True

    def allowed(self, key: str, limit: int, window_seconds: float) -> bool:
        """True while `key` has fewer than `limit` attempts in the window (records nothing)."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return True
            while hits and hits[0] <= now - window_seconds:
                hits.popleft()
            return len(hits) < limit

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


def limiter() -> RateLimiter:
    """The app's limiter (one per app, so tests get a fresh one)."""
    return current_app.extensions.setdefault("naskah_ratelimiter", RateLimiter())


def client_key(scope: str) -> str:
    return f"{scope}:{request.remote_addr or '?'}"
