"""`flask check`: the integrity check from the command line (exit 1 when anything fails)."""
import sys

import click
from flask.cli import with_appcontext

from naskah.operations import integrity


@click.command("check")
@with_appcontext
def check_command():
    """Verify the audit chain, every secret and cryptogram SHA-256, and the database itself."""
    report = integrity.run_and_store("cli")
    click.echo(integrity.format_report(report), err=not report["ok"])
    if not report["ok"]:
        sys.exit(1)
