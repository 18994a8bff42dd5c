"""Encryption at rest: secrets written through the web leave no trace in the raw database, and
`keys rotate-master` keeps everything readable while the old master key stops opening it."""
import io
import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from naskah import create_app
from naskah.core import vault
from naskah.crypto.cms import decrypt
from naskah.decryption import identities as keystore
from naskah.extensions import db
from naskah.models import Document, SecretBlob
from naskah.models.keys import OfficeIdentity
from tests import crypto_helpers as ch
from tests.conftest import make_config, reset_database
from tests.factories import login

POSITIVE = "Instansi Penanda Positif"   # a plain column: must be found, so the search works
MARKERS = {
    "cryptogram": "RAHASIA-KRIPTOGRAM-7Q2X",
    "plaintext": "RAHASIA-TEKS-BERITA-5KD9",
    "subject": "RAHASIA-PERIHAL-3VW1",
    "cover": "RAHASIA-PENGANTAR-8ZP4",
    "attachment": "RAHASIA-LAMPIRAN-PDF-6MN0",
    "addressee": "RAHASIA-TUJUAN-4HB2",          # documents.forwarded_to (sealed column)
    "report_note": "RAHASIA-CATATAN-LAPOR-2QE5",  # audit details (sealed blob)
    "disposition": "RAHASIA-DISPOSISI-9TR3",      # documents.disposition_note (sealed column)
    "return_reason": "RAHASIA-ALASAN-KEMBALI-1LM8",  # documents.revision_reason and audit details
}


def _receive(client, pasted=None, upload=None):
    data = {"sender_agency": POSITIVE, "sender_ref_number": "R/1/2026", "channel": "kurir",
            "classification": "SR", "urgency": "kilat", "received_at": "2026-01-05T09:00"}
    if pasted:
        data["cryptogram_text"] = pasted
    if upload:
        data["cryptogram_file"] = (io.BytesIO(upload), "rahasia.p7m")
    r = client.post("/dokumen/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[-800:]


def _step(client, doc, action, **data):
    data["version"] = doc.version
    r = client.post(f"/dokumen/{doc.id}/aksi/{action}", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, (action, r.get_data(as_text=True)[-800:])


def _write_secrets_through_the_web(app, make):
    admin, sandiman, kasi = make.user("admin"), make.user("sandiman"), make.user("kasi")
    c_admin, c_s, c_k = app.test_client(), app.test_client(), app.test_client()
    login(c_admin, admin), login(c_s, sandiman), login(c_k, kasi)
    fernet_key = Fernet.generate_key().decode()
    assert c_admin.post("/admin/kunci/identitas", data={"gen-name": "kantor", "gen-bits": "2048",
                                                        "gen-mode": "self"}).status_code == 302
    assert c_admin.post("/admin/kunci/fernet", data={"fernet-label": "bssn", "fernet-agency": "BSSN",
                                                     "fernet-key": fernet_key}).status_code == 302
    kek_hex, cms_password = os.urandom(32).hex(), "Sandi-CMS-" + os.urandom(6).hex()
    assert c_admin.post("/admin/kunci/kek", data={"kek-label": "bssn-kek", "kek-agency": "BSSN", "kek-key_id": "0a0b",
                                                  "kek-key": kek_hex}).status_code == 302
    assert c_admin.post("/admin/kunci/kata-sandi", data={"pwd-label": "bssn-sandi", "pwd-agency": "BSSN",
                                                         "pwd-password": cms_password,
                                                         "pwd-confirm": cms_password}).status_code == 302
    with app.app_context():
        identity = db.session.scalar(db.select(OfficeIdentity))
        cert = keystore.decryption_identities()[0].certificate
        private_der = vault.load_id(identity.key_blob_id)
    pdf = ch.PDF.replace(b"binary", MARKERS["attachment"].encode())
    _receive(c_s, pasted=f"-----BEGIN CMS-----\n{MARKERS['cryptogram']}\n-----END CMS-----")
    _receive(c_s, upload=ch.sealed(cert, pdf))
    with app.app_context():
        ids = db.session.scalars(db.select(Document.id).order_by(Document.id)).all()
    for doc_id in ids:
        for action, client, data in (("register", c_s, {}), ("report", c_s, {"note": MARKERS["report_note"]}),
                                     ("assign", c_k, {"assignee_id": str(sandiman.id),
                                                      "note": MARKERS["disposition"]})):
            _step(client, make.get(doc_id), action, **data)
    letter = {"addressee": MARKERS["addressee"], "subject": MARKERS["subject"], "cover_notes": MARKERS["cover"],
              "copy_index": "1", "copy_total": "1"}
    _step(c_s, make.get(ids[0]), "decrypt", method="manual", plaintext=MARKERS["plaintext"], **letter)
    _step(c_s, make.get(ids[1]), "decrypt", method="office", **letter)
    _step(c_s, make.get(ids[0]), "initial", confirm="y")
    _step(c_k, make.get(ids[0]), "return", reason=MARKERS["return_reason"])
    with app.app_context():
        assert db.session.get(Document, ids[1]).attachments[0].size == len(pdf)
    return {**MARKERS, "fernet": fernet_key, "kek": kek_hex, "cms_password": cms_password}, private_der


def _raw_sqlite(app) -> bytes:
    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def _raw_postgres(app) -> str:
    with app.app_context():
        parts = [db.session.execute(text(f'SELECT coalesce(string_agg(t::text, chr(10)), \'\') FROM "{name}" t'))
                 .scalar_one() for name in db.metadata.tables]
    return "\n".join(parts)


def test_no_secret_written_through_the_web_is_readable_in_the_database(app, make):
    secrets, private_der = _write_secrets_through_the_web(app, make)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raw = _raw_postgres(app)
        assert POSITIVE in raw
        for name, value in secrets.items():
            assert value not in raw and value.encode().hex() not in raw, name
        assert private_der[40:104].hex() not in raw
    else:
        raw = _raw_sqlite(app)
        assert POSITIVE.encode() in raw
        for name, value in secrets.items():
            assert value.encode() not in raw, name
        assert private_der[40:104] not in raw


# ------------------------------------------------------------------ master key rotation

@pytest.fixture
def file_app(tmp_path, monkeypatch):
    monkeypatch.delenv("NASKAH_MASTER_KEY", raising=False)
    app = create_app(make_config(tmp_path, MASTER_KEY=None))
    reset_database(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _all_blobs(app):
    with app.app_context():
        return {b.id: vault.load(b) for b in db.session.scalars(db.select(SecretBlob))}


def test_rotate_master_with_a_key_file(file_app, tmp_path):
    app = file_app
    key_file = Path(app.instance_path) / "master.key"
    old_text = key_file.read_text().strip()
    cert = ch.office_identity(app)
    cryptogram = ch.sealed(cert)
    with app.app_context():
        for i in range(3):
            vault.store(f"rahasia-{i}".encode() * 50, "plaintext")
        db.session.commit()
    before = _all_blobs(app)
    result = app.test_cli_runner().invoke(args=["keys", "rotate-master", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"{len(before)} kunci data dibungkus ulang" in result.stdout
    new_text = key_file.read_text().strip()
    assert new_text != old_text
    (backup,) = Path(app.instance_path).glob("master.key.old-*")
    assert backup.read_text().strip() == old_text
    for p in (key_file, backup):
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert not (Path(app.instance_path) / "master.key.new").exists()
    # a freshly started app reads the new key file and opens everything
    fresh = create_app(make_config(tmp_path, MASTER_KEY=None))
    assert _all_blobs(fresh) == before
    with fresh.app_context():
        assert decrypt(cryptogram, keystore.decryption_identities()).plaintext.decode() == ch.TEXT
        old = vault.decode_master_key(old_text)
        for blob in db.session.scalars(db.select(SecretBlob)):
            assert blob.key_version == 2
            with pytest.raises(vault.VaultError):
                vault.unwrap(blob.wrapped_key, old)
        rotations = db.session.execute(text("SELECT action FROM audit_events WHERE action = 'key.rotate_master'"))
        assert rotations.scalars().all() == ["key.rotate_master"]
    # the running app switched too
    assert _all_blobs(app) == before
    with fresh.app_context():
        db.engine.dispose()


def test_rotate_master_from_the_environment_prints_instructions(app, runner):
    with app.app_context():
        vault.store(b"isi rahasia", "plaintext")
        db.session.commit()
    before = _all_blobs(app)
    old = app.extensions["naskah_master_key"]
    result = runner.invoke(args=["keys", "rotate-master", "--yes"])
    assert result.exit_code == 0, result.output
    line = [ln for ln in result.stdout.splitlines() if ln.startswith("NASKAH_MASTER_KEY=")][0]
    new_key = line.split("=", 1)[1]
    assert "perbarui" in result.stderr
    assert not (Path(app.instance_path) / "master.key").exists()
    assert app.extensions["naskah_master_key"] == vault.decode_master_key(new_key) != old
    with app.app_context():
        for blob in db.session.scalars(db.select(SecretBlob)):
            assert vault.load(blob) == before[blob.id]
            with pytest.raises(vault.VaultError):
                vault.unwrap(blob.wrapped_key, old)


def test_rotate_master_is_all_or_nothing(file_app, tmp_path, monkeypatch):
    app = file_app
    key_file = Path(app.instance_path) / "master.key"
    old_text = key_file.read_text()
    with app.app_context():
        vault.store(b"isi rahasia", "plaintext")
        db.session.commit()
    before = _all_blobs(app)

    def boom():
        raise RuntimeError("disk penuh")
    monkeypatch.setattr(db.session, "commit", boom)
    result = app.test_cli_runner().invoke(args=["keys", "rotate-master", "--yes"])
    monkeypatch.undo()
    assert result.exit_code != 0
    assert key_file.read_text() == old_text
    assert sorted(p.name for p in Path(app.instance_path).glob("master.key*")) == ["master.key"]
    fresh = create_app(make_config(tmp_path, MASTER_KEY=None))
    assert _all_blobs(fresh) == before
    with fresh.app_context():
        assert {b.key_version for b in db.session.scalars(db.select(SecretBlob))} == {1}
        db.engine.dispose()


def test_rotate_master_asks_for_confirmation(app, runner):
    old = app.extensions["naskah_master_key"]
    result = runner.invoke(args=["keys", "rotate-master"], input="n\n")
    assert result.exit_code == 1 and app.extensions["naskah_master_key"] == old


def test_rotate_master_seals_the_sealed_columns_again(app, runner, make):
    """SealedText values are under a key derived from the master key: a rotation seals them
    again in the same transaction, and the old master key no longer opens them."""
    from cryptography.exceptions import InvalidTag

    from naskah.models.types import open_value
    doc_id = make.document(step=5)
    with app.app_context():
        db.session.get(Document, doc_id).disposition_note = "Segera, rahasia."
        db.session.commit()
        before = db.session.execute(text("SELECT disposition_note FROM documents WHERE id = :i"), {"i": doc_id}).scalar()
    old = app.extensions["naskah_master_key"]
    result = runner.invoke(args=["keys", "rotate-master", "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = db.session.execute(text("SELECT disposition_note FROM documents WHERE id = :i"), {"i": doc_id}).scalar()
        assert after != before and after.startswith("s1:")
        assert db.session.get(Document, doc_id).disposition_note == "Segera, rahasia."
        with pytest.raises(InvalidTag):
            open_value(after, "documents.disposition_note", old)
        assert open_value(before, "documents.disposition_note", old) == "Segera, rahasia."
