"""E-mail intake: mailboxes the office watches, the poll that makes step-1 cards, its page and
its `flask mailbox` commands. `init_app` wires them; nothing registers itself on import."""
import os


def init_app(app):
    from ..templating import EVENT_LABELS
    from . import cli, mailboxes, views

    app.config.setdefault("INTAKE_POLL_SECONDS", 60)      # scheduled poll interval per mailbox
    app.config.setdefault("INTAKE_LEASE_SECONDS", 300)    # a crashed poller's lease expires after this
    app.config.setdefault("INTAKE_TIMEOUT", 30)           # IMAP socket timeout
    app.config.setdefault("INTAKE_RETRIES", 3)            # reconnects per poll after a dropped connection
    app.config.setdefault("INTAKE_BATCH", 50)             # messages per poll
    app.config.setdefault("INTAKE_MAX_BYTES", app.config["CRYPTOGRAM_MAX_BYTES"])
    app.config.setdefault("INTAKE_CA_FILE", None)         # extra CA (PEM) for the IMAP server's certificate
    for key in ("INTAKE_POLL_SECONDS", "INTAKE_LEASE_SECONDS", "INTAKE_TIMEOUT", "INTAKE_RETRIES", "INTAKE_MAX_BYTES"):
        if os.environ.get(f"NASKAH_{key}", "").isdigit():
            app.config[key] = int(os.environ[f"NASKAH_{key}"])
    if os.environ.get("NASKAH_INTAKE_CA_FILE"):
        app.config["INTAKE_CA_FILE"] = os.environ["NASKAH_INTAKE_CA_FILE"]

    EVENT_LABELS.update({
        "mailbox.add": "Kotak surat ditambahkan", "mailbox.update": "Kotak surat diubah",
        "mailbox.test": "Sambungan kotak surat diuji", "mailbox.poll": "Kotak surat diperiksa",
        "mail.refused": "Surel ditolak", "mail.evidence_download": "Surel asli diunduh",
        "mail.evidence_denied": "Unduh surel asli ditolak",
    })
    app.register_blueprint(views.bp)
    app.config["NAV"] = sorted([*app.config.get("NAV", []), *views.NAV], key=lambda item: item[3])
    app.cli.add_command(cli.mailbox_cli)
    app.jinja_env.globals["mail_message_for"] = mailboxes.message_for
    app.jinja_env.globals["SIGNATURE_LABELS"] = mailboxes.SIGNATURE_LABELS
