"""`flask pki init|issue|import|revoke|list|ca-cert|crl`: keys sealed, passphrase never stored."""
from cryptography import x509

from naskah.core import vault
from naskah.crypto import keys
from naskah.extensions import db
from naskah.models import AuditEvent, SecretBlob
from naskah.models.paper import SigningCertificate, TrustRoot
from naskah.paper import esign
from tests import paperkit as kit


def _invoke(runner, args, input=None):
    return runner.invoke(args=["pki", *args], input=input)


def test_init_issue_revoke(app, make, runner, tmp_path):
    kasi = make.user("kasi", full_name=kit.KASI_NAME, nip=kit.KASI_NIP)
    sandiman = make.user("sandiman")
    assert _invoke(runner, ["issue", kasi.username], "frasa sandi panjang\n").exit_code == 1  # no CA yet
    result = _invoke(runner, ["init"])
    assert result.exit_code == 0, result.output
    assert "CA kantor dibuat" in result.output
    assert "sudah ada" in _invoke(runner, ["init"]).output

    assert "minimal 8" in _invoke(runner, ["issue", kasi.username], "pendek\n").output
    assert "hanya untuk pengguna berperan Kasi" in _invoke(runner, ["issue", sandiman.username], "frasa sandi panjang\n").output
    result = _invoke(runner, ["issue", kasi.username], "frasa sandi panjang\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        row = db.session.scalar(db.select(SigningCertificate))
        assert row.fingerprint in result.output and row.status == "active"
        root = db.session.scalar(db.select(TrustRoot))
        ca_key_blob = db.session.get(SecretBlob, root.key_blob_id)
        assert ca_key_blob.purpose == "pki_ca_key" and b"PRIVATE" not in ca_key_blob.ciphertext
        key, cert, _ = keys.load_pkcs12(vault.load_id(row.p12_blob_id), b"frasa sandi panjang")
        assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == kit.KASI_NAME
        assert cert.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)[0].value == kit.KASI_NIP
        details = " ".join(e.details for e in db.session.scalars(db.select(AuditEvent)))
        assert "frasa sandi panjang" not in details
        assert "pki.issue" in {e.action for e in db.session.scalars(db.select(AuditEvent))}

    second = _invoke(runner, ["issue", kasi.username], "frasa sandi kedua\n")
    assert second.exit_code == 0
    with app.app_context():
        statuses = [r.status for r in db.session.scalars(db.select(SigningCertificate).order_by(SigningCertificate.id))]
        assert statuses == ["retired", "active"]
    listing = _invoke(runner, ["list"]).output
    assert "Diganti" in listing and "Aktif" in listing

    pem = tmp_path / "ca.pem"
    assert _invoke(runner, ["ca-cert", str(pem)]).exit_code == 0
    x509.load_pem_x509_certificate(pem.read_bytes())

    result = _invoke(runner, ["revoke", kasi.username])
    assert result.exit_code == 0 and result.output.count("Dicabut") == 2
    with app.app_context():
        assert len(esign.revoked_serials()) == 2
    crl_file = tmp_path / "kantor.crl"
    assert _invoke(runner, ["crl", str(crl_file)]).exit_code == 0
    crl = x509.load_der_x509_crl(crl_file.read_bytes())
    assert len(list(crl)) == 2


def test_import_from_external_ca(app, make, runner, tmp_path):
    kasi = make.user("kasi", full_name=kit.KASI_NAME, nip=kit.KASI_NIP)
    _, ca_cert, _, _, p12 = kit.office_material()  # stands in for an external CA (e.g. BSrE)
    path = tmp_path / "kasi.p12"
    path.write_bytes(p12)
    assert "kata sandi salah" in _invoke(runner, ["import", kasi.username, str(path)], "salah\n").output
    result = _invoke(runner, ["import", kasi.username, str(path)], kit.PASSPHRASE + "\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        roots = db.session.scalars(db.select(TrustRoot)).all()
        assert [r.kind for r in roots] == ["external"]
        row = db.session.scalar(db.select(SigningCertificate))
        assert row.source == "import" and row.status == "active"
    sandiman = make.user("sandiman", full_name=kit.SANDIMAN_NAME)
    doc_id = kit.signed_document(app, make, sandiman, kasi)
    with app.app_context():
        from naskah.models import Document
        result = esign.verify(vault.load_id(db.session.get(Document, doc_id).signed_pdf_blob_id))
    assert result.valid and result.trusted


def test_import_needs_the_issuing_ca(app, make, runner, tmp_path):
    kasi = make.user("kasi")
    ca_key, ca_cert, key, cert, _ = kit.office_material()
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    bare = pkcs12.serialize_key_and_certificates(b"k", key, cert, None, BestAvailableEncryption(b"frasa sandi"))
    path = tmp_path / "bare.p12"
    path.write_bytes(bare)
    result = _invoke(runner, ["import", kasi.username, str(path)], "frasa sandi\n")
    assert result.exit_code == 1 and "--ca" in result.output
    from cryptography.hazmat.primitives import serialization
    ca = tmp_path / "ca.pem"
    ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    result = _invoke(runner, ["import", kasi.username, str(path), "--ca", str(ca)], "frasa sandi\n")
    assert result.exit_code == 0, result.output
