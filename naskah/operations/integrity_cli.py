"""`flask check`: the integrity check from the command line (exit 1 when anything fails)."""
import sys

import click
from flask.cli import with_appcontext

from naskah.operations import integrity


@click.command("check")
@with_appcontext
def check_command():
    """Periksa rantai audit, SHA-256 setiap rahasia dan kriptogram, serta basis data itu sendiri."""
    report = integrity.run_and_store("cli")
    click.echo(integrity.format_report(report), err=not report["ok"])
    if not report["ok"]:
        sys.exit(1)
