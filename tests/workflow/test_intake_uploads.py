"""Intake uploads: size limits, type by content, names never paths."""
import io
import os
from datetime import datetime

from naskah.core.timeutil import WIB
from naskah.extensions import db
from naskah.models import AuditEvent, Document, SecretBlob
from tests.core.test_uploads import CMS_DER
from tests.factories import login


def form(**over):
    now = datetime.now(WIB).strftime("%Y-%m-%dT%H:%M")
    data = {"sender_agency": "BSSN", "sender_ref_number": "R/1/2026", "channel": "kurir",
            "classification": "R", "urgency": "segera", "received_at": now}
    data.update(over)
    return data


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(db.select(db.func.count()).select_from(m))
                     for m in (Document, SecretBlob, AuditEvent))


def upload(client, content, name):
    return client.post("/dokumen/baru", data=form(cryptogram_file=(io.BytesIO(content), name)),
                       content_type="multipart/form-data")


def test_program_with_a_cryptogram_name_is_refused(app, client, make):
    login(client, make.user("sandiman"))
    before = counts(app)
    r = upload(client, b"MZ\x90\x00" + bytes(200), "kriptogram.p7m")
    assert r.status_code == 400
    assert "Jenis berkas tidak diterima" in r.get_data(as_text=True)
    assert counts(app) == before


def test_html_named_as_text_is_refused(app, client, make):
    login(client, make.user("sandiman"))
    before = counts(app)
    r = upload(client, b"<html><script>alert(1)</script></html>", "pesan.txt")
    assert r.status_code == 400 and counts(app) == before


def test_cms_accepted_whatever_its_name_and_name_only_displayed(app, client, make, tmp_path):
    login(client, make.user("sandiman"))
    before_files = set(os.listdir(app.instance_path))
    r = upload(client, CMS_DER, "../../../../tmp/evil\u202egpj.exe")
    assert r.status_code == 302, r.get_data(as_text=True)[:400]
    with app.app_context():
        doc = db.session.scalars(db.select(Document)).one()
        assert doc.cryptogram_filename == "evilgpj.exe"
        assert doc.cryptogram_size == len(CMS_DER)
    assert set(os.listdir(app.instance_path)) == before_files   # nothing written to disk
    assert not os.path.exists("/tmp/evil\u202egpj.exe")


def test_oversized_cryptogram_refused(app, client, make):
    app.config["CRYPTOGRAM_MAX_BYTES"] = 1024
    login(client, make.user("sandiman"))
    before = counts(app)
    r = upload(client, b"A" * 2048, "besar.txt")
    assert r.status_code == 400 and "melebihi batas" in r.get_data(as_text=True)
    assert counts(app) == before


def test_request_over_the_global_limit_gets_413(app, client, make):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    login(client, make.user("sandiman"))
    before = counts(app)
    r = upload(client, b"A" * 10_000, "besar.txt")
    assert r.status_code == 413 and "terlalu besar" in r.get_data(as_text=True)
    assert counts(app) == before
