"""`flask kriptogram ...`: register a received file (steps 1-2), decrypt a file with the office
keys, and seal a CMS cryptogram for a correspondent (or for tests)."""
import hashlib
from datetime import date, datetime
from pathlib import Path

import click
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask import current_app
from flask.cli import AppGroup

from naskah.audit import chain as audit
from naskah.core.errors import DomainError
from naskah.core.timeutil import utcnow, wib_to_utc
from naskah.crypto import keys as ck
from naskah.crypto.cms import DecryptionError
from naskah.crypto.seal import seal
from naskah.decryption import decrypt as decryption
from naskah.decryption.cli import fail, read_secret
from naskah.extensions import db
from naskah.models import CHANNELS, CLASSIFICATIONS, URGENCIES, Role, User
from naskah.models.decryption import SIGNATURE_LABELS
from naskah.workflow import documents
from naskah.workflow import engine as workflow

kriptogram_cli = AppGroup("kriptogram", help="Kriptogram: catat berkas masuk, dekripsi, segel (enkripsi) CMS.")


def acting_sandiman(username: str | None) -> User:
    """--as USERNAME, or the only active sandiman; anything else is an error."""
    q = db.select(User).where(User.active_in(Role.SANDIMAN))
    if username:
        user = db.session.scalar(q.where(User.username == username.strip().lower()))
        if user is None:
            fail(f"{username} bukan Sandiman yang aktif.")
        return user
    users = db.session.scalars(q.order_by(User.username)).all()
    if len(users) != 1:
        fail("Sebutkan Sandiman yang mencatat dengan --as NAMA_PENGGUNA "
             f"({'tidak ada Sandiman aktif' if not users else 'ada ' + str(len(users)) + ' Sandiman aktif'}).")
    return users[0]


def _read_file(file: str) -> bytes:
    limit = current_app.config["CRYPTOGRAM_MAX_BYTES"]
    with open(file, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        fail(f"Berkas melebihi batas {limit // (1024 * 1024)} MB.")
    if not data:
        fail("Berkas kosong.")
    return data


@kriptogram_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--sender", required=True, help="Instansi pengirim.")
@click.option("--classification", required=True, type=click.Choice(list(CLASSIFICATIONS)), help="SR, R, T atau B.")
@click.option("--urgency", required=True, type=click.Choice(list(URGENCIES)), help="kilat, segera atau biasa.")
@click.option("--ref", "ref_number", default="-", show_default=True, help="Nomor surat pengirim.")
@click.option("--ref-date", default=None, help="Tanggal surat pengirim (TTTT-BB-HH).")
@click.option("--channel", default="lainnya", show_default=True, type=click.Choice(list(CHANNELS)))
@click.option("--received-at", default=None, help="Waktu diterima, WIB (TTTT-BB-HH JJ:MM); bawaan: sekarang.")
@click.option("--notes", default="", help="Catatan.")
@click.option("--as", "username", default=None, help="Sandiman yang mencatat (bawaan: satu-satunya Sandiman aktif).")
def import_command(file, sender, classification, urgency, ref_number, ref_date, channel, received_at, notes, username):
    """Catat berkas kriptogram yang diterima (langkah 1 dan 2) dan cetak nomor agendanya."""
    actor = acting_sandiman(username)
    try:
        when = wib_to_utc(datetime.fromisoformat(received_at)) if received_at else utcnow()
        ref_day = date.fromisoformat(ref_date) if ref_date else None
    except ValueError:
        fail("Tanggal/waktu tidak valid (gunakan TTTT-BB-HH atau TTTT-BB-HH JJ:MM).")
    if when > utcnow():
        fail("Waktu diterima tidak boleh di masa depan.")
    if not sender.strip() or len(sender) > 200 or len(ref_number) > 100:
        fail("Instansi pengirim wajib (paling banyak 200 karakter); nomor surat paling banyak 100 karakter.")
    data = {"sender_agency": sender, "sender_ref_number": ref_number.strip() or "-", "sender_ref_date": ref_day,
            "channel": channel, "classification": classification, "urgency": urgency,
            "received_at": when, "notes": notes}
    try:
        doc = documents.receive(actor, data, _read_file(file), Path(file).name[:200])
        workflow.apply(doc, "register", actor, {})
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        fail(e.message)
    click.echo(doc.agenda_label)


@kriptogram_cli.command("decrypt")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--sender", default=None, help="Instansi pengirim (memilih kunci bersama dan sertifikat penanda tangan).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Tulis hasil ke berkas.")
def decrypt_command(file, sender, output):
    """Dekripsi berkas dengan kunci kantor: teks ke stdout, atau pesan di stderr (kode keluar 1)."""
    data = _read_file(file)
    details = {"file": Path(file).name[:200], "sha256": hashlib.sha256(data).hexdigest(), "sender": sender}
    try:
        result = decryption.decrypt_bytes(data, sender, utcnow())
    except DecryptionError as e:
        audit.append("kriptogram.decrypt", actor_name="cli", details={**details, "ok": False, "code": e.code})
        db.session.commit()
        fail(e.message)
    audit.append("kriptogram.decrypt", actor_name="cli", details={
        **details, "ok": True, "key": result.key_name, "format": result.format,
        "algorithm": result.content_encryption, "signature": result.signature, "signer": result.signer})
    db.session.commit()
    sig = SIGNATURE_LABELS.get(result.signature, result.signature)
    click.echo(f"Didekripsi dengan kunci {result.key_name} ({result.format}, {result.content_encryption}); "
               f"{result.media_type}; tanda tangan: {sig}{' (' + result.signer + ')' if result.signer else ''}.",
               err=True)
    if output:
        Path(output).write_bytes(result.plaintext)
    else:
        click.echo(result.plaintext, nl=False)  # bytes go to the binary stdout unchanged


def _load_cert(path: str) -> x509.Certificate:
    raw = Path(path).read_bytes()
    try:
        return (x509.load_pem_x509_certificate(raw) if b"-----BEGIN" in raw else x509.load_der_x509_certificate(raw))
    except ValueError:
        fail(f"{path}: sertifikat tidak valid.")


@kriptogram_cli.command("seal")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--to", "recipients", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Sertifikat penerima RSA atau EC (PEM/DER); boleh berulang.")
@click.option("--kek-id", default=None,
              help="Segel dengan kunci KEK bersama ber-ID ini (heksadesimal); kuncinya dibaca dari stdin.")
@click.option("--password", "use_password", is_flag=True,
              help="Segel dengan kata sandi (PBKDF2); kata sandinya dibaca dari stdin.")
@click.option("--sign-key", type=click.Path(exists=True, dir_okay=False), help="Kunci privat penanda tangan (PEM).")
@click.option("--sign-cert", type=click.Path(exists=True, dir_okay=False), help="Sertifikat penanda tangan.")
@click.option("--alg", default="aes256_cbc", show_default=True,
              type=click.Choice(["aes128_cbc", "aes192_cbc", "aes256_cbc", "aes128_gcm", "aes192_gcm", "aes256_gcm"]))
@click.option("--oaep", is_flag=True, help="RSA-OAEP (SHA-256) alih-alih PKCS#1 v1.5.")
@click.option("--format", "fmt", default="der", show_default=True, type=click.Choice(["der", "pem", "smime"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Tulis ke berkas.")
def seal_command(file, recipients, kek_id, use_password, sign_key, sign_cert, alg, oaep, fmt, output):
    """Buat kriptogram CMS (boleh ditandatangani dahulu) untuk sertifikat, KEK bersama, atau kata sandi."""
    if bool(sign_key) != bool(sign_cert):
        fail("--sign-key dan --sign-cert dipakai bersama.")
    if kek_id and use_password:
        fail("Pilih salah satu: --kek-id atau --password (rahasianya dibaca dari stdin).")
    if not recipients and not kek_id and not use_password:
        fail("Sebutkan penerima: --to SERTIFIKAT, --kek-id ID atau --password.")
    keks, passwords = _shared_recipients(kek_id, use_password)
    key = None
    if sign_key:
        try:
            key = serialization.load_pem_private_key(Path(sign_key).read_bytes(), password=None)
        except (ValueError, TypeError):
            fail(f"{sign_key}: kunci privat PEM tidak valid atau terkunci kata sandi.")
    certs = [_load_cert(p) for p in recipients]
    try:
        out = seal(Path(file).read_bytes(), certs, content_alg=alg, key_transport="oaep" if oaep else "pkcs1v15",
                   sign_key=key, sign_cert=_load_cert(sign_cert) if sign_cert else None, output=fmt,
                   keks=keks, passwords=passwords)
    except ValueError as e:
        fail(f"Tidak dapat menyegel: {e}")
    if output:
        Path(output).write_bytes(out)
    else:
        click.echo(out, nl=False)


def _shared_recipients(kek_id, use_password):
    """([(key id, KEK)], [password]) from the options; the secret itself comes from stdin."""
    try:
        if kek_id:
            kid = ck.parse_hex(kek_id, "ID kunci")
            return [(kid, ck.validate_kek(read_secret("Kunci KEK (heksadesimal)")))], []
    except ck.KeyImportError as e:
        fail(e.message)
    if use_password:
        return [], [read_secret("Kata sandi CMS").encode("utf-8")]
    return [], []
