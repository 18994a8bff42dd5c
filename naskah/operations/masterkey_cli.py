"""`flask keys rotate-master`: re-wrap every data key under a fresh master key.

It sits in the `keys` group with the other key commands; operations adds it there because the
rotation (naskah.operations.masterkey) belongs to operations, above the decryption area.
"""
import click
from flask import current_app
from flask.cli import with_appcontext

from naskah.core.vault import master_key_path
from naskah.decryption.cli import fail
from naskah.operations import masterkey


@click.command("rotate-master")
@with_appcontext
@click.option("--yes", is_flag=True, help="Jangan minta konfirmasi.")
def rotate_master(yes):
    """Bungkus ulang setiap kunci data dengan kunci induk baru (hentikan server web dahulu)."""
    app = current_app._get_current_object()
    if not yes:
        click.confirm("Hentikan server web terlebih dahulu. Rotasi kunci induk sekarang?", abort=True)
    try:
        result = masterkey.rotate(app)
    except masterkey.RotationError as e:
        fail(str(e))
    if result.storage == "env":
        click.echo(f"{result.count} kunci data dibungkus ulang. Kunci induk berasal dari NASKAH_MASTER_KEY,", err=True)
        click.echo("jadi perbarui sendiri nilainya dengan kunci baru di bawah ini, simpan salinannya di tempat", err=True)
        click.echo("aman, lalu jalankan ulang server. Kunci lama tidak lagi membuka data.", err=True)
        click.echo(f"NASKAH_MASTER_KEY={result.new_key_b64}")
    else:
        click.echo(f"{result.count} kunci data dibungkus ulang. Kunci induk baru: {vault_path(app)}; "
                   f"kunci lama disimpan di {result.backup}. Cadangkan kunci baru sekarang, lalu jalankan ulang server.")


def vault_path(app):
    return master_key_path(app)
