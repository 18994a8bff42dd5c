"""`flask backup FILE`, `flask restore FILE [--force]`, `flask copy-to URL`."""
import os
import sys

import click
from flask.cli import with_appcontext

from naskah.operations.backup import BackupError, create_backup
from naskah.operations.copydb import copy_to
from naskah.operations.restore import restore_backup

PASSPHRASE_ENV = "NASKAH_BACKUP_PASSPHRASE"  # noqa: S105 - a variable name, not a secret  # nosec B105


def _passphrase(from_stdin: bool, confirm: bool) -> str:
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if from_stdin or not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise click.ClickException("Frasa sandi kosong di stdin.")
        return value
    return click.prompt("Frasa sandi cadangan", hide_input=True, confirmation_prompt=confirm)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--passphrase-stdin", is_flag=True, help="Baca frasa sandi dari satu baris stdin.")
@with_appcontext
def backup_command(file, passphrase_stdin):
    """Cadangan terenkripsi basis data dan berkas instance (secret_key, master.key, konfigurasi) tanpa menghentikan layanan."""
    try:
        manifest = create_backup(file, _passphrase(passphrase_stdin, confirm=True))
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    total = sum(manifest["counts"].values())
    click.echo(f"Cadangan ditulis ke {file}: {total} baris, {len(manifest['files'])} berkas, "
               f"kepala audit #{(manifest['audit_head'] or [0])[0]}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Timpa instance yang sudah berisi data.")
@click.option("--passphrase-stdin", is_flag=True, help="Baca frasa sandi dari satu baris stdin.")
@with_appcontext
def restore_command(file, force, passphrase_stdin):
    """Pulihkan cadangan ke instance kosong, lalu periksa jumlah baris dan rantai audit."""
    try:
        report = restore_backup(file, _passphrase(passphrase_stdin, confirm=False), force=force)
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    for note in report["notes"]:
        click.echo(note)
    click.echo(f"Dipulihkan dari cadangan {report['created_at']} (revisi skema {report['alembic_revision']}).")
    click.echo(f"Jumlah baris: {'cocok dengan manifest' if report['counts_ok'] else 'TIDAK COCOK'}.")
    if report["chain_ok"]:
        click.echo(f"Rantai audit: utuh ({report['events']} kejadian).")
    else:
        click.echo(f"Rantai audit: RUSAK di kejadian #{report['broken_seq']}.", err=True)
    click.echo("Langkah berikut: `flask --app app db upgrade`, lalu `flask --app app check`.")
    if not report["ok"]:
        sys.exit(1)


@click.command("copy-to")
@click.argument("url")
@with_appcontext
def copy_to_command(url):
    """Salin semua baris tabel ke basis data kosong di URL (mis. postgresql://...)."""
    click.echo("Menyalin tabel sesuai urutan ketergantungan ...")
    try:
        report = copy_to(url, echo=click.echo)
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Jumlah baris: {'sama di kedua basis data' if report['source_counts'] == report['target_counts'] else 'BERBEDA'}.")
    click.echo(f"Rantai audit di tujuan: {'utuh' if report['chain_ok'] else 'RUSAK'} ({report['events']} kejadian).")
    if not report["ok"]:
        sys.exit(1)
    click.echo("Selesai. Arahkan NASKAH_DATABASE_URL ke basis data baru lalu mulai ulang layanan.")
