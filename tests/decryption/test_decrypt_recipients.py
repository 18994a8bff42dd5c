"""Every CMS recipient kind in the app: cryptograms made by the openssl command line (as a
correspondent would) for the office's EC identities, its pre-shared KEKs and its passwords,
decrypted to the exact bytes through the board's step 5 and through `flask kriptogram decrypt`;
the key commands that set them up; `flask kriptogram seal` for each kind, opened by openssl.

Needs the openssl CLI: fails (does not skip) without it.
"""
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from naskah.crypto import keys as ck
from naskah.crypto.cms import Identity, decrypt
from naskah.crypto.errors import FAILED, NO_KEY, DecryptionError
from naskah.decryption import identities as keystore
from naskah.extensions import db
from naskah.models import AuditEvent
from naskah.models.decryption import DecryptionRecord, DocumentAttachment
from naskah.models.keys import OfficeIdentity, SharedKey
from tests import crypto_helpers as ch
from tests.decryption.test_decrypt_web import content, events, post_decrypt
from tests.factories import login

OPENSSL = shutil.which("openssl")
AGENCY = "Badan Siber dan Sandi Negara"
PASSWORD = "Sandi-Bersama#2026"
KEKS = {"0128": bytes(range(16)), "0192": bytes(range(40, 64)), "0256": bytes(range(100, 132))}
CURVES = ["P-256", "P-384", "P-521"]

# case -> (openssl recipient options given the cert directory, expected key name or error code)
OK = {
    "ec-P-256": (lambda d: ["-recip", d / "kantor-P-256.pem"], "kantor-P-256"),
    "ec-P-384": (lambda d: ["-recip", d / "kantor-P-384.pem", "-keyopt", "ecdh_kdf_md:sha384"], "kantor-P-384"),
    "ec-P-521": (lambda d: ["-recip", d / "kantor-P-521.pem", "-keyopt", "ecdh_kdf_md:sha512"], "kantor-P-521"),
    "kek-128": (lambda d: ["-secretkey", KEKS["0128"].hex(), "-secretkeyid", "0128"], "kek-128"),
    "kek-192": (lambda d: ["-secretkey", KEKS["0192"].hex(), "-secretkeyid", "0192"], "kek-192"),
    "kek-256": (lambda d: ["-secretkey", KEKS["0256"].hex(), "-secretkeyid", "0256"], "kek-256"),
    "password": (lambda d: ["-pwri_password", PASSWORD], "sandi-bssn"),
}
FAIL = {
    "wrong-password": (lambda d: ["-pwri_password", "Sandi-Bersama#2025"], FAILED),
    "wrong-kek-id": (lambda d: ["-secretkey", KEKS["0256"].hex(), "-secretkeyid", "0999"], NO_KEY),
    "kek-wrong-length": (lambda d: ["-secretkey", KEKS["0256"].hex(), "-secretkeyid", "0128"], FAILED),
    "ec-other-key": (lambda d: ["-recip", d / "lain.pem"], NO_KEY),
}
MESSAGES = {FAILED: DecryptionError(FAILED).message, NO_KEY: DecryptionError(NO_KEY).message}


def ossl(*args, ok=True) -> bytes:
    assert OPENSSL, "the openssl command line is required for these tests"
    proc = subprocess.run([OPENSSL, *map(str, args)], capture_output=True, timeout=120)
    if ok:
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout


def openssl_encrypt(d: Path, plaintext: bytes, case: str, cipher="-aes256") -> bytes:
    opts, _ = {**OK, **FAIL}[case]
    src = d / f"plain-{case}.bin"
    src.write_bytes(plaintext)
    return ossl("cms", "-encrypt", "-binary", "-in", src, "-outform", "DER", cipher, *opts(d))


@pytest.fixture
def office(app, tmp_path):
    """The office's keys, set up through the keystore; certificates written where openssl finds them."""
    with app.app_context():
        for curve in CURVES:
            identity = keystore.generate(f"kantor-{curve}", curve=curve)
            (tmp_path / f"kantor-{curve}.pem").write_text(identity.cert_pem)
        for kid, key in KEKS.items():
            keystore.import_kek(f"kek-{int(kid)}", AGENCY, kid, key.hex())
        keystore.import_password("sandi-lain", "Dinas Lain", "Sandi-Dinas-Lain")
        keystore.import_password("sandi-bssn", AGENCY, PASSWORD)
        db.session.commit()
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", tmp_path / "lain.key", "-out", tmp_path / "lain.pem", "-subj", "/CN=Instansi Lain", "-days", "3")
    return tmp_path


@pytest.fixture
def people(make):
    return make.user("sandiman"), make.user("kasi")


def record(app, doc_id):
    with app.app_context():
        return db.session.scalar(db.select(DecryptionRecord).where(DecryptionRecord.document_id == doc_id))


# ------------------------------------------------------------------ step 5 on the board

@pytest.mark.parametrize("case", OK)
def test_step5_decrypts_each_recipient_kind(app, client, make, people, office, case):
    sandiman, kasi = people
    der = openssl_encrypt(office, ch.TEXT.encode(), case)
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=der, sender_agency=AGENCY)
    before = len(events(app, doc_id))
    login(client, sandiman)
    response = post_decrypt(client, make, doc_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert make.get(doc_id).step == 5
    assert content(app, doc_id, kasi)["plaintext"] == ch.TEXT
    assert [e.action for e in events(app, doc_id)[before:]] == ["step.decrypt"]
    rec = record(app, doc_id)
    assert rec.key_name == OK[case][1]
    assert rec.key_transport.startswith(case.split("-")[0].replace("password", "pwri"))


@pytest.mark.parametrize("case", ["ec-P-384", "kek-192", "password"])
def test_step5_binary_plaintext_is_the_exact_bytes(app, client, make, people, office, case):
    sandiman, kasi = people
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=openssl_encrypt(office, ch.PDF, case),
                           sender_agency=AGENCY)
    login(client, sandiman)
    assert post_decrypt(client, make, doc_id).status_code == 302
    with app.app_context():
        att_id = db.session.scalar(db.select(DocumentAttachment.id).where(DocumentAttachment.document_id == doc_id))
    r = client.get(f"/dokumen/{doc_id}/lampiran/{att_id}")
    assert r.status_code == 200 and r.data == ch.PDF


@pytest.mark.parametrize("case", FAIL)
def test_step5_failures_are_one_message_and_nothing_changes(app, client, make, people, office, case):
    sandiman, kasi = people
    code = FAIL[case][1]
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=openssl_encrypt(office, ch.TEXT.encode(),
                                                                                             case),
                           sender_agency=AGENCY)
    before, version = len(events(app, doc_id)), make.get(doc_id).version
    login(client, sandiman)
    response = post_decrypt(client, make, doc_id)
    assert response.status_code == 400
    assert response.get_data(as_text=True).count(MESSAGES[code]) == 1
    doc = make.get(doc_id)
    assert (doc.step, doc.version, doc.plaintext_blob_id) == (4, version, None)
    evs = events(app, doc_id)[before:]
    assert [e.action for e in evs] == ["decrypt.failed"] and f'"code": "{code}"' in evs[0].details
    assert record(app, doc_id) is None


@pytest.mark.parametrize("signer", ["ecdsa", "pss"])
def test_step5_verifies_ecdsa_and_pss_signatures(app, client, make, people, office, signer):
    sandiman, kasi = people
    kp, cp = office / f"{signer}.key", office / f"{signer}.pem"
    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if signer == "ecdsa" else ["-newkey", "rsa:2048"]
    ossl("req", "-x509", *newkey, "-nodes", "-keyout", kp, "-out", cp, "-subj", "/CN=Persandian BSSN", "-days", "3")
    with app.app_context():
        keystore.add_correspondent(AGENCY, cp.read_bytes())
        db.session.commit()
    (office / "isi.txt").write_bytes(ch.TEXT.encode())
    opts = ["-keyopt", "rsa_padding_mode:pss"] if signer == "pss" else []
    (office / "signed.der").write_bytes(ossl("cms", "-sign", "-binary", "-nodetach", "-in", office / "isi.txt",
                                             "-signer", cp, "-inkey", kp, "-outform", "DER", *opts))
    der = ossl("cms", "-encrypt", "-binary", "-in", office / "signed.der", "-outform", "DER", "-aes256",
               "-recip", office / "kantor-P-256.pem")
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=der, sender_agency=AGENCY)
    login(client, sandiman)
    assert post_decrypt(client, make, doc_id).status_code == 302
    rec = record(app, doc_id)
    assert (rec.signature, rec.signer, rec.key_name) == ("verified", "Persandian BSSN", "kantor-P-256")
    assert content(app, doc_id, kasi)["plaintext"] == ch.TEXT
    assert "Tanda tangan terverifikasi" in client.get(f"/dokumen/{doc_id}/kartu").get_data(as_text=True)


# ------------------------------------------------------------------ flask kriptogram decrypt

@pytest.mark.parametrize("case", OK)
def test_cli_decrypts_each_recipient_kind_to_the_exact_bytes(app, runner, office, case):
    pt = os.urandom(4097)
    f = office / "masuk.p7m"
    f.write_bytes(openssl_encrypt(office, pt, case, cipher="-aes-256-gcm" if case.startswith("ec") else "-aes128"))
    r = runner.invoke(args=["kriptogram", "decrypt", str(f), "--sender", AGENCY])
    assert r.exit_code == 0, r.stderr
    assert r.stdout_bytes == pt
    assert f"Didekripsi dengan kunci {OK[case][1]}" in r.stderr


@pytest.mark.parametrize("case", FAIL)
def test_cli_failures_are_one_message_exit_1(app, runner, office, case):
    f = office / "masuk.p7m"
    f.write_bytes(openssl_encrypt(office, ch.TEXT.encode(), case))
    r = runner.invoke(args=["kriptogram", "decrypt", str(f), "--sender", AGENCY])
    assert r.exit_code == 1 and r.stdout_bytes == b""
    assert r.stderr.strip() == MESSAGES[FAIL[case][1]]
    with app.app_context():
        details = db.session.scalar(db.select(AuditEvent.details).where(AuditEvent.action == "kriptogram.decrypt"))
    assert f'"code": "{FAIL[case][1]}"' in details


def test_retired_kek_no_longer_opens_new_cryptograms(app, runner, office):
    f = office / "masuk.p7m"
    f.write_bytes(openssl_encrypt(office, ch.TEXT.encode(), "kek-256"))
    assert runner.invoke(args=["keys", "retire", "kek-256"]).exit_code == 0
    r = runner.invoke(args=["kriptogram", "decrypt", str(f)])
    assert r.exit_code == 1 and r.stderr.strip() == MESSAGES[NO_KEY]


# ------------------------------------------------------------------ flask keys

def key_events(app):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("key.%"))
                                  .order_by(AuditEvent.seq)).all()


@pytest.mark.parametrize("curve,cls", [("P-256", ec.SECP256R1), ("P-384", ec.SECP384R1)])
def test_generate_ec_identity(app, runner, curve, cls):
    r = runner.invoke(args=["keys", "generate", "kantor-ec", "--curve", curve])
    assert r.exit_code == 0, r.output
    assert f"EC {curve}" in r.stdout
    cert = x509.load_pem_x509_certificate(runner.invoke(args=["keys", "export-cert", "kantor-ec"]).stdout.encode())
    assert isinstance(cert.public_key().curve, cls)
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_agreement
    assert f"EC {curve}" in runner.invoke(args=["keys", "list"]).stdout
    with app.app_context():
        row = db.session.scalar(db.select(OfficeIdentity))
        assert (row.key_type, row.key_bits) == (curve, cls.key_size)


def test_generate_rsa_stays_the_default_and_bad_curve_is_refused(app, runner):
    r = runner.invoke(args=["keys", "generate", "kantor-rsa", "--bits", "2048"])
    assert r.exit_code == 0 and "RSA 2048" in r.stdout
    r = runner.invoke(args=["keys", "generate", "kantor-x", "--curve", "P-192"])
    assert r.exit_code == 2  # click refuses the choice before anything is made
    assert key_events(app) == ["key.generate"]


def test_ec_csr_for_a_ca(app, runner, tmp_path):
    out = tmp_path / "ec.csr"
    r = runner.invoke(args=["keys", "generate", "kantor-ec-ca", "--curve", "P-384", "--csr", "-o", str(out)])
    assert r.exit_code == 0, r.output
    csr = x509.load_pem_x509_csr(out.read_bytes())
    assert isinstance(csr.public_key(), ec.EllipticCurvePublicKey)
    ca_key, ca_cert = ck.generate_identity("CA Uji", curve="P-256")
    now = dt.datetime.now(dt.timezone.utc)
    issued = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca_cert.subject)
              .public_key(csr.public_key()).serial_number(9).not_valid_before(now)
              .not_valid_after(now + dt.timedelta(days=30)).sign(ca_key, hashes.SHA256()))
    cert_file = tmp_path / "issued.pem"
    cert_file.write_bytes(issued.public_bytes(serialization.Encoding.PEM))
    r = runner.invoke(args=["keys", "import-cert", "kantor-ec-ca", str(cert_file)])
    assert r.exit_code == 0 and "aktif" in r.stdout, r.output
    (tmp_path / "p.txt").write_bytes(ch.TEXT.encode())
    (tmp_path / "c.der").write_bytes(ossl("cms", "-encrypt", "-binary", "-in", tmp_path / "p.txt", "-outform", "DER",
                                          "-aes128", "-recip", cert_file))
    r = runner.invoke(args=["kriptogram", "decrypt", str(tmp_path / "c.der")])
    assert r.exit_code == 0 and r.stdout_bytes == ch.TEXT.encode(), r.stderr


def test_import_p12_with_ec_key_decrypts(app, runner, tmp_path):
    kp, cp = tmp_path / "k.key", tmp_path / "k.pem"
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521", "-nodes", "-keyout", kp,
         "-out", cp, "-subj", "/CN=Kantor EC", "-days", "3")
    p12 = tmp_path / "kantor-ec.p12"
    ossl("pkcs12", "-export", "-inkey", kp, "-in", cp, "-out", p12, "-passout", "pass:sandi-p12")
    r = runner.invoke(args=["keys", "import-p12", str(p12)], input="sandi-p12\n")
    assert r.exit_code == 0, r.output
    assert "EC P-521" in r.stdout and "sandi-p12" not in r.output
    src = tmp_path / "p.txt"
    src.write_bytes(ch.TEXT.encode())
    (tmp_path / "c.der").write_bytes(ossl("cms", "-encrypt", "-binary", "-in", src, "-outform", "DER", "-recip", cp))
    r = runner.invoke(args=["kriptogram", "decrypt", str(tmp_path / "c.der")])
    assert r.exit_code == 0, r.stderr
    assert r.stdout_bytes == ch.TEXT.encode() and "kantor-ec" in r.stderr


def test_import_kek_from_stdin(app, runner):
    key = os.urandom(24)
    r = runner.invoke(args=["keys", "import-kek", "kek-bssn", "--key-id", "0A:0B:0C", "--agency", AGENCY],
                      input=key.hex().upper() + "\n")
    assert r.exit_code == 0, r.output
    assert "0a0b0c" in r.stdout and key.hex() not in r.output.lower()
    with app.app_context():
        row = db.session.scalar(db.select(SharedKey))
        assert (row.kind, row.key_id, row.agency) == ("kek", "0a0b0c", AGENCY)
        (sym,) = keystore.symmetric_keys(row.created_at)
        assert (sym.kind, sym.key_id, sym.key) == ("kek", bytes.fromhex("0a0b0c"), key)
    assert "kek id=0a0b0c" in runner.invoke(args=["keys", "list"]).stdout
    assert key_events(app) == ["key.import_kek"]


@pytest.mark.parametrize("args,stdin,message", [
    (["--key-id", "0a0b"], "00" * 20 + "\n", "16, 24 atau 32 bita"),
    (["--key-id", "0a0b"], "zz" * 16 + "\n", "heksadesimal"),
    (["--key-id", "bukan-hex"], "00" * 16 + "\n", "ID kunci harus berupa digit heksadesimal"),
    (["--key-id", "0a0b"], "\n", "kosong"),
], ids=["wrong-length", "not-hex", "bad-id", "empty"])
def test_import_kek_refusals(app, runner, args, stdin, message):
    r = runner.invoke(args=["keys", "import-kek", "kek-x", "--agency", AGENCY, *args], input=stdin)
    assert r.exit_code == 1 and message in r.stderr
    assert key_events(app) == []


def test_import_kek_same_id_twice_is_refused_until_retired(app, runner):
    def add(label):
        return runner.invoke(args=["keys", "import-kek", label, "--key-id", "77", "--agency", AGENCY],
                             input=os.urandom(16).hex() + "\n")
    assert add("kek-a").exit_code == 0
    r = add("kek-b")
    assert r.exit_code == 1 and "sudah dipakai" in r.stderr
    assert runner.invoke(args=["keys", "retire", "kek-a"]).exit_code == 0
    assert add("kek-b").exit_code == 0  # rotation: the new key takes over the identifier


def test_import_password_from_stdin(app, runner):
    r = runner.invoke(args=["keys", "import-password", "sandi-bssn", "--agency", AGENCY], input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    assert PASSWORD not in r.output
    r = runner.invoke(args=["keys", "import-password", "sandi-2", "--agency", AGENCY], input="pendek\n")
    assert r.exit_code == 1 and "8 sampai 200" in r.stderr
    with app.app_context():
        row = db.session.scalar(db.select(SharedKey))
        assert (row.kind, row.check_value, row.key_id) == ("password", None, None)
    assert key_events(app) == ["key.import_password"]


# ------------------------------------------------------------------ flask kriptogram seal

def test_seal_for_ec_kek_and_password_opens_with_openssl(app, runner, tmp_path):
    kp, cp = tmp_path / "ec.key", tmp_path / "ec.pem"
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", kp,
         "-out", cp, "-subj", "/CN=Koresponden EC", "-days", "3")
    src = tmp_path / "balasan.bin"
    pt = os.urandom(2000)
    src.write_bytes(pt)
    kek = os.urandom(32)
    cases = {
        "ec": ([f"--to={cp}"], None, ["-recip", cp, "-inkey", kp]),
        "kek": (["--kek-id", "c0ffee"], kek.hex() + "\n", ["-secretkey", kek.hex(), "-secretkeyid", "c0ffee"]),
        "password": (["--password"], PASSWORD + "\n", ["-pwri_password", PASSWORD]),
    }
    for name, (opts, stdin, openssl_opts) in cases.items():
        out = tmp_path / f"{name}.p7m"
        r = runner.invoke(args=["kriptogram", "seal", *opts, str(src), "-o", str(out)], input=stdin)
        assert r.exit_code == 0, (name, r.output)
        got = ossl("cms", "-decrypt", "-binary", "-inform", "DER", "-in", out, *openssl_opts)
        assert got == pt, name
    r = runner.invoke(args=["kriptogram", "seal", "--kek-id", "c0ffee", str(src)], input="00" * 17 + "\n")
    assert r.exit_code == 1 and "16, 24 atau 32 bita" in r.stderr
    r = runner.invoke(args=["kriptogram", "seal", str(src)])
    assert r.exit_code == 1 and "Sebutkan penerima" in r.stderr


def test_seal_signed_with_ec_key(app, runner, tmp_path):
    office_key, office_cert = ch.outsider("Kantor RSA")
    skey, scert = ck.generate_identity("Penanda EC", curve="P-256")
    (tmp_path / "s.key").write_bytes(skey.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
    (tmp_path / "s.pem").write_bytes(scert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "to.pem").write_bytes(office_cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "p.txt").write_bytes(ch.TEXT.encode())
    out = tmp_path / "c.p7m"
    r = runner.invoke(args=["kriptogram", "seal", "--to", str(tmp_path / "to.pem"), "--sign-key", str(tmp_path / "s.key"),
                            "--sign-cert", str(tmp_path / "s.pem"), str(tmp_path / "p.txt"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    res = decrypt(out.read_bytes(), [Identity("kantor", office_cert, office_key)], trusted_signers=[scert])
    assert (res.signature, res.plaintext) == ("verified", ch.TEXT.encode())


def test_p12_with_unsupported_curve_is_refused(app, runner, tmp_path):
    key = ec.generate_private_key(ec.SECP256K1())
    now = dt.datetime.now(dt.timezone.utc)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "k1")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    p12 = tmp_path / "k1.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"k", key, cert, None, serialization.NoEncryption()))
    r = runner.invoke(args=["keys", "import-p12", str(p12)], input="\n")
    assert r.exit_code == 1 and "P-256, P-384 atau P-521" in r.stderr
    assert key_events(app) == []
