"""Step 1 through the web: validation with Indonesian messages, nothing half-saved."""
import io
from datetime import timedelta

import pytest

from naskah.core.timeutil import to_wib, utcnow
from naskah.extensions import db
from naskah.models import AuditEvent, Document, SecretBlob
from tests.factories import login


def valid(**over):
    data = {
        "sender_agency": "BSSN", "sender_ref_number": "R/1/2026", "sender_ref_date": "",
        "channel": "kurir", "classification": "R", "urgency": "segera",
        "received_at": (to_wib(utcnow()) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "cryptogram_text": "-----BEGIN CMS-----\nAAAA\n-----END CMS-----", "notes": "",
    }
    data.update(over)
    return data


def counts(app):
    with app.app_context():
        not_denials = {AuditEvent: AuditEvent.action != "access.denied"}  # refusals are audited as access.denied (tests/web/test_denials.py), not counted here
        return tuple(db.session.scalar(db.select(db.func.count()).select_from(m).where(not_denials.get(m, True)))
                     for m in (Document, AuditEvent, SecretBlob))


def test_receive_with_pasted_text(app, client, make):
    login(client, make.user("sandiman"))
    before = counts(app)
    r = client.post("/dokumen/baru", data=valid())
    assert r.status_code == 302
    assert counts(app)[0] == before[0] + 1
    with app.app_context():
        doc = db.session.scalar(db.select(Document))
        assert doc.step == 1 and doc.classification == "R" and doc.cryptogram_size > 0
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.document_id == doc.id)) == 1


def test_receive_with_file(app, client, make):
    login(client, make.user("sandiman"))
    data = valid(cryptogram_text="")
    pem = b"-----BEGIN CMS-----\n" + b"QUJD" * 20 + b"\n-----END CMS-----\n"
    data["cryptogram_file"] = (io.BytesIO(pem), "../../etc/passwd.p7m")
    r = client.post("/dokumen/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    with app.app_context():
        doc = db.session.scalar(db.select(Document))
        assert doc.cryptogram_filename == "passwd.p7m" and doc.cryptogram_size == len(pem)


@pytest.mark.parametrize("over,message", [
    ({"sender_agency": ""}, "Wajib diisi."),
    ({"sender_ref_number": ""}, "Wajib diisi."),
    ({"sender_agency": "x" * 201}, "Paling banyak 200 karakter."),
    ({"classification": "X"}, "Pilihan tidak valid."),
    ({"urgency": "kemarin"}, "Pilihan tidak valid."),
    ({"received_at": "2999-01-01T10:00"}, "tidak boleh di masa depan"),
    ({"received_at": "bukan tanggal"}, "Tanggal dan jam tidak valid."),
    ({"cryptogram_text": ""}, "Unggah berkas kriptogram atau tempelkan teksnya."),
    ({"sender_ref_date": "2999-12-31"}, "Tanggal surat tidak boleh di masa depan."),
    ({"received_at": "2026-11-01T10:00", "sender_ref_date": "2026-11-02"},
     "Tanggal surat tidak boleh sesudah tanggal kriptogram diterima."),
])
def test_bad_input(app, client, make, over, message):
    login(client, make.user("sandiman"))
    before = counts(app)
    r = client.post("/dokumen/baru", data=valid(**over))
    body = r.get_data(as_text=True)
    assert r.status_code == 400
    assert message in body
    assert counts(app)[:1] == before[:1] and counts(app)[2] == before[2]


def test_file_over_the_limit(app, client, make):
    app.config["CRYPTOGRAM_MAX_BYTES"] = 1024
    login(client, make.user("sandiman"))
    before = counts(app)
    data = valid(cryptogram_text="")
    data["cryptogram_file"] = (io.BytesIO(b"x" * 2048), "besar.p7m")
    r = client.post("/dokumen/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 400 and "melebihi batas" in r.get_data(as_text=True)
    assert counts(app) == before


def test_request_over_the_global_limit_is_413_not_500(app, client, make):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    login(client, make.user("sandiman"))
    data = valid(cryptogram_text="")
    data["cryptogram_file"] = (io.BytesIO(b"x" * 10_000), "besar.p7m")
    r = client.post("/dokumen/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 413 and "terlalu besar" in r.get_data(as_text=True)


@pytest.mark.parametrize("role", ["kasi", "petugas", "pejabat", "admin"])
def test_only_sandiman_receives(app, client, make, role):
    login(client, make.user(role))
    before = counts(app)
    assert client.post("/dokumen/baru", data=valid()).status_code == 403
    assert counts(app) == before
