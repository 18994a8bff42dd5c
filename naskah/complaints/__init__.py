"""Complaints: the desk's flow, targets, register, survey and access codes; desk, public, reports."""
from naskah.core import registry, settings


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.complaints import cli, labels, targets, views

    registry.register_views(app, views)
    registry.add_event_labels(app, labels.EVENT_LABELS)
    settings.register_defaults(targets.SETTINGS_DEFAULTS)
    app.cli.add_command(cli.group)
