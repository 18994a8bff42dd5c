"""The correspondent directory: agencies, their addresses, e-mail addresses, certificates and
pre-shared keys; its pages, and the link that puts every key and certificate in it."""
from naskah.core import registry

EVENT_LABELS = {
    "correspondent.create": "Koresponden ditambahkan",
    "correspondent.update": "Data koresponden diubah",
    "correspondent.merge": "Koresponden digabungkan",
}


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.correspondents import links, views

    registry.register_views(app, views)
    registry.add_event_labels(app, EVENT_LABELS)
    links.install()
