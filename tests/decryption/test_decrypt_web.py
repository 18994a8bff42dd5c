"""Step 5 in the app: decrypt the stored cryptogram with the office keys through the web."""
import pytest
from cryptography.fernet import Fernet

from naskah.crypto.cms import decrypt
from naskah.decryption import identities as keystore
from naskah.extensions import db
from naskah.models import AuditEvent, Document, SecretBlob
from naskah.models.decryption import DecryptionRecord, DocumentAttachment
from tests import crypto_helpers as ch
from tests.factories import login

AGENCY = "Badan Siber dan Sandi Negara"


def events(app, doc_id, action=None):
    with app.app_context():
        q = db.select(AuditEvent).where(AuditEvent.document_id == doc_id,
                                        AuditEvent.action != "access.denied")  # refusals are audited as access.denied (tests/web/test_denials.py), not counted here
        if action:
            q = q.where(AuditEvent.action == action)
        return db.session.scalars(q.order_by(AuditEvent.seq)).all()


def blob_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(SecretBlob.id)))


def post_decrypt(client, make, doc_id, method="office", htmx=False, **extra):
    data = {"version": make.get(doc_id).version, "method": method, "addressee": "Wali Kota Pekalongan",
            "subject": "Rapat koordinasi", "copy_index": 1, "copy_total": 1, "plaintext": ""}
    data.update(extra)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/dokumen/{doc_id}/aksi/decrypt", data=data, headers=headers)


def content(app, doc_id, user):
    from naskah.models import User
    from naskah.workflow import documents
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        return documents.read_content(doc, db.session.get(User, user.id))


@pytest.fixture
def people(make):
    return make.user("sandiman"), make.user("kasi")


@pytest.fixture
def cert(app):
    return ch.office_identity(app)


@pytest.mark.parametrize("kw", [
    {}, {"output": "pem"}, {"output": "smime"}, {"content_alg": "aes256_gcm", "key_transport": "oaep"},
    {"content_alg": "aes192_cbc"},
], ids=["der", "pem", "smime", "gcm-oaep", "aes192"])
def test_office_decrypt_fills_the_copy_letter(app, client, make, people, cert, kw):
    sandiman, kasi = people
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert, **kw))
    before = len(events(app, doc_id))
    login(client, sandiman)
    response = post_decrypt(client, make, doc_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert make.get(doc_id).step == 5
    assert content(app, doc_id, kasi)["plaintext"] == ch.TEXT
    evs = events(app, doc_id)
    assert len(evs) == before + 1  # exactly one event: the transition
    assert evs[before].action == "step.decrypt"
    with app.app_context():
        rec = db.session.scalar(db.select(DecryptionRecord).where(DecryptionRecord.document_id == doc_id))
        assert (rec.method, rec.key_name, rec.signature) == ("office", "kantor-uji", "none")
        assert rec.format == kw.get("output", "der")


def test_fernet_key_of_the_sender_agency_is_chosen(app, client, make, people):
    sandiman, kasi = people
    key = Fernet.generate_key()
    with app.app_context():
        keystore.import_fernet("bssn-lain", "Instansi Lain", Fernet.generate_key().decode())
        keystore.import_fernet("bssn-2026", AGENCY, key.decode())
        db.session.commit()
    token = Fernet(key).encrypt(ch.TEXT.encode())
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=token, sender_agency=AGENCY)
    login(client, sandiman)
    assert post_decrypt(client, make, doc_id).status_code == 302
    assert make.get(doc_id).step == 5
    with app.app_context():
        rec = db.session.scalar(db.select(DecryptionRecord).where(DecryptionRecord.document_id == doc_id))
        assert (rec.format, rec.key_name) == ("fernet", "bssn-2026")


def test_binary_plaintext_becomes_a_need_to_know_attachment(app, client, make, people, cert):
    sandiman, kasi = people
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert, ch.PDF))
    login(client, sandiman)
    assert post_decrypt(client, make, doc_id).status_code == 302
    letter = content(app, doc_id, kasi)
    assert "application/pdf" in letter["plaintext"] and letter["attachments"].endswith(".pdf")
    with app.app_context():
        att = db.session.scalar(db.select(DocumentAttachment).where(DocumentAttachment.document_id == doc_id))
        att_id = att.id
    url = f"/dokumen/{doc_id}/lampiran/{att_id}"

    # without the need to know: another sandiman, the official, the front desk
    for role in ("sandiman", "pejabat", "petugas"):
        other = make.user(role)
        c = app.test_client()
        login(c, other)
        before = len(events(app, doc_id, "attachment.download"))
        assert c.get(url).status_code == 403
        assert len(events(app, doc_id, "attachment.download")) == before

    for user in (sandiman, kasi):
        c = app.test_client()
        login(c, user)
        before = len(events(app, doc_id, "attachment.download"))
        r = c.get(url)
        assert r.status_code == 200 and r.data == ch.PDF
        assert r.headers["Content-Disposition"].startswith("attachment;")
        assert len(events(app, doc_id, "attachment.download")) == before + 1
    page = client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    assert url in page


def test_signature_status_is_stored_and_shown(app, client, make, people, cert):
    sandiman, kasi = people
    skey, scert = ch.correspondent()
    signed = ch.sealed(cert, sign_key=skey, sign_cert=scert)
    with app.app_context():
        from cryptography.hazmat.primitives import serialization
        keystore.add_correspondent(AGENCY, scert.public_bytes(serialization.Encoding.PEM))
        db.session.commit()
    cases = {"verified": (signed, AGENCY), "not_verified": (signed, "Kodim 0710"),
             "invalid": (ch.tampered_signed(cert, skey, scert), AGENCY)}
    login(client, sandiman)
    for status, (cryptogram, agency) in cases.items():
        doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=cryptogram, sender_agency=agency)
        assert post_decrypt(client, make, doc_id).status_code == 302
        with app.app_context():
            rec = db.session.scalar(db.select(DecryptionRecord).where(DecryptionRecord.document_id == doc_id))
            assert rec.signature == status
            assert rec.signer == "Persandian BSSN"
        label = {"verified": "terverifikasi", "not_verified": "tidak dapat diverifikasi",
                 "invalid": "tidak sah"}[status]
        assert f"Tanda tangan {label}" in client.get(f"/dokumen/{doc_id}/kartu").get_data(as_text=True)
        assert label.capitalize() in client.get(f"/dokumen/{doc_id}").get_data(as_text=True)


def _failure_cases(app, cert):
    other_key, other_cert = ch.outsider()
    good = ch.sealed(cert)
    with app.app_context():
        keystore.import_fernet("kunci-salah", AGENCY, Fernet.generate_key().decode())
        db.session.commit()
    return {
        "no_key": (ch.sealed(other_cert), "Tidak ada kunci kantor yang cocok"),
        "failed": (Fernet(Fernet.generate_key()).encrypt(b"isi"), "Dekripsi gagal: kunci tidak cocok"),
        "format": (good[: len(good) // 2], "Kriptogram tidak dapat dibaca"),
        "corrupt": (b"bukan kriptogram sama sekali", "Kriptogram tidak dapat dibaca"),
        "unsupported": (ch.with_unsupported_cipher(good), "Algoritma tidak didukung: camellia128_cbc"),
    }


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_every_failure_is_one_message_unchanged_step_and_an_audit_event(app, client, make, people, cert, htmx):
    sandiman, kasi = people
    login(client, sandiman)
    for code, (cryptogram, message) in _failure_cases(app, cert).items():
        doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=cryptogram, sender_agency=AGENCY)
        before, blobs, version = len(events(app, doc_id)), blob_count(app), make.get(doc_id).version
        response = post_decrypt(client, make, doc_id, htmx=htmx)
        body = response.get_data(as_text=True)
        assert response.status_code == (200 if htmx else 400), code
        assert body.count(message) == 1, code
        doc = make.get(doc_id)
        assert (doc.step, doc.version, doc.plaintext_blob_id) == (4, version, None), code
        evs = events(app, doc_id)
        assert [e.action for e in evs[before:]] == ["decrypt.failed"], code
        expected = "format" if code == "corrupt" else code
        assert f'"code": "{expected}"' in evs[-1].details
        assert blob_count(app) == blobs  # nothing half-saved in the vault
        with app.app_context():
            assert db.session.scalar(db.select(DecryptionRecord).where(
                DecryptionRecord.document_id == doc_id)) is None


def test_manual_typing_still_works_and_is_required(app, client, make, people, cert):
    sandiman, kasi = people
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert))
    login(client, sandiman)
    response = post_decrypt(client, make, doc_id, method="manual", plaintext="")
    assert response.status_code == 400 and "Wajib diisi." in response.get_data(as_text=True)
    assert make.get(doc_id).step == 4
    data = {"version": make.get(doc_id).version, "addressee": "Wali Kota", "subject": "Uji",
            "copy_index": 1, "copy_total": 1, "plaintext": "Diketik dari mesin sandi."}
    assert client.post(f"/dokumen/{doc_id}/aksi/decrypt", data=data).status_code == 302  # no method: manual
    assert content(app, doc_id, kasi)["plaintext"] == "Diketik dari mesin sandi."
    with app.app_context():
        rec = db.session.scalar(db.select(DecryptionRecord).where(DecryptionRecord.document_id == doc_id))
        assert rec.method == "manual" and rec.key_name is None


@pytest.mark.parametrize("role", ["other-sandiman", "kasi", "pejabat", "petugas"])
def test_only_the_assigned_sandiman_may_decrypt(app, client, make, people, cert, role):
    sandiman, kasi = people
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert))
    user = {"kasi": kasi}.get(role) or make.user(role.replace("other-", ""))
    login(client, user)
    before = len(events(app, doc_id))
    assert post_decrypt(client, make, doc_id).status_code == 403
    assert make.get(doc_id).step == 4
    assert len(events(app, doc_id)) == before


def test_retired_identity_still_decrypts_old_cryptograms(app, client, make, people, cert):
    sandiman, kasi = people
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert))
    with app.app_context():
        kind, row = keystore.find_by_name("kantor-uji")
        keystore.retire(kind, row)
        db.session.commit()
        assert decrypt(ch.sealed(cert), keystore.decryption_identities()).key_name == "kantor-uji"
    login(client, sandiman)
    assert post_decrypt(client, make, doc_id).status_code == 302
    assert make.get(doc_id).step == 5


def test_decrypt_form_offers_office_keys_beside_manual_typing(app, client, make, people, cert):
    sandiman, kasi = people
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert))
    login(client, sandiman)
    page = client.get(f"/dokumen/{doc_id}/aksi/decrypt", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Dekripsi dengan kunci kantor" in page and "Ketik manual" in page
    assert 'name="method"' in page and "Minta kirim ulang" not in page
