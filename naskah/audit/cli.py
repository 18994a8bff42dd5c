"""`flask audit verify`: check the audit chain from the command line."""
import sys

import click
from flask.cli import AppGroup

from naskah.audit import chain as audit_mod

audit_cli = AppGroup("audit", help="Jejak audit.")


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
