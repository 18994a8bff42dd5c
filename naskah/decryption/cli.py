"""`flask keys ...`: the key pages' actions from the command line, plus master key rotation.

Secrets come in on stdin or a hidden prompt, never as arguments (they would land in the shell
history and the process list); no command prints a private or symmetric key.
"""
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from naskah.core.errors import DomainError
from naskah.decryption import identities as keystore
from naskah.extensions import db

keys_cli = AppGroup("keys", help="Kunci kantor: identitas dekripsi, kunci bersama, koresponden, kunci induk.")


def fail(message: str, code: int = 1):
    click.echo(message, err=True)
    sys.exit(code)


def run(action):
    """Run a keystore action and commit, or report its Indonesian message and exit 1."""
    try:
        result = action()
        db.session.commit()
        return result
    except DomainError as e:
        db.session.rollback()
        fail(e.message)


def read_secret(prompt: str, allow_empty=False) -> str | None:
    if sys.stdin.isatty():
        value = click.prompt(prompt, hide_input=True, default="" if allow_empty else None, show_default=False)
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value and not allow_empty:
        fail(f"{prompt}: kosong.")
    return value or None


def _date(value):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"Tanggal tidak valid: {value} (gunakan TTTT-BB-HH).")


@keys_cli.command("generate")
@click.argument("name")
@click.option("--cn", "common_name", default=None, help="Nama umum (CN) sertifikat.")
@click.option("--bits", default="3072", show_default=True, type=click.Choice(["2048", "3072", "4096"]),
              help="Panjang kunci RSA.")
@click.option("--curve", default=None, type=click.Choice(list(keystore.CURVES)),
              help="Buat kunci EC pada kurva ini alih-alih RSA.")
@click.option("--csr", is_flag=True, help="Buat CSR untuk CA eksternal alih-alih sertifikat swa-tanda.")
@click.option("--org", default=None, help="Organisasi pada CSR.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Tulis CSR ke berkas ini.")
def generate(name, common_name, bits, curve, csr, org, output):
    """Buat identitas RSA (atau EC dengan --curve): sertifikat swa-tanda, atau CSR dengan --csr."""
    identity = run(lambda: keystore.generate(name, common_name=common_name, bits=int(bits), csr=csr, org=org,
                                             curve=curve))
    if identity.status == "pending":
        pem = identity.csr_pem
        if output:
            Path(output).write_text(pem)
            click.echo(f"Identitas {identity.name} dibuat; CSR ditulis ke {output}. "
                       f"Setelah CA menerbitkan sertifikat: flask keys import-cert {identity.name} BERKAS", err=True)
        else:
            click.echo(pem, nl=False)
        return
    click.echo(f"Identitas {identity.name} dibuat: {identity.key_label}, sertifikat swa-tanda, "
               f"SHA-256 {identity.fingerprint}")


@keys_cli.command("import-cert")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_cert(name, file):
    """Pasangkan sertifikat terbitan CA pada identitas yang dibuat dengan --csr."""
    kind, row = run(lambda: keystore.find_by_name(name))
    if kind != "identity":
        fail(f"{name} bukan identitas dekripsi.")
    run(lambda: keystore.import_certificate(row, Path(file).read_bytes()))
    click.echo(f"Sertifikat diimpor; identitas {row.name} aktif (SHA-256 {row.fingerprint}).")


@keys_cli.command("import-p12")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", default=None, help="Nama identitas (bawaan: nama berkas).")
def import_p12(file, name):
    """Impor berkas .p12/.pfx; frasa sandi ditanyakan, atau dibaca dari stdin bila disalurkan."""
    path = Path(file)
    name = name or "".join(c if c.isalnum() or c in "._-" else "-" for c in path.stem)[:60]
    passphrase = read_secret("Kata sandi PKCS#12", allow_empty=True)
    identity = run(lambda: keystore.import_p12(name, path.read_bytes(), passphrase))
    click.echo(f"Identitas {identity.name} diimpor: {identity.key_label}, SHA-256 {identity.fingerprint}")


def shared_secret_options(agency_help: str):
    """--agency, --valid-from and --valid-until: what every secret shared with an agency has."""
    def wrap(command):
        for option in (click.option("--valid-until", default=None, help="Berlaku sampai (TTTT-BB-HH)."),
                       click.option("--valid-from", default=None, help="Berlaku mulai (TTTT-BB-HH)."),
                       click.option("--agency", required=True, help=agency_help)):
            command = option(command)
        return command
    return wrap


@keys_cli.command("import-fernet")
@click.argument("label")
@shared_secret_options("Instansi koresponden pemilik kunci bersama.")
def import_fernet(label, agency, valid_from, valid_until):
    """Simpan kunci bersama Fernet; kunci dibaca dari stdin (atau isian tersembunyi)."""
    key = read_secret("Kunci Fernet")
    shared = run(lambda: keystore.import_fernet(label, agency, key, valid_from=_date(valid_from),
                                                valid_until=_date(valid_until)))
    click.echo(f"Kunci bersama {shared.label} untuk {shared.agency} disimpan (nilai periksa {shared.check_value}).")


@keys_cli.command("import-kek")
@click.argument("label")
@click.option("--key-id", required=True, help="ID kunci (heksadesimal) seperti pada -secretkeyid pengirim.")
@shared_secret_options("Instansi koresponden pemilik kunci bersama.")
def import_kek(label, key_id, agency, valid_from, valid_until):
    """Simpan kunci pembungkus kunci (KEK) CMS bersama (AES, hex); kunci dibaca dari stdin (atau isian tersembunyi)."""
    key = read_secret("Kunci KEK (heksadesimal)")
    shared = run(lambda: keystore.import_kek(label, agency, key_id, key, valid_from=_date(valid_from),
                                             valid_until=_date(valid_until)))
    click.echo(f"Kunci KEK {shared.label} (ID {shared.key_id}) untuk {shared.agency} disimpan "
               f"(nilai periksa {shared.check_value}).")


@keys_cli.command("import-password")
@click.argument("label")
@shared_secret_options("Instansi koresponden pemilik kata sandi.")
def import_password(label, agency, valid_from, valid_until):
    """Simpan kata sandi CMS yang disepakati dengan instansi; dibaca dari stdin (atau isian tersembunyi)."""
    password = read_secret("Kata sandi CMS")
    shared = run(lambda: keystore.import_password(label, agency, password, valid_from=_date(valid_from),
                                                  valid_until=_date(valid_until)))
    click.echo(f"Kata sandi {shared.label} untuk {shared.agency} disimpan.")


@keys_cli.command("add-correspondent")
@click.argument("agency")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def add_correspondent(agency, file):
    """Daftarkan sertifikat instansi koresponden (PEM atau DER) untuk memeriksa tanda tangannya."""
    row = run(lambda: keystore.add_correspondent(agency, Path(file).read_bytes()))
    click.echo(f"Sertifikat koresponden {row.agency} ditambahkan (SHA-256 {row.fingerprint}).")


@keys_cli.command("list")
def list_keys():
    """Daftar identitas, kunci bersama dan koresponden (tanpa bahan kunci)."""
    data = keystore.listing()
    click.echo("Identitas dekripsi:")
    for k in data["identities"]:
        fp = (k.fingerprint or "-")[:16]
        until = k.not_after.date().isoformat() if k.not_after else "-"
        click.echo(f"  {k.name:24} {k.status:8} {k.key_label:10} {k.source:9} s.d. {until:10} {fp}")
    click.echo("Kunci bersama (Fernet, KEK, kata sandi):")
    for k in data["shared"]:
        state = "retired" if k.retired_at else "active"
        window = f"{k.valid_from or '-'}..{k.valid_until or '-'}"
        kind = f"{k.kind or 'fernet'}" + (f" id={k.key_id}" if k.key_id else "")
        click.echo(f"  {k.label:24} {state:8} {kind:18} {k.check_value or '-':16} {window:23} {k.agency}")
    click.echo("Sertifikat koresponden:")
    for c in data["correspondents"]:
        state = "retired" if c.retired_at else "active"
        click.echo(f"  {c.agency[:40]:40} {state:8} {c.fingerprint[:16]} {c.subject[:60]}")


@keys_cli.command("export-cert")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Tulis ke berkas.")
def export_cert(name, output):
    """Cetak sertifikat publik (PEM) identitas aktif untuk koresponden."""
    kind, row = run(lambda: keystore.find_by_name(name))
    if kind != "identity":
        fail(f"{name} bukan identitas dekripsi; kunci bersama tidak pernah diekspor.")
    pem = run(lambda: keystore.export_cert(row))
    if output:
        Path(output).write_bytes(pem)
        click.echo(f"Sertifikat {row.name} ditulis ke {output}.", err=True)
    else:
        click.echo(pem.decode("ascii"), nl=False)


@keys_cli.command("retire")
@click.argument("name")
def retire(name):
    """Pensiunkan identitas atau kunci bersama: tetap dipakai untuk kriptogram lama, tidak untuk yang baru."""
    kind, row = run(lambda: keystore.find_by_name(name))
    run(lambda: keystore.retire(kind, row))
    click.echo(f"{name} dipensiunkan.")
