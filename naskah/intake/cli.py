"""`flask mailbox ...`: the intake settings page from the command line, for operators and scripts.

The password is read from standard input (or a hidden prompt), never from an argument, so it
does not land in the shell history or the process list.
"""
import sys

import click
from flask.cli import AppGroup

from naskah.core.errors import DomainError
from naskah.core.timeutil import format_short
from naskah.extensions import db
from naskah.intake import mailboxes
from naskah.intake.imap import MailboxError
from naskah.models import CLASSIFICATIONS, URGENCIES

mailbox_cli = AppGroup("mailbox", help="Kotak surat penerimaan kriptogram lewat surel (IMAP).")


def fail(message: str, code: int = 1):
    click.echo(message, err=True)
    sys.exit(code)


def _password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Kata sandi kotak surat", hide_input=True)
    return sys.stdin.readline().rstrip("\r\n")


@mailbox_cli.command("add")
@click.argument("name")
@click.option("--host", required=True, help="Server IMAP.")
@click.option("--port", type=int, default=None, help="Port (bawaan 993 untuk TLS, 143 untuk STARTTLS).")
@click.option("--user", "username", required=True, help="Nama pengguna kotak surat.")
@click.option("--tls/--starttls", "tls", default=True, help="TLS langsung (IMAPS, bawaan) atau STARTTLS.")
@click.option("--folder", default="INBOX", show_default=True, help="Folder yang diawasi.")
@click.option("--processed", "processed_folder", default="Naskah/Diproses", show_default=True,
              help="Folder untuk surel yang menjadi kartu.")
@click.option("--refused", "refused_folder", default="Naskah/Ditolak", show_default=True,
              help="Folder untuk surel yang ditolak.")
@click.option("--known-senders-only", is_flag=True, help="Tolak surel dari pengirim di luar direktori koresponden.")
@click.option("--classification", type=click.Choice(list(CLASSIFICATIONS)), default="R", show_default=True,
              help="Klasifikasi bawaan kartu dari surel.")
@click.option("--urgency", type=click.Choice(list(URGENCIES)), default="segera", show_default=True,
              help="Tingkat urgensi bawaan.")
def add_command(name, host, port, username, tls, folder, processed_folder, refused_folder, known_senders_only,
                classification, urgency):
    """Tambah kotak surat; kata sandi dibaca dari stdin."""
    password = _password()
    data = {"name": name, "host": host, "port": port or (993 if tls else 143), "username": username,
            "security": "tls" if tls else "starttls", "folder": folder, "processed_folder": processed_folder,
            "refused_folder": refused_folder, "known_senders_only": known_senders_only,
            "default_classification": classification, "default_urgency": urgency}
    try:
        mb = mailboxes.add(data, password)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        fail("\n".join(getattr(e, "problems", {e.field: e.message}).values()))
    click.echo(f"Kotak surat {mb.name} ditambahkan ({mb.username}@{mb.host}:{mb.port}, {mb.security_label}). "
               f"Uji dengan: flask mailbox test {mb.name}")


@mailbox_cli.command("list")
def list_command():
    """Daftar kotak surat dengan hasil pemeriksaan terakhir."""
    rows = mailboxes.listing()
    if not rows:
        click.echo("Belum ada kotak surat.")
        return
    for mb in rows:
        state = "aktif" if mb.active else "nonaktif"
        last = format_short(mb.last_poll_at) if mb.last_poll_at else "belum pernah"
        outcome = mb.last_error if mb.last_ok is False else (mb.last_result or "-")
        click.echo(f"{mb.name}\t{mb.username}@{mb.host}:{mb.port} ({mb.security_label})\t{mb.folder}\t{state}\t"
                   f"terakhir: {last}\t{outcome}")


@mailbox_cli.command("test")
@click.argument("name")
def test_command(name):
    """Uji sambungan dan login ke kotak surat."""
    try:
        message = mailboxes.test_connection(mailboxes.by_name(name))
    except DomainError as e:
        fail(f"{name}: {e.message}")
    click.echo(f"{name}: {message}")


@mailbox_cli.command("poll")
@click.argument("name", required=False)
def poll_command(name):
    """Periksa kotak surat sekarang (semua yang aktif, atau NAME saja)."""
    try:
        targets = [mailboxes.by_name(name)] if name else [m for m in mailboxes.listing() if m.active]
    except DomainError as e:
        fail(e.message)
    if not targets:
        fail("Tidak ada kotak surat aktif.")
    failed = False
    for mb in targets:
        try:
            result = mailboxes.poll(mb, actor=None)
        except MailboxError as e:
            click.echo(f"{mb.name}: tidak dapat dibaca: {e.message}", err=True)
            failed = True
            continue
        click.echo(f"{result.mailbox}: {result.summary}")
        for line in result.cards:
            click.echo(f"  kartu: {line}")
        for line in result.refused:
            click.echo(f"  ditolak: {line}")
    if failed:
        sys.exit(1)
