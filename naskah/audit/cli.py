"""`flask audit verify`: check the audit chain from the command line."""
import sys

import click
from flask.cli import AppGroup

from naskah.audit import chain as audit_mod
from naskah.audit.checkpoint import make_checkpoint, verify_checkpoints
from naskah.extensions import db

audit_cli = AppGroup("audit", help="Jejak audit.")


@audit_cli.command("verify")
def audit_verify():
    """Cetak OK, atau kejadian pertama yang rusak (kode keluar bukan nol bila rantai rusak)."""
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
        click.echo(f"RUSAK: rantai tidak cocok dengan kepala rantai: ekornya dipotong atau kepala rantai diubah "
                   f"(diperiksa {checked}).", err=True)
    else:
        click.echo(f"RUSAK: kejadian #{event.seq} (id {event.id}, {event.action}) tidak cocok dengan rantai.",
                   err=True)
    sys.exit(1)


@audit_cli.command("checkpoint")
def audit_checkpoint():
    """Tanda tangani kepala rantai sekarang dengan kunci CA kantor (pemeriksaan harian juga melakukannya)."""
    row = make_checkpoint()
    if row is None:
        click.echo("Tidak dapat membuat checkpoint: CA kantor belum ada (flask pki init) atau rantai kosong.",
                   err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Checkpoint #{row.seq} ditandatangani; kepala {audit_mod.head_fingerprint()}.")
