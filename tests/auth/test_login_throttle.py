"""Sign-in throttle per account and address (issue 12 item 3): no lock-out by a flood from
elsewhere, growing delays, and the same work and answer for unknown, wrong and throttled."""
import re
import time

import pytest

from naskah.auth import login_throttle
from naskah.core import throttle
from naskah.extensions import db
from naskah.models.ratecounter import RateCounter
from tests.factories import PASSWORD

DESK = {"REMOTE_ADDR": "10.0.0.5"}
ELSEWHERE = {"REMOTE_ADDR": "10.0.0.66"}


def _post(client, username, password, env):
    return client.post("/masuk", data={"username": username, "password": password}, environ_base=env)


def test_flood_from_elsewhere_does_not_lock_the_real_user_out(app, make):
    app.config["LOGIN_IP_MAX_FAILURES"] = 1000
    kasi = make.user("sandiman")
    attacker = app.test_client()
    for _ in range(12):
        assert _post(attacker, kasi.username, "Tebakan123", ELSEWHERE).status_code == 401
    assert _post(attacker, kasi.username, PASSWORD, ELSEWHERE).status_code == 401  # attacker's pair blocked
    r = _post(app.test_client(), kasi.username, PASSWORD, DESK)
    assert r.status_code == 302


def test_delays_grow_for_the_pair(app, make):
    user = make.user("sandiman")
    client = app.test_client()
    key = None
    delays = []
    with app.test_request_context():
        key = throttle.pair_key(user.username, ELSEWHERE["REMOTE_ADDR"])
    for _ in range(app.config["LOGIN_PAIR_FREE_FAILURES"] + 3):
        _post(client, user.username, "salah", ELSEWHERE)
        with app.app_context():
            row = db.session.get(RateCounter, key)
            if row.blocked_until is not None:
                delays.append(row.blocked_until)
    assert len(delays) == 4 and delays == sorted(delays)
    gaps = [(b - a).total_seconds() for a, b in zip(delays, delays[1:], strict=False)]
    assert gaps[-1] > gaps[0]


def _normalise(body: str, *names) -> str:
    for name in names:  # the typed user name is echoed back into its field
        body = body.replace(name, "NAMA")
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", body)


def test_unknown_wrong_and_throttled_answer_alike(app, make, monkeypatch):
    user = make.user("sandiman")
    for _ in range(app.config["LOGIN_PAIR_FREE_FAILURES"] + 1):
        _post(app.test_client(), user.username, "salah", ELSEWHERE)
    checks = []
    real = login_throttle.check_password_hash
    monkeypatch.setattr(login_throttle, "check_password_hash",
                        lambda h, p: checks.append(h.split("$")[0]) or real(h, p))
    answers = [
        _post(app.test_client(), "tidakada", "salah", DESK),         # unknown
        _post(app.test_client(), user.username, "salah", DESK),      # wrong
        _post(app.test_client(), user.username, PASSWORD, ELSEWHERE),  # throttled, right password
    ]
    assert {r.status_code for r in answers} == {401}
    assert len({_normalise(r.get_data(as_text=True), "tidakada", user.username) for r in answers}) == 1
    assert len({tuple(sorted(k for k in r.headers.keys() if k != "Server-Timing")) for r in answers}) == 1
    assert len(checks) == 3 and len(set(checks)) == 1  # one hash check each, same method


@pytest.mark.parametrize("method", ["pbkdf2:sha256:150000"])
def test_unknown_user_takes_as_long_as_a_real_one(app, make, method):
    app.config["PASSWORD_HASH_METHOD"] = method
    app.config["LOGIN_IP_MAX_FAILURES"] = 1000
    user = make.user("sandiman")

    def timed(name):
        started = time.perf_counter()
        _post(app.test_client(), name, "salah", {"REMOTE_ADDR": f"10.1.0.{len(samples) % 200}"})
        return time.perf_counter() - started

    samples = []
    for _ in range(5):
        samples.append((timed("tidakada"), timed(user.username)))
    unknown = sorted(s[0] for s in samples)[2]
    known = sorted(s[1] for s in samples)[2]
    assert unknown > 0.6 * known
