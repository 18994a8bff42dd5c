"""Key custody pages under /admin/kunci: permissions, every action audited, no secret shown."""
import datetime as dt
import io
import os

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from naskah.core import vault
from naskah.crypto import keys as ck
from naskah.extensions import db
from naskah.models import AuditEvent, SecretBlob
from naskah.models.keys import CorrespondentCert, OfficeIdentity, SharedKey
from tests import crypto_helpers as ch
from tests.factories import login

MANAGERS = ["admin", "kasi"]
OTHERS = ["sandiman", "petugas", "pejabat"]


def key_events(app):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("key.%"))
                                  .order_by(AuditEvent.seq)).all()


def rows(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def as_role(app, make, role):
    client = app.test_client()
    login(client, make.user(role))
    return client


def p12_bytes(passphrase=b"Rahasia-p12"):
    key, cert = ch.outsider("Kantor Impor")
    return pkcs12.serialize_key_and_certificates(b"impor", key, cert, None,
                                                 serialization.BestAvailableEncryption(passphrase)), cert


ACTIONS = {
    "generate": ("/admin/kunci/identitas", lambda: {"gen-name": "kantor-2026", "gen-bits": "2048", "gen-mode": "self"},
                 OfficeIdentity, "key.generate"),
    "import_p12": ("/admin/kunci/pkcs12", lambda: {"p12-name": "impor-1", "p12-passphrase": "Rahasia-p12",
                                                   "p12-p12_file": (io.BytesIO(p12_bytes()[0]), "k.p12")},
                   OfficeIdentity, "key.import_p12"),
    "import_fernet": ("/admin/kunci/fernet", lambda: {"fernet-label": "bssn-2026", "fernet-agency": "BSSN",
                                                      "fernet-key": Fernet.generate_key().decode()},
                      SharedKey, "key.import_fernet"),
    "import_kek": ("/admin/kunci/kek", lambda: {"kek-label": "bssn-kek", "kek-agency": "BSSN", "kek-key_id": "0a0b",
                                                "kek-key": os.urandom(32).hex()},
                   SharedKey, "key.import_kek"),
    "import_password": ("/admin/kunci/kata-sandi", lambda: {"pwd-label": "bssn-sandi", "pwd-agency": "BSSN",
                                                            "pwd-password": "Sandi-CMS-2026",
                                                            "pwd-confirm": "Sandi-CMS-2026"},
                        SharedKey, "key.import_password"),
    "generate_ec": ("/admin/kunci/identitas", lambda: {"gen-name": "kantor-ec", "gen-curve": "P-256", "gen-bits": "3072",
                                                       "gen-mode": "self"},
                    OfficeIdentity, "key.generate"),
    "add_correspondent": ("/admin/kunci/koresponden", lambda: {
        "corr-agency": "BSSN",
        "corr-cert_text": ch.correspondent()[1].public_bytes(serialization.Encoding.PEM).decode()},
        CorrespondentCert, "key.add_correspondent"),
}


@pytest.mark.parametrize("role", MANAGERS + OTHERS)
def test_key_page_is_for_admin_and_kasi(app, make, role):
    response = as_role(app, make, role).get("/admin/kunci/")
    assert response.status_code == (200 if role in MANAGERS else 403)
    if role in MANAGERS:
        assert "Identitas dekripsi" in response.get_data(as_text=True)


def test_key_page_needs_login(client):
    assert client.get("/admin/kunci/").status_code == 302


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ["admin", "kasi", "sandiman", "pejabat"])
def test_each_key_action_permission_and_audit(app, make, action, role):
    url, data, model, event = ACTIONS[action]
    client = as_role(app, make, role)
    before_rows, before_events = rows(app, model), key_events(app)
    response = client.post(url, data=data(), content_type="multipart/form-data")
    if role in MANAGERS:
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
        assert rows(app, model) == before_rows + 1
        assert key_events(app) == before_events + [event]
    else:
        assert response.status_code == 403
        assert rows(app, model) == before_rows and key_events(app) == before_events


def test_no_page_shows_key_material(app, make):
    client = as_role(app, make, "admin")
    fernet_key = Fernet.generate_key().decode()
    client.post("/admin/kunci/identitas", data={"gen-name": "kantor", "gen-bits": "2048", "gen-mode": "self"})
    response = client.post("/admin/kunci/fernet", data={"fernet-label": "bssn-x", "fernet-agency": "BSSN",
                                                        "fernet-key": fernet_key}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "kantor" in page and "bssn-x" in page and "disimpan" in page
    assert fernet_key not in page and "PRIVATE KEY" not in page
    # a refused form does not echo the pasted key back either
    bad = client.post("/admin/kunci/fernet", data={"fernet-label": "bssn-x", "fernet-agency": "BSSN",
                                                   "fernet-key": fernet_key})
    assert bad.status_code == 400 and fernet_key not in bad.get_data(as_text=True)
    assert "sudah dipakai" in bad.get_data(as_text=True)
    with app.app_context():
        identity = db.session.scalar(db.select(OfficeIdentity))
        der = vault.load_id(identity.key_blob_id)
        assert ck.private_key_from_der(der).key_size == 2048
        blob = db.session.get(SecretBlob, identity.key_blob_id)
        assert der not in blob.ciphertext and blob.purpose == "identity_key"


@pytest.mark.parametrize("url,data,message", [
    ("/admin/kunci/fernet", {"fernet-label": "x1", "fernet-agency": "BSSN", "fernet-key": "bukan-kunci"},
     "Kunci Fernet tidak valid"),
    ("/admin/kunci/identitas", {"gen-name": "nama salah!", "gen-bits": "2048", "gen-mode": "self"}, "Nama kunci"),
    ("/admin/kunci/koresponden", {"corr-agency": "BSSN", "corr-cert_text": "-----BEGIN CERTIFICATE-----\nxx"},
     "Sertifikat tidak valid"),
    ("/admin/kunci/fernet", {"fernet-label": "x2", "fernet-agency": "BSSN", "fernet-key": Fernet.generate_key().decode(),
                             "fernet-valid_from": "2026-12-01", "fernet-valid_until": "2026-11-01"},
     "tidak boleh sebelum"),
])
def test_bad_input_is_a_clear_message_and_nothing_saved(app, make, url, data, message):
    client = as_role(app, make, "kasi")
    before = key_events(app)
    response = client.post(url, data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert key_events(app) == before


def test_kek_form_shows_every_problem_at_once(app, make):
    client = as_role(app, make, "kasi")
    response = client.post("/admin/kunci/kek", data={"kek-label": "", "kek-agency": "BSSN", "kek-key_id": "xyz",
                                                     "kek-key": "00" * 20})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Wajib diisi.", "ID kunci harus berupa digit heksadesimal", "16, 24 atau 32 bita"):
        assert message in page, message
    assert "00" * 20 not in page  # the pasted key is not echoed back
    assert rows(app, SharedKey) == 0 and key_events(app) == []


def test_password_form_checks_and_never_echoes(app, make):
    client = as_role(app, make, "admin")
    bad = client.post("/admin/kunci/kata-sandi", data={"pwd-label": "sandi-1", "pwd-agency": "BSSN",
                                                       "pwd-password": "Sandi-Satu-2026", "pwd-confirm": "Sandi-Dua"})
    assert bad.status_code == 400 and "Kedua kata sandi tidak sama." in bad.get_data(as_text=True)
    assert "Sandi-Satu-2026" not in bad.get_data(as_text=True)
    short = client.post("/admin/kunci/kata-sandi", data={"pwd-label": "sandi-1", "pwd-agency": "BSSN",
                                                         "pwd-password": "pendek", "pwd-confirm": "pendek"})
    assert short.status_code == 400 and "8 sampai 200 karakter" in short.get_data(as_text=True)
    assert rows(app, SharedKey) == 0 and key_events(app) == []
    ok = client.post("/admin/kunci/kata-sandi", data={"pwd-label": "sandi-1", "pwd-agency": "BSSN",
                                                      "pwd-password": "Sandi-Satu-2026",
                                                      "pwd-confirm": "Sandi-Satu-2026"}, follow_redirects=True)
    page = ok.get_data(as_text=True)
    assert "sandi-1" in page and "Kata sandi (CMS)" in page and "Sandi-Satu-2026" not in page
    with app.app_context():
        row = db.session.scalar(db.select(SharedKey))
        assert vault.load_id(row.key_blob_id) == b"Sandi-Satu-2026" and row.check_value is None


def test_kek_listed_with_id_and_check_value_then_retired(app, make):
    client = as_role(app, make, "admin")
    key = os.urandom(16).hex()
    ok = client.post("/admin/kunci/kek", data={"kek-label": "bssn-kek", "kek-agency": "BSSN", "kek-key_id": "C0:FF:EE",
                                               "kek-key": key}, follow_redirects=True)
    page = ok.get_data(as_text=True)
    assert "KEK (CMS)" in page and "c0ffee" in page and key not in page
    with app.app_context():
        row = db.session.scalar(db.select(SharedKey))
        row_id, check = row.id, row.check_value
        assert (row.kind, row.key_id) == ("kek", "c0ffee") and vault.load_id(row.key_blob_id).hex() == key
    assert check in page
    assert as_role(app, make, "sandiman").post(f"/admin/kunci/bersama/{row_id}/pensiun").status_code == 403
    assert key_events(app) == ["key.import_kek"]
    assert client.post(f"/admin/kunci/bersama/{row_id}/pensiun").status_code == 302
    assert key_events(app) == ["key.import_kek", "key.retire"]


def test_generate_ec_identity_on_the_page(app, make):
    client = as_role(app, make, "kasi")
    ok = client.post("/admin/kunci/identitas", data={"gen-name": "kantor-ec", "gen-curve": "P-384", "gen-bits": "3072",
                                                     "gen-mode": "self"}, follow_redirects=True)
    assert "EC P-384" in ok.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(db.select(OfficeIdentity))
        assert (row.key_type, row.key_bits) == ("P-384", 384)
        assert ck.private_key_from_der(vault.load_id(row.key_blob_id)).curve.name == "secp384r1"


def test_p12_wrong_passphrase(app, make):
    client = as_role(app, make, "admin")
    data = {"p12-name": "impor", "p12-passphrase": "salah", "p12-p12_file": (io.BytesIO(p12_bytes()[0]), "k.p12")}
    response = client.post("/admin/kunci/pkcs12", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "kata sandi salah" in response.get_data(as_text=True)
    assert rows(app, OfficeIdentity) == 0 and key_events(app) == []


def test_export_and_retire(app, make):
    client = as_role(app, make, "admin")
    client.post("/admin/kunci/identitas", data={"gen-name": "kantor", "gen-bits": "2048", "gen-mode": "self"})
    with app.app_context():
        identity_id = db.session.scalar(db.select(OfficeIdentity.id))
    response = client.get(f"/admin/kunci/identitas/{identity_id}/sertifikat.pem")
    assert response.status_code == 200 and b"PRIVATE" not in response.data
    cert = x509.load_pem_x509_certificate(response.data)
    assert key_events(app)[-1] == "key.export_cert"
    # no permission: no export and no event
    before = key_events(app)
    assert as_role(app, make, "sandiman").get(f"/admin/kunci/identitas/{identity_id}/sertifikat.pem").status_code == 403
    assert as_role(app, make, "sandiman").post(f"/admin/kunci/identitas/{identity_id}/pensiun").status_code == 403
    assert key_events(app) == before
    assert client.post(f"/admin/kunci/identitas/{identity_id}/pensiun").status_code == 302
    assert key_events(app)[-1] == "key.retire"
    with app.app_context():
        assert db.session.get(OfficeIdentity, identity_id).status == "retired"
    # retired: not offered for new cryptograms, still listed
    response = client.get(f"/admin/kunci/identitas/{identity_id}/sertifikat.pem")
    assert response.status_code == 400 and "aktif" in response.get_data(as_text=True)
    page = client.get("/admin/kunci/").get_data(as_text=True)
    assert "Dipensiunkan" in page and cert.fingerprint(hashes.SHA256()).hex()[:16] in page
    assert client.post(f"/admin/kunci/identitas/{identity_id}/pensiun").status_code == 400
    assert client.post("/admin/kunci/lainnya/1/pensiun").status_code == 400


def _ca():
    ca_key, ca_cert = ck.generate_identity("CA Uji", bits=2048)
    return ca_key, ca_cert


def test_csr_then_ca_certificate(app, make):
    client = as_role(app, make, "kasi")
    response = client.post("/admin/kunci/identitas", data={"gen-name": "kantor-ca", "gen-bits": "2048",
                                                           "gen-mode": "csr", "gen-org": "Diskominfo"})
    assert response.status_code == 302
    with app.app_context():
        identity = db.session.scalar(db.select(OfficeIdentity))
        identity_id, status = identity.id, identity.status
    assert status == "pending"
    csr = x509.load_pem_x509_csr(client.get(f"/admin/kunci/identitas/{identity_id}/csr.pem").data)
    assert key_events(app)[-2:] == ["key.generate", "key.export_csr"]
    ca_key, ca_cert = _ca()
    now = dt.datetime.now(dt.timezone.utc)
    issued = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca_cert.subject)
              .public_key(csr.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now).not_valid_after(now + dt.timedelta(days=365))
              .sign(ca_key, hashes.SHA256()))
    # a certificate for another key is refused
    wrong = client.post(f"/admin/kunci/identitas/{identity_id}/sertifikat",
                        data={"cert_text": ca_cert.public_bytes(serialization.Encoding.PEM).decode()})
    assert wrong.status_code == 400 and "tidak cocok" in wrong.get_data(as_text=True)
    ok = client.post(f"/admin/kunci/identitas/{identity_id}/sertifikat",
                     data={"cert_text": issued.public_bytes(serialization.Encoding.PEM).decode()})
    assert ok.status_code == 302 and key_events(app)[-1] == "key.import_cert"
    with app.app_context():
        identity = db.session.get(OfficeIdentity, identity_id)
        assert identity.status == "active" and "CA Uji" in identity.issuer
    # a cryptogram encrypted to the CA-issued certificate decrypts with the stored key
    from naskah.crypto.cms import decrypt
    from naskah.decryption import identities as keystore
    with app.app_context():
        result = decrypt(ch.sealed(issued), keystore.decryption_identities())
        assert result.plaintext.decode() == ch.TEXT and result.key_name == "kantor-ca"
