"""The correspondent directory: agencies, their addresses, e-mail addresses, certificates and
pre-shared keys; its pages, and the link that puts every key and certificate in it."""
from naskah.core import registry
from naskah.correspondents import links, views

EVENT_LABELS = {
    "correspondent.create": "Koresponden ditambahkan",
    "correspondent.update": "Data koresponden diubah",
    "correspondent.merge": "Koresponden digabungkan",
}


def init_app(app):
    registry.register_views(app, views)
    registry.add_event_labels(app, EVENT_LABELS)
    links.install()
