"""The correspondent directory's rules: resolving names, merging with history, and its use by
decryption (which keys to expect), the monthly report (grouping) and letters (address)."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from sqlalchemy import create_engine, text

from naskah.core.errors import DomainError
from naskah.core.timeutil import to_wib, utcnow
from naskah.correspondents import directory
from naskah.decryption import decrypt as decryption
from naskah.decryption import identities as keystore
from naskah.extensions import db
from naskah.models import AuditEvent, Document
from naskah.models.correspondent import Correspondent
from naskah.models.keys import SharedKey
from naskah.sla import metrics
from tests import crypto_helpers as ch

BSSN = "Badan Siber dan Sandi Negara"


def events(action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_resolve_by_name_short_name_case_and_spacing(ctx):
    entry = directory.create({"name": BSSN, "short_name": "BSSN", "emails": "Sandi@BSSN.go.id"})
    db.session.commit()
    for spelling in (BSSN, "  badan siber   dan sandi NEGARA ", "bssn"):
        assert directory.resolve(spelling).id == entry.id
    assert directory.by_email("sandi@bssn.go.id").id == entry.id
    assert directory.resolve("Kesbangpol") is None
    assert len(events("correspondent.create")) == 1


def test_all_problems_reported_at_once(ctx):
    directory.create({"name": BSSN, "short_name": "BSSN", "emails": "a@bssn.go.id"})
    db.session.commit()
    problems = directory.problems({"name": "badan siber dan sandi negara", "short_name": "bssn",
                                   "emails": "a@bssn.go.id"})
    assert set(problems) == {"name", "short_name", "emails"}
    assert "bukan-alamat" in directory.problems({"name": "X", "emails": "bukan-alamat"})["emails"]
    with pytest.raises(DomainError) as e:
        directory.create({"name": "", "emails": "x@y"})
    assert set(e.value.problems) == {"name", "emails"}
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Correspondent)) == 1


def test_receive_links_document_to_directory(app, make):
    with app.app_context():
        entry = directory.create({"name": BSSN, "short_name": "BSSN"})
        db.session.commit()
        entry_id = entry.id
    doc_id = make.document(sender_agency="bssn")
    doc = make.get(doc_id)
    assert doc.correspondent_id == entry_id and doc.sender_agency == "bssn"


def test_merge_keeps_history_and_moves_everything(app, make):
    with app.app_context():
        keep = directory.create({"name": "Badan Kesatuan Bangsa dan Politik Provinsi Jawa Tengah",
                                 "short_name": "Kesbangpol Jateng"})
        dup = directory.create({"name": "Badan Kesatuan Bangsa dan Politik", "address": "Jl. Pahlawan 1",
                                "emails": "kesbang@jatengprov.go.id"})
        db.session.commit()
        keep_id, dup_id = keep.id, dup.id
        shared = keystore.import_fernet("kesbang-1", "Badan Kesatuan Bangsa dan Politik", Fernet.generate_key())
        cert = keystore.add_correspondent("Badan Kesatuan Bangsa dan Politik",
                                          ch.correspondent()[1].public_bytes(serialization.Encoding.PEM))
        db.session.commit()
        assert shared.correspondent_id == dup_id and cert.correspondent_id == dup_id
    doc_id = make.document(sender_agency="Badan Kesatuan Bangsa dan Politik")
    with app.app_context():
        before = len(events("correspondent.merge"))
        directory.merge(db.session.get(Correspondent, dup_id), db.session.get(Correspondent, keep_id))
        db.session.commit()
        doc = db.session.get(Document, doc_id)
        assert doc.correspondent_id == keep_id
        assert doc.sender_agency == "Badan Kesatuan Bangsa dan Politik"   # history as written
        keep = db.session.get(Correspondent, keep_id)
        assert [e.address for e in keep.emails] == ["kesbang@jatengprov.go.id"]
        assert keep.address == "Jl. Pahlawan 1"
        assert db.session.get(SharedKey, shared.id).correspondent_id == keep_id
        assert [c.id for c in directory.certificates(keep)] == [cert.id]
        assert db.session.get(Correspondent, dup_id).merged_into_id == keep_id
        assert directory.resolve("Badan Kesatuan Bangsa dan Politik").id == keep_id   # old name is an alias
        assert [c.id for c in directory.listing()] == [keep_id]
        merged = events("correspondent.merge")
        assert len(merged) == before + 1 and str(keep_id) == merged[-1].object_id
        with pytest.raises(DomainError):
            directory.merge(db.session.get(Correspondent, dup_id), keep)


def test_monthly_report_groups_by_directory_entry(app, make):
    with app.app_context():
        a = directory.create({"name": "Badan Kesatuan Bangsa dan Politik Provinsi Jawa Tengah"})
        b = directory.create({"name": "Badan Kesatuan Bangsa dan Politik"})
        db.session.commit()
        a_id, b_id = a.id, b.id
    make.document(sender_agency="Badan Kesatuan Bangsa dan Politik Provinsi Jawa Tengah")
    make.document(sender_agency="Badan Kesatuan Bangsa dan Politik")
    make.document(sender_agency="Dinas Lain")
    today = to_wib(utcnow()).date()
    with app.app_context():
        start, end = today.replace(day=1) - timedelta(days=1), today + timedelta(days=2)
        assert len(metrics.period_report(start, end).by_sender) == 3
        directory.merge(db.session.get(Correspondent, b_id), db.session.get(Correspondent, a_id))
        db.session.commit()
        senders = {e["sender"]: e["total"] for e in metrics.period_report(start, end).by_sender}
        assert senders == {"Badan Kesatuan Bangsa dan Politik Provinsi Jawa Tengah": 2, "Dinas Lain": 1}


def test_decryption_expects_the_entry_keys(app, make):
    """A Fernet cryptogram typed with the short name decrypts with the agency's key and the
    step-5 panel lists which keys to expect."""
    key = Fernet.generate_key()
    with app.app_context():
        directory.create({"name": BSSN, "short_name": "BSSN"})
        keystore.import_fernet("bssn-2026", BSSN, key)
        db.session.commit()
    doc_id = make.document(sender_agency="BSSN", cryptogram=Fernet(key).encrypt(b"isi rahasia"))
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        expected = directory.expected_keys(doc)
        assert [k.label for k in expected["keys"]] == ["bssn-2026"]
        result = decryption.decrypt_bytes(Fernet(key).encrypt(b"isi"), "BSSN", doc.received_at)
        assert result.plaintext == b"isi" and result.key_name == "bssn-2026"


def test_signature_verified_for_short_name(app):
    """A signed cryptogram from an agency written by its short name still verifies against the
    certificate registered under the full name."""
    office = ch.office_identity(app)
    signer_key, signer_cert = ch.correspondent()
    with app.app_context():
        directory.create({"name": BSSN, "short_name": "BSSN"})
        keystore.add_correspondent(BSSN, signer_cert.public_bytes(serialization.Encoding.PEM))
        db.session.commit()
        sealed = ch.sealed(office, sign_key=signer_key, sign_cert=signer_cert)
        result = decryption.decrypt_bytes(sealed, "bssn", utcnow())
        assert result.signature == "verified"


def test_envelope_and_resend_letter_print_the_directory_address(app, make):
    from naskah.paper import letters
    from naskah.workflow import resend
    with app.app_context():
        directory.create({"name": BSSN, "short_name": "BSSN", "address": "Jl. Harsono RM No. 70, Jakarta"})
        db.session.commit()
    sandiman = make.user("sandiman")
    doc_id = make.document(step=4, sandiman=sandiman, sender_agency="BSSN", classification="T")
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        ctx = letters.envelope_context(doc, "tunggal", {"addressee": "bssn"})
        assert ctx["addressee"] == {"name": BSSN, "address": "Jl. Harsono RM No. 70, Jakarta"}
        # not in the directory: the name as typed, with the address typed at step 5 (none here)
        assert letters.envelope_context(doc, "tunggal", {"addressee": "Wali Kota"})["addressee"] == {
            "title": "Wali Kota", "name": None, "address": ""}
        assert directory.addressee(doc) == {"name": BSSN, "address": "Jl. Harsono RM No. 70, Jakarta"}
        from naskah.models import User
        from naskah.workflow import engine as workflow
        workflow.apply(doc, "request_resend", db.session.get(User, sandiman.id), {"reason": "Terpotong"})
        db.session.commit()
        letter = resend.letter_context(doc, resend.open_request(doc), None)
        assert letter["addressee"] == {"name": BSSN, "address": "Jl. Harsono RM No. 70, Jakarta"}


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _flask(instance, *args, url):
    env = dict(os.environ, NASKAH_INSTANCE=str(instance), FLASK_APP="app", NASKAH_DATABASE_URL=url)
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_migration_turns_agency_strings_into_entries(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    assert _flask(tmp_path, "db", "upgrade", "5e1c8a0b7d42", url=url).returncode == 0
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, username, full_name, role, password_hash, active, "
                          "must_change_password, failed_logins, session_epoch, created_at) VALUES "
                          "(1, 'lama', 'Lama', 'sandiman', 'x', 1, 0, 0, 0, '2026-01-02 03:04:05')"))
        conn.execute(text("INSERT INTO secret_blobs (id, purpose, wrapped_key, key_version, nonce, ciphertext, "
                          "sha256, size, created_at) VALUES (1, 'fernet_key', x'00', 1, x'00', x'00', 'h', 1, "
                          "'2026-01-02 03:04:05')"))
        conn.execute(text("INSERT INTO shared_keys (id, label, agency, key_blob_id, check_value, created_at) "
                          "VALUES (1, 'k1', 'BSSN', 1, 'abc', '2026-01-02 03:04:05')"))
        for i, name in enumerate(["bssn ", "Dinas Kominfo", "BSSN"], start=1):
            conn.execute(text("INSERT INTO documents (id, step, version, sender_agency, sender_ref_number, channel, "
                              "classification, urgency, received_at, content_version, revision_count, created_by_id, "
                              "created_at, updated_at) VALUES (:i, 1, 1, :n, 'R/1', 'kurir', 'R', 'segera', "
                              "'2026-01-02 03:04:05', 0, 0, 1, '2026-01-02 03:04:05', '2026-01-02 03:04:05')"),
                         {"i": i, "n": name})
    result = _flask(tmp_path, "db", "upgrade", url=url)
    assert result.returncode == 0, result.stderr
    with engine.connect() as conn:
        entries = dict(conn.execute(text("SELECT name_key, id FROM correspondents")).all())
        assert set(entries) == {"bssn", "dinas kominfo"}
        docs = dict(conn.execute(text("SELECT id, correspondent_id FROM documents")).all())
        assert docs == {1: entries["bssn"], 2: entries["dinas kominfo"], 3: entries["bssn"]}
        assert conn.execute(text("SELECT correspondent_id FROM shared_keys")).scalar_one() == entries["bssn"]
        assert conn.execute(text("SELECT sender_agency FROM documents WHERE id = 1")).scalar_one() == "bssn "
    engine.dispose()


def test_keys_of_every_kind_join_the_directory_and_follow_renames(ctx):
    """A key or certificate named by short name links to the entry and shows its full name; an
    unknown agency becomes a new entry; renaming the entry renames them."""
    directory.create({"name": BSSN, "short_name": "BSSN"})
    db.session.commit()
    shared = keystore.import_fernet("bssn-k", "bssn", Fernet.generate_key())
    cert = keystore.add_correspondent("Dinas Baru", ch.correspondent()[1].public_bytes(serialization.Encoding.PEM))
    db.session.commit()
    entry = directory.resolve("BSSN")
    assert (shared.correspondent_id, shared.agency) == (entry.id, BSSN)
    new = directory.resolve("Dinas Baru")
    assert new is not None and cert.correspondent_id == new.id
    directory.update_entry(entry, {"name": "Badan Siber dan Sandi Negara RI", "short_name": "BSSN"})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(SharedKey, shared.id).agency == "Badan Siber dan Sandi Negara RI"


def test_kek_and_password_secrets_join_the_directory_too(ctx):
    directory.create({"name": BSSN, "short_name": "BSSN"})
    db.session.commit()
    kek = keystore.import_kek("bssn-kek", "BSSN", "0a0b0c0d", "00" * 32)
    password = keystore.import_password("bssn-pw", "bssn", "Sandi-Bersama-2026")
    db.session.commit()
    entry = directory.resolve("BSSN")
    assert {kek.correspondent_id, password.correspondent_id} == {entry.id}
    assert [k.label for k in directory.shared_keys(entry)] == ["bssn-kek", "bssn-pw"]
