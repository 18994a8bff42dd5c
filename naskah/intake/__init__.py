"""E-mail intake: mailboxes the office watches, the poll that makes step-1 cards, its page, its
section on the document page and its `flask mailbox` commands."""
import os

from naskah.core import registry
from naskah.intake import cli, mailboxes, views

EVENT_LABELS = {
    "mailbox.add": "Kotak surat ditambahkan", "mailbox.update": "Kotak surat diubah",
    "mailbox.test": "Sambungan kotak surat diuji", "mailbox.poll": "Kotak surat diperiksa",
    "mail.refused": "Surel ditolak", "mail.evidence_download": "Surel asli diunduh",
    "mail.evidence_denied": "Unduh surel asli ditolak",
}
DEFAULTS = {
    "INTAKE_POLL_SECONDS": 60,      # scheduled poll interval per mailbox
    "INTAKE_LEASE_SECONDS": 300,    # a crashed poller's lease expires after this
    "INTAKE_TIMEOUT": 30,           # IMAP socket timeout
    "INTAKE_RETRIES": 3,            # reconnects per poll after a dropped connection
    "INTAKE_BATCH": 50,             # messages per poll
    "INTAKE_CA_FILE": None,         # extra CA (PEM) for the IMAP server's certificate
}


def configure(app) -> None:
    """Defaults, then NASKAH_INTAKE_* environment variables (numbers and the CA file)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("INTAKE_MAX_BYTES", app.config["CRYPTOGRAM_MAX_BYTES"])
    for key in ("INTAKE_POLL_SECONDS", "INTAKE_LEASE_SECONDS", "INTAKE_TIMEOUT", "INTAKE_RETRIES", "INTAKE_MAX_BYTES"):
        if os.environ.get(f"NASKAH_{key}", "").isdigit():
            app.config[key] = int(os.environ[f"NASKAH_{key}"])
    if os.environ.get("NASKAH_INTAKE_CA_FILE"):
        app.config["INTAKE_CA_FILE"] = os.environ["NASKAH_INTAKE_CA_FILE"]


def init_app(app):
    configure(app)
    registry.register_views(app, views)
    registry.add_event_labels(app, EVENT_LABELS)
    registry.add_document_section(app, "intake/_doc_mail.html", mailboxes.document_section)
    app.cli.add_command(cli.mailbox_cli)
