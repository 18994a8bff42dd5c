"""Sessions, sign-in throttles and public rate limits hold across three server processes serving
one database (issue 12 item 4): nothing that matters lives in one process's memory.

SQLite by default (three processes on one file); PostgreSQL when NASKAH_TEST_DATABASE_URL is set.
"""
import pytest

from naskah import create_app
from tests.conftest import PG_URL, make_config, reset_database
from tests.factories import PASSWORD, Factories
from tests.slow.harness import Client, Server

pytestmark = pytest.mark.slow


@pytest.fixture
def three(tmp_path):
    url = PG_URL or f"sqlite:///{tmp_path}/shared.sqlite"
    app = create_app(make_config(tmp_path / "setup", SQLALCHEMY_DATABASE_URI=url))
    reset_database(app)
    instance = tmp_path / "instance"
    instance.mkdir(parents=True)
    (instance / "config.py").write_text("VERIFY_RATE_LIMIT = 5\nVERIFY_RATE_WINDOW = 600\n"
                                        "LOGIN_PAIR_FREE_FAILURES = 3\nLOGIN_IP_MAX_FAILURES = 1000\n")
    servers = [Server(instance, url, threads=2).start() for _ in range(3)]
    try:
        yield Factories(app), servers
    finally:
        for server in servers:
            server.stop()


def _on(server, other: Client) -> Client:
    """The same browser talking to another process."""
    client = Client(server)
    client.cookies, client.csrf = dict(other.cookies), other.csrf
    return client


def test_a_session_is_one_session_on_every_process(three):
    make, (a, b, c) = three
    user = make.user("sandiman")
    browser = Client(a).login(user.username, PASSWORD)
    copy_b, copy_c = _on(b, browser), _on(c, browser)
    assert copy_b.get("/papan")[0] == 200 and copy_c.get("/papan")[0] == 200
    status, _, _ = copy_b.post("/keluar", {})
    assert status == 302
    for process in (a, c):
        status, headers, _ = _on(process, browser).get("/papan")
        assert status == 302 and "/masuk" in headers["Location"]


def test_sign_in_throttle_counts_failures_on_every_process(three):
    make, servers = three
    user = make.user("sandiman")
    attempts = []
    for i in range(3):  # one wrong password on each process: the free failures are used up
        client = Client(servers[i])
        client.read_csrf(client.get("/masuk")[2])
        attempts.append(client.post("/masuk", {"username": user.username, "password": "Salah-12345"})[0])
    assert attempts == [401, 401, 401]
    for server in servers:  # now this account from this address waits, whichever process answers
        client = Client(server)
        client.read_csrf(client.get("/masuk")[2])
        assert client.post("/masuk", {"username": user.username, "password": PASSWORD})[0] == 401


def test_public_rate_limit_is_shared(three):
    _, servers = three
    answers = [Client(servers[i % 3]).get("/verifikasi/ABCDEFGHJKMNPQRS")[0] for i in range(7)]
    assert answers[:5] == [404] * 5 and answers[5:] == [429, 429]
