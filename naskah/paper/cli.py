"""`flask pki ...`: the office CA and the kasi's signing certificates.

Passphrases are prompted without echo (twice for new ones), or read from stdin when piped; they
are never stored, never logged and never put in an argument.
"""
import sys

import click
from flask.cli import AppGroup

from naskah.core import settings
from naskah.extensions import db
from naskah.models.paper import SigningCertificate, TrustRoot
from naskah.paper import esign

pki_cli = AppGroup("pki", help="Sertifikat tanda tangan elektronik (CA kantor, sertifikat Kasi).")


def _passphrase(prompt: str, confirm: bool) -> str:
    if not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\n")
        if not value:
            raise click.ClickException("Frasa sandi kosong di stdin.")
        return value
    return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def _run(fn):
    try:
        result = fn()
        db.session.commit()
        return result
    except esign.PkiError as e:
        db.session.rollback()
        raise click.ClickException(e.message) from None


def _show(row: SigningCertificate) -> None:
    click.echo(f"  subjek      : {row.subject}")
    click.echo(f"  penerbit    : {row.issuer}")
    click.echo(f"  nomor seri  : {row.serial}")
    click.echo(f"  berlaku     : {row.not_before:%Y-%m-%d} s.d. {row.not_after:%Y-%m-%d} (UTC)")
    click.echo(f"  sidik SHA-256: {row.fingerprint}")


@pki_cli.command("init")
@click.option("--name", "common_name", default=None, help="Nama CA (default dari pengaturan kantor).")
@click.option("--org", default=None, help="Organisasi (default: pemerintah daerah di pengaturan).")
@click.option("--days", default=3650, show_default=True)
def init(common_name, org, days):
    """Buat CA kantor (kunci privatnya disegel di brankas)."""
    org = org or settings.get("office_government")
    common_name = common_name or f"CA {settings.get('office_name')} {settings.get('office_city')}"
    root = _run(lambda: esign.init_ca(common_name, org, days))
    click.echo(f"CA kantor dibuat: {root.name}")
    click.echo(f"  sidik SHA-256: {root.fingerprint}")
    click.echo("Bagikan sertifikat CA (flask pki ca-cert) ke komputer yang memverifikasi tanda tangan.")


@pki_cli.command("issue")
@click.argument("username")
@click.option("--days", default=1095, show_default=True)
def issue(username, days):
    """Terbitkan sertifikat tanda tangan untuk Kasi; frasa sandi ditanyakan (atau dibaca dari stdin)."""
    secret = _passphrase("Frasa sandi baru untuk sertifikat", confirm=True)
    row = _run(lambda: esign.issue(username, secret, days))
    click.echo(f"Sertifikat tanda tangan diterbitkan untuk {username}:")
    _show(row)
    click.echo("Frasa sandi tidak disimpan; tanpa frasa sandi sertifikat tidak dapat dipakai.")


@pki_cli.command("import")
@click.argument("username")
@click.argument("p12_file", type=click.File("rb"))
@click.option("--ca", "ca_file", type=click.File("rb"), default=None, help="Sertifikat CA penerbit (PEM/DER).")
def import_(username, p12_file, ca_file):
    """Impor PKCS#12 terbitan CA luar; CA-nya menjadi akar kepercayaan."""
    data = p12_file.read(1024 * 1024 + 1)
    if len(data) > 1024 * 1024:
        raise click.ClickException("Berkas PKCS#12 terlalu besar.")
    secret = _passphrase("Frasa sandi berkas PKCS#12", confirm=False)
    extra = ca_file.read(256 * 1024) if ca_file else None
    row = _run(lambda: esign.import_p12(username, data, secret, extra))
    click.echo(f"Sertifikat diimpor untuk {username}:")
    _show(row)


@pki_cli.command("revoke")
@click.argument("username")
def revoke(username):
    """Cabut semua sertifikat seorang pengguna; ia tidak dapat menandatangani lagi dan verifikasi melaporkannya."""
    rows = _run(lambda: esign.revoke(username))
    for row in rows:
        click.echo(f"Dicabut: seri {row.serial} (sidik {row.fingerprint[:16]}…)")


@pki_cli.command("list")
def list_():
    """Daftar akar kepercayaan dan sertifikat tanda tangan."""
    for root in db.session.scalars(db.select(TrustRoot).order_by(TrustRoot.id)):
        click.echo(f"CA {root.kind:8} {root.name}  {root.fingerprint[:16]}…")
    for row in db.session.scalars(db.select(SigningCertificate).order_by(SigningCertificate.id)):
        click.echo(f"{row.user.username:12} {row.status_label:22} {row.not_after:%Y-%m-%d}  {row.fingerprint[:16]}…")


@pki_cli.command("ca-cert")
@click.argument("out", type=click.File("w"), default="-")
def ca_cert(out):
    """Tulis sertifikat CA kantor (PEM) untuk daftar kepercayaan pdfsig/Adobe."""
    root = esign.office_ca()
    if root is None:
        raise click.ClickException("CA kantor belum dibuat. Jalankan: flask --app app pki init")
    out.write(root.cert_pem)


@pki_cli.command("crl")
@click.argument("out", type=click.File("wb"))
def crl(out):
    """Tulis CRL CA kantor (DER) yang mendaftar sertifikat yang dicabut."""
    out.write(_run(esign.crl))
