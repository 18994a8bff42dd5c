"""Browser tests: a real waitress server on a free port and Debian's Chromium via Playwright.

Without a browser the tests fail when NASKAH_REQUIRE_BROWSER=1 (as `make test` sets), else skip.
Screenshots go to test-artifacts/screenshots/.
"""
import os
import shutil
import socket
import threading
import time

import pytest

from naskah import create_app
from naskah.extensions import db
from tests.conftest import make_config

CHROMIUM = os.environ.get("NASKAH_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         "test-artifacts", "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app, port):
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture
def live_server(tmp_path):
    from waitress.server import create_server
    sqlite_url = f"sqlite:///{tmp_path / 'e2e.sqlite'}"
    app = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True, SQLALCHEMY_DATABASE_URI=sqlite_url,
                                 BOARD_POLL_SECONDS=2))
    with app.app_context():
        db.create_all()
    port = _free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    yield LiveServer(app, port)
    server.close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: browser tests cannot run"
        if os.environ.get("NASKAH_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make_page(width=1366, height=768):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID",
                                      timezone_id="Asia/Jakarta")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        console = []
        page.on("console", lambda msg: _console_error(page, msg, console))
        page.console_errors = console
        pages.append(page)
        return page

    pages = []
    yield make_page
    problems = [e for p in pages for e in p.js_errors + p.console_errors]
    for context in contexts:
        context.close()
    # Any console error (a CSP report, a failed script, a 500 behind htmx) fails the test.
    assert problems == [], "console errors:\n" + "\n".join(problems)


def _console_error(page, msg, found):
    """Keep every console error but one: the browser's note that the page itself came with a 4xx
    status, which is how a re-rendered form with errors answers (its content is checked anyway).
    A failed stylesheet, script, image or htmx request is still an error."""
    if msg.type != "error":
        return
    url = (msg.location or {}).get("url", "")
    if (msg.text.startswith("Failed to load resource: the server responded with a status of 4")
            and url.split("#")[0] == page.url.split("#")[0]):
        return
    found.append(f"{msg.type}: {msg.text} ({url or page.url})")


def assert_accessible(page, name, context=None):
    """axe-core (from axe-playwright-python, no CDN) finds no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, context=context)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> "
                       + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5]) for v in bad)
    assert not bad, f"accessibility violations on {name}:\n{report}"


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.screenshot(path=path, full_page=False)
    return path


def sign_in(page, base_url, username, password):
    page.goto(f"{base_url}/masuk")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("networkidle")
    if "/masuk/verifikasi" in page.url:
        # kasi and admin: the second factor of a factory-enrolled user (tests.factories).
        from tests.factories import second_factor_code
        page.fill("#code", second_factor_code(username))
        page.click("main button[type=submit]")  # the header's sign-out button comes first
        page.wait_for_load_state("networkidle")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
