"""flask commands: init, user, demo, audit."""
import sys

import click
from flask.cli import AppGroup, with_appcontext

from . import audit as audit_mod
from .errors import DomainError
from .extensions import db
from .models import Role, User

user_cli = AppGroup("user", help="Kelola pengguna.")
audit_cli = AppGroup("audit", help="Jejak audit.")


def register_cli(app):
    app.cli.add_command(init_command)
    app.cli.add_command(user_cli)
    app.cli.add_command(audit_cli)
    from .demo import demo_command
    app.cli.add_command(demo_command)
    from .commands import register_all
    register_all(app)


@click.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the database and the first admin (printing a one-time password)."""
    from flask_migrate import upgrade
    upgrade()
    from . import users
    from .crypto import vault
    if vault.backfill_macs():  # rows migrated from the old plaintext SHA-256 column
        db.session.commit()
    if db.session.scalar(db.select(User.id).where(User.role == Role.ADMIN.value)) is None:
        user, password = users.create_user("admin", "admin", full_name="Administrator")
        db.session.commit()
        click.echo("=" * 60)
        click.echo("Akun administrator pertama dibuat.")
        click.echo("  nama pengguna : admin")
        click.echo(f"  kata sandi    : {password}   (sekali pakai; wajib diganti saat masuk)")
        click.echo("=" * 60)
    else:
        click.echo("Basis data siap; akun administrator sudah ada.")


def _read_password(prompt_twice=True) -> str:
    if not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\n")
        if not value:
            raise click.ClickException("Kata sandi kosong di stdin.")
        return value
    return click.prompt("Kata sandi", hide_input=True, confirmation_prompt=prompt_twice)


@user_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", "full_name", default=None, help="Nama lengkap.")
@click.option("--nip", default=None)
@click.option("--title", default=None, help="Jabatan.")
def user_create(username, role, full_name, nip, title):
    """Create a user; the password is prompted, or read from stdin when piped."""
    from . import users
    from .passwords import problems as password_problems
    password = _read_password()

    problems = password_problems(password, username)
    if problems:
        raise click.ClickException(problems[0])
    try:
        user, _ = users.create_user(username, role, full_name=full_name, nip=nip, title=title,
                                    password=password, must_change=False)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        raise click.ClickException(e.message) from None
    click.echo(f"Pengguna {user.username} ({role}) dibuat.")


@user_cli.command("list")
def user_list():
    for u in db.session.scalars(db.select(User).order_by(User.username)):
        click.echo(f"{u.username:20} {u.role:10} {'aktif' if u.active else 'nonaktif':9} {u.full_name}")


@audit_cli.command("verify")
def audit_verify():
    """Print OK, or the first broken event, and exit non-zero when the chain is broken."""
    from .auditcheckpoint import verify_checkpoints
    ok, event, checked = audit_mod.verify()
    signed_ok, signed, problems = verify_checkpoints()
    if ok:
        click.echo(f"OK: {checked} kejadian, rantai HMAC utuh; kepala {audit_mod.head_fingerprint()}.")
    if signed_ok:
        click.echo(f"OK: {signed} checkpoint bertanda tangan CA kantor cocok dengan rantai." if signed else
                   "PERINGATAN: belum ada checkpoint bertanda tangan (buat CA kantor: flask pki init).")
    for problem in problems:
        click.echo(f"RUSAK: {problem}", err=True)
    if ok and signed_ok:
        return
    if ok:
        sys.exit(1)
    if event is None:
        click.echo(f"RUSAK: rantai berakhir lebih awal dari kepala rantai (diperiksa {checked}).", err=True)
    else:
        click.echo(f"RUSAK: kejadian #{event.seq} (id {event.id}, {event.action}) tidak cocok dengan rantai.",
                   err=True)
    sys.exit(1)


@audit_cli.command("checkpoint")
def audit_checkpoint():
    """Sign the chain's head now with the office CA key (the daily check does it too)."""
    from .auditcheckpoint import make_checkpoint
    row = make_checkpoint()
    if row is None:
        click.echo("Tidak dapat membuat checkpoint: CA kantor belum ada (flask pki init) atau rantai kosong.",
                   err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Checkpoint #{row.seq} ditandatangani; kepala {audit_mod.head_fingerprint()}.")
