"""Real servers for the slow suite: `python -m naskah.operations.serve` subprocesses and a tiny HTTP client
(http.client, cookies, CSRF tokens read from the pages, the second factor done over HTTP)."""
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tests.conftest import ROOT, TEST_AUDIT_KEY, TEST_MASTER_KEY

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SECRET_KEY = "slow-suite-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One waitress process serving the app from `instance` against `database_url`."""

    def __init__(self, instance: Path, database_url: str, threads: int = 8):
        self.instance, self.database_url, self.threads = instance, database_url, threads
        self.port = free_port()
        self.proc = None
        self.log = instance / f"server-{self.port}.log"

    def start(self, timeout: float = 30.0) -> "Server":
        env = {**os.environ, "NASKAH_INSTANCE": str(self.instance), "NASKAH_DATABASE_URL": self.database_url,
               "NASKAH_MASTER_KEY": TEST_MASTER_KEY, "NASKAH_AUDIT_KEY": TEST_AUDIT_KEY, "NASKAH_SECRET_KEY": SECRET_KEY, "HOST": "127.0.0.1",
               "PORT": str(self.port), "NASKAH_THREADS": str(self.threads), "NASKAH_DAILY_CHECK": "0"}
        self.instance.mkdir(parents=True, exist_ok=True)
        self._logfile = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([sys.executable, "-m", "naskah.operations.serve"], cwd=ROOT, env=env,  # nosec B603
                                     stdout=self._logfile, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in time")

    def kill(self):
        """SIGKILL: no shutdown code runs, as in a power cut of the process."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._logfile.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if not self._logfile.closed:
            self._logfile.close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


class Client:
    """A browser stand-in: a cookie jar, CSRF tokens from the pages, one connection per request."""

    def __init__(self, server: Server):
        self.port = server.port
        self.cookies = {}
        self.conn = None
        self.csrf = None

    def _connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def request(self, method, path, form=None, headers=None):
        # One connection per request: a keep-alive connection that the server closes while idle
        # would make a POST's outcome unknowable, and the tests count every answer.
        self._connect()
        body = urlencode(form) if form is not None else None
        hdrs = dict(headers or {})
        hdrs["Connection"] = "close"
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            response = self.conn.getresponse()
            data = response.read().decode("utf-8", "replace")
        finally:
            self.conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        form = dict(form)
        form.setdefault("csrf_token", self.csrf)
        return self.request("POST", path, form)

    def read_csrf(self, page_body):
        match = CSRF_RE.search(page_body)
        if match:
            self.csrf = match.group(1)
        return self.csrf

    def login(self, username, password, totp=None):
        status, _, body = self.get("/masuk")
        self.read_csrf(body)
        status, headers, _ = self.post("/masuk", {"username": username, "password": password})
        assert status == 302, status
        location = urlsplit(headers["Location"]).path
        if location == "/masuk/verifikasi":
            _, _, body = self.get(location)
            self.read_csrf(body)
            status, headers, _ = self.post(location, {"code": totp()})
            assert status == 302, status
            location = urlsplit(headers["Location"]).path
        _, _, body = self.get(location)
        self.read_csrf(body)
        return self
