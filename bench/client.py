"""A small stdlib HTTP client for the bench: keep-alive connections, a session cookie, the CSRF
token, and bounded concurrent loops that return per-request wall and server times."""
import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


class Client:
    """One signed-in user on one keep-alive connection (not shared between threads)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        """Returns (status, body bytes, wall ms, server ms or None, response headers)."""
        hdrs = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                payload = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        wall = (time.perf_counter() - start) * 1000
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        match = SERVER_TIMING.search(resp.getheader("Server-Timing") or "")
        return resp.status, payload, wall, float(match.group(1)) if match else None, resp

    def login(self, username: str, password: str) -> None:
        status, page, *_ = self.request("GET", "/masuk")
        token = CSRF_INPUT.search(page.decode()).group(1)
        status, _, *_ = self.request("POST", "/masuk", {"csrf_token": token, "username": username,
                                                          "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in as {username} failed: HTTP {status}")
        status, page, *_ = self.request("GET", "/papan")
        match = CSRF_HEADER.search(page.decode())
        if status != 200 or not match:
            raise RuntimeError(f"board after sign-in as {username}: HTTP {status}")
        self.csrf = match.group(1)

    def htmx_post(self, path: str, body: dict, current_url: str = "/papan"):
        return self.request("POST", path, body, {"HX-Request": "true", "X-CSRFToken": self.csrf,
                                                 "HX-Current-URL": f"http://127.0.0.1:{self.port}{current_url}"})


@dataclass
class Result:
    wall: list = field(default_factory=list)
    server: list = field(default_factory=list)
    elapsed: float = 0.0
    errors: int = 0

    def merge(self, other: "Result") -> None:
        self.wall += other.wall
        self.server += other.server
        self.errors += other.errors
        self.elapsed += other.elapsed

    @property
    def rps(self) -> float:
        return len(self.wall) / self.elapsed if self.elapsed else 0.0

    def median(self, which="wall") -> float:
        values = getattr(self, which)
        return statistics.median(values) if values else float("nan")

    def p95(self, which="wall") -> float:
        values = sorted(getattr(self, which))
        return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))] if values else float("nan")


def run(clients: list[Client], jobs: list, expect: tuple = (200,), time_cap: float = 120.0) -> Result:
    """Run `jobs` (callables taking a Client, returning request()'s tuple) on len(clients) threads.

    Each thread takes the next job until none are left or the time cap passes, so the loop always
    ends by itself. A response whose status is not in `expect` counts as an error.
    """
    result, lock, queue = Result(), threading.Lock(), list(reversed(jobs))
    deadline = time.monotonic() + time_cap

    def worker(client):
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            try:
                status, _, wall, server, _ = job(client)
            except OSError:
                status, wall, server = 0, 0.0, None
            with lock:
                if status in expect:
                    result.wall.append(wall)
                    if server is not None:
                        result.server.append(server)
                else:
                    result.errors += 1

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - start
    return result


def get(path: str, headers: dict | None = None):
    return lambda client: client.request("GET", path, headers=headers)
