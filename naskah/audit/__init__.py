"""Audit: the append-only hash chain of every action, its verification, the audit page and CLI."""
from naskah.core import registry


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.audit import cli, trail, views

    registry.register_views(app, views)
    registry.add_event_labels(app, trail.EVENT_LABELS)
    app.cli.add_command(cli.audit_cli)
