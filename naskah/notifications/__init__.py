"""Notifications: who waits for whom (the badge) and the optional e-mail nudge."""
from naskah.core import registry, settings


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.notifications import views, waiting

    registry.register_views(app, views)
    registry.add_layout_data(app, "waiting_badge", views.waiting_badge)
    settings.register_defaults(waiting.SETTINGS_DEFAULTS)
    waiting.init_app(app)
