"""Agenda: the books (incoming cryptograms, copies), their yearly numbering, search, corrections."""
from naskah.core import registry


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.agenda import views

    registry.register_views(app, views)
