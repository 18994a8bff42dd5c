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
    from .cli_i18n import install
    install()  # click's own words (Penggunaan, Opsi, errors) in Indonesian
    app.cli.add_command(init_command)
    app.cli.add_command(user_cli)
    app.cli.add_command(audit_cli)
    from .demo import demo_command
    app.cli.add_command(demo_command)
    from .commands import register_all
    register_all(app)
    _indonesian_metavars(app.cli)


def _indonesian_metavars(group):
    """'[OPSI]' and 'PERINTAH [ARGUMEN]...' in every usage line (click's defaults are attributes)."""
    for command in group.commands.values():
        command.options_metavar = "[OPSI]"
        if isinstance(command, click.Group):
            command.subcommand_metavar = "PERINTAH [ARGUMEN]..."
            _indonesian_metavars(command)


@click.command("init")
@with_appcontext
def init_command():
    """Buat atau perbarui basis data dan akun administrator pertama (mencetak kata sandi sekali pakai)."""
    from flask_migrate import upgrade
    upgrade()
    from . import users
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
    """Buat pengguna; kata sandi ditanyakan, atau dibaca dari stdin bila disalurkan."""
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
    """Daftar pengguna: nama pengguna, peran, status, nama lengkap."""
    for u in db.session.scalars(db.select(User).order_by(User.username)):
        click.echo(f"{u.username:20} {u.role:10} {'aktif' if u.active else 'nonaktif':9} {u.full_name}")


@audit_cli.command("verify")
def audit_verify():
    """Cetak OK, atau kejadian pertama yang rusak (kode keluar bukan nol bila rantai rusak)."""
    ok, event, checked = audit_mod.verify()
    if ok:
        click.echo(f"OK: {checked} kejadian, rantai hash utuh.")
        return
    if event is None:
        click.echo(f"RUSAK: rantai berakhir lebih awal dari kepala rantai (diperiksa {checked}).", err=True)
    else:
        click.echo(f"RUSAK: kejadian #{event.seq} (id {event.id}, {event.action}) tidak cocok dengan rantai.",
                   err=True)
    sys.exit(1)
