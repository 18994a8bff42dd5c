"""`flask init`: create or upgrade the database and the first administrator."""

import click
from flask.cli import with_appcontext

from naskah.auth import users
from naskah.core import vault
from naskah.extensions import db
from naskah.models import Role, User


@click.command("init")
@with_appcontext
def init_command():
    """Buat atau perbarui basis data dan akun administrator pertama (mencetak kata sandi sekali pakai)."""
    from flask_migrate import upgrade
    upgrade()
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
