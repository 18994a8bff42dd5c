"""`flask keys ...` and `flask kriptogram ...` through Click's test runner."""
import datetime as dt

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from naskah.extensions import db
from naskah.models import AuditEvent, Document
from naskah.models.keys import OfficeIdentity, SharedKey
from tests import crypto_helpers as ch


def actions(app, prefix):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like(prefix + "%"))
                                  .order_by(AuditEvent.seq)).all()


def test_generate_list_export_retire(app, runner):
    r = runner.invoke(args=["keys", "generate", "kantor-2026", "--bits", "2048"])
    assert r.exit_code == 0, r.output
    assert "kantor-2026" in r.stdout and "RSA 2048" in r.stdout
    r = runner.invoke(args=["keys", "export-cert", "kantor-2026"])
    assert r.exit_code == 0
    cert = x509.load_pem_x509_certificate(r.stdout.encode())
    assert b"PRIVATE" not in r.stdout.encode()
    r = runner.invoke(args=["keys", "list"])
    assert "kantor-2026" in r.stdout and "active" in r.stdout and "PRIVATE" not in r.stdout
    r = runner.invoke(args=["keys", "retire", "kantor-2026"])
    assert r.exit_code == 0
    r = runner.invoke(args=["keys", "export-cert", "kantor-2026"])
    assert r.exit_code == 1 and "aktif" in r.stderr
    assert "retired" in runner.invoke(args=["keys", "list"]).stdout
    assert actions(app, "key.") == ["key.generate", "key.export_cert", "key.retire"]
    with app.app_context():
        assert db.session.scalar(db.select(OfficeIdentity.fingerprint)) == cert.fingerprint(hashes.SHA256()).hex()


def test_errors_are_indonesian_on_stderr(app, runner):
    r = runner.invoke(args=["keys", "generate", "x"])
    assert r.exit_code == 1 and "Nama kunci" in r.stderr
    r = runner.invoke(args=["keys", "retire", "tidak-ada"])
    assert r.exit_code == 1 and "Tidak ada kunci bernama" in r.stderr
    assert actions(app, "key.") == []


def test_generate_csr_then_import_cert(app, runner, tmp_path):
    out = tmp_path / "kantor.csr"
    r = runner.invoke(args=["keys", "generate", "kantor-ca", "--bits", "2048", "--csr", "-o", str(out)])
    assert r.exit_code == 0, r.output
    csr = x509.load_pem_x509_csr(out.read_bytes())
    ca_key, ca_cert = ch.correspondent("CA Uji")
    now = dt.datetime.now(dt.timezone.utc)
    issued = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca_cert.subject)
              .public_key(csr.public_key()).serial_number(7).not_valid_before(now)
              .not_valid_after(now + dt.timedelta(days=30)).sign(ca_key, hashes.SHA256()))
    cert_file = tmp_path / "issued.pem"
    cert_file.write_bytes(issued.public_bytes(serialization.Encoding.PEM))
    r = runner.invoke(args=["keys", "import-cert", "kantor-ca", str(cert_file)])
    assert r.exit_code == 0 and "aktif" in r.stdout


def test_import_p12_passphrase_from_stdin(app, runner, tmp_path):
    key, cert = ch.outsider("Kantor P12")
    p12 = tmp_path / "kantor lama.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"k", key, cert, None, serialization.BestAvailableEncryption(b"sandi-p12")))
    r = runner.invoke(args=["keys", "import-p12", str(p12)], input="salah\n")
    assert r.exit_code == 1 and "kata sandi salah" in r.stderr
    r = runner.invoke(args=["keys", "import-p12", str(p12)], input="sandi-p12\n")
    assert r.exit_code == 0, r.output
    assert "sandi-p12" not in r.output
    with app.app_context():
        assert db.session.scalar(db.select(OfficeIdentity.name)) == "kantor-lama"
    assert actions(app, "key.") == ["key.import_p12"]


def test_import_fernet_from_stdin(app, runner):
    key = Fernet.generate_key().decode()
    r = runner.invoke(args=["keys", "import-fernet", "bssn-2026", "--agency", "BSSN",
                            "--valid-from", "2026-01-01", "--valid-until", "2026-12-31"], input=key + "\n")
    assert r.exit_code == 0, r.output
    assert key not in r.output
    r = runner.invoke(args=["keys", "import-fernet", "bssn-2027", "--agency", "BSSN"], input="bukan kunci\n")
    assert r.exit_code == 1 and "Kunci Fernet tidak valid" in r.stderr
    r = runner.invoke(args=["keys", "export-cert", "bssn-2026"])
    assert r.exit_code == 1 and "tidak pernah diekspor" in r.stderr
    with app.app_context():
        row = db.session.scalar(db.select(SharedKey))
        assert (row.label, str(row.valid_until)) == ("bssn-2026", "2026-12-31")


def test_kriptogram_import_registers_steps_one_and_two(app, runner, make, tmp_path):
    file = tmp_path / "masuk.p7m"
    file.write_bytes(b"-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n")
    args = ["kriptogram", "import", str(file), "--sender", "BSSN", "--classification", "R", "--urgency", "segera"]
    r = runner.invoke(args=args)
    assert r.exit_code == 1 and "--as" in r.stderr  # no sandiman yet
    s1 = make.user("sandiman", username="budi")
    r = runner.invoke(args=args)
    assert r.exit_code == 0, r.output
    label = r.stdout.strip()
    with app.app_context():
        doc = db.session.scalar(db.select(Document))
        assert (doc.step, doc.agenda_label, doc.created_by_id) == (2, label, s1.id)
        assert (doc.classification, doc.urgency, doc.cryptogram_filename) == ("R", "segera", "masuk.p7m")
        assert [e.action for e in db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.document_id == doc.id))] == ["document.receive", "step.register"]
    make.user("sandiman", username="siti")
    r = runner.invoke(args=args)
    assert r.exit_code == 1 and "ada 2 Sandiman aktif" in r.stderr
    r = runner.invoke(args=args + ["--as", "siti"])
    assert r.exit_code == 0 and r.stdout.strip() != label
    r = runner.invoke(args=args + ["--as", "tidak-ada"])
    assert r.exit_code == 1


def test_kriptogram_decrypt_and_seal(app, runner, tmp_path):
    cert = ch.office_identity(app)
    cert_file = tmp_path / "kantor.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    skey, scert = ch.correspondent()
    sign_key, sign_cert = tmp_path / "ttd.key", tmp_path / "ttd.pem"
    sign_key.write_bytes(skey.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    sign_cert.write_bytes(scert.public_bytes(serialization.Encoding.PEM))
    plain = tmp_path / "pesan.txt"
    plain.write_text(ch.TEXT)
    out = tmp_path / "pesan.p7m"
    r = runner.invoke(args=["kriptogram", "seal", "--to", str(cert_file), "--sign-key", str(sign_key),
                            "--sign-cert", str(sign_cert), "--alg", "aes256_gcm", "--oaep", "--format", "pem",
                            str(plain), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"-----BEGIN CMS-----")
    runner.invoke(args=["keys", "add-correspondent", "BSSN", str(sign_cert)])
    r = runner.invoke(args=["kriptogram", "decrypt", str(out), "--sender", "BSSN"])
    assert r.exit_code == 0, r.output
    assert r.stdout == ch.TEXT
    assert "terverifikasi" in r.stderr and "kantor-uji" in r.stderr
    # to stdout as raw DER, then a failure: a cryptogram for someone else
    r = runner.invoke(args=["kriptogram", "seal", "--to", str(cert_file), str(plain)])
    assert r.exit_code == 0 and r.stdout_bytes[:1] == b"\x30"
    other_cert = tmp_path / "lain.pem"
    other_cert.write_bytes(ch.outsider()[1].public_bytes(serialization.Encoding.PEM))
    runner.invoke(args=["kriptogram", "seal", "--to", str(other_cert), str(plain), "-o", str(out)])
    r = runner.invoke(args=["kriptogram", "decrypt", str(out)])
    assert r.exit_code == 1 and r.stdout == "" and "Tidak ada kunci kantor yang cocok" in r.stderr
    events = actions(app, "kriptogram.")
    assert events == ["kriptogram.decrypt", "kriptogram.decrypt"]
    with app.app_context():
        details = db.session.scalars(db.select(AuditEvent.details).where(
            AuditEvent.action == "kriptogram.decrypt").order_by(AuditEvent.seq)).all()
    assert '"ok": true' in details[0] and '"code": "no_key"' in details[1]


@pytest.mark.parametrize("args,message", [
    (["--sign-key", "X"], "--sign-key dan --sign-cert"),
])
def test_seal_argument_errors(app, runner, tmp_path, args, message):
    cert = tmp_path / "c.pem"
    cert.write_bytes(ch.outsider()[1].public_bytes(serialization.Encoding.PEM))
    plain = tmp_path / "p.txt"
    plain.write_text("x")
    args = [a if a != "X" else str(cert) for a in args]
    r = runner.invoke(args=["kriptogram", "seal", "--to", str(cert), *args, str(plain)])
    assert r.exit_code == 1 and message in r.stderr
