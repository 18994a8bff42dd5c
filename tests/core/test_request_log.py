"""Structured request log: one JSON line per request, no secrets, no form fields, no query."""
import json
import logging

from tests.factories import PASSWORD, login

SECRET_TEXT = "ISI-BERITA-RAHASIA-9f8e7d"


def access_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "naskah.access"]


def test_one_json_line_per_request_with_the_agreed_fields(app, client, make, caplog):
    caplog.set_level(logging.INFO, logger="naskah.access")
    user = make.user("sandiman")
    login(client, user)
    client.get("/agenda/?sender=rahasia-query&page=1")
    lines = access_lines(caplog)
    assert len(lines) == 2
    entries = [json.loads(line) for line in lines]
    assert set(entries[1]) == {"time", "method", "path", "status", "duration_ms", "user_id", "remote_addr"}
    assert entries[0]["path"] == "/masuk" and entries[0]["status"] == 302
    assert entries[1]["path"] == "/agenda/" and entries[1]["user_id"] == user.id
    assert "rahasia-query" not in "".join(lines)


def test_login_and_decrypt_post_leave_no_secret_in_any_log(app, client, make, caplog):
    caplog.set_level(logging.DEBUG)
    sandiman = make.user("sandiman")
    doc_id = make.document(step=4, sandiman=sandiman)
    client.post("/masuk", data={"username": sandiman.username, "password": "SalahSekali999"})
    login(client, sandiman)
    r = client.post(f"/dokumen/{doc_id}/aksi/decrypt",
                    data={"plaintext": SECRET_TEXT, "addressee": "Wali Kota ALAMAT-X", "subject": "PERIHAL-Y",
                          "copy_index": "1", "copy_total": "1"})
    assert r.status_code == 302
    everything = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert any(r.name == "naskah.access" and "/aksi/decrypt" in r.getMessage() for r in caplog.records)
    for needle in (PASSWORD, "SalahSekali999", SECRET_TEXT, "ALAMAT-X", "PERIHAL-Y"):
        assert needle not in everything, needle


def test_json_formatter_for_the_server(caplog):
    from naskah.core.reqlog import JsonLineFormatter
    fmt = JsonLineFormatter()
    rec = logging.LogRecord("naskah", logging.WARNING, __file__, 1, "pesan %s", ("x",), None)
    assert json.loads(fmt.format(rec))["message"] == "pesan x"
    access = logging.LogRecord("naskah.access", logging.INFO, __file__, 1, '{"a":1}', (), None)
    assert fmt.format(access) == '{"a":1}'
