"""SLA: the office calendar, due times, WIP limits, the figures, the monthly report and charts."""
from naskah.core import registry, settings


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.sla import calendar_settings, due, views

    registry.register_views(app, views)
    settings.register_defaults(due.SETTINGS_DEFAULTS)
    settings.register_defaults(calendar_settings.SETTINGS_DEFAULTS)
