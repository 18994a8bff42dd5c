"""`flask user ...`: create and list users from the server's command line."""
import sys

import click
from flask.cli import AppGroup

from naskah.auth import users
from naskah.auth.passwords import problems as password_problems
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.models import Role, User

user_cli = AppGroup("user", help="Kelola pengguna.")


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
