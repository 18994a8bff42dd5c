"""Decryption: the office's identities and shared keys, the decrypt step, attachments; pages, CLI."""
from naskah.core import registry


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.decryption import cli, decrypt, kriptogram_cli, labels, views

    registry.register_views(app, views)
    registry.add_event_labels(app, labels.EVENT_LABELS)
    app.cli.add_command(cli.keys_cli)
    app.cli.add_command(kriptogram_cli.kriptogram_cli)
    decrypt.init_hooks(app)
