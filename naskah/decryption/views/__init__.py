"""The decryption area's pages: its blueprints and their menu entries, collected for init_app."""
from naskah.decryption.views import downloads, keys

BLUEPRINTS = (keys.bp, downloads.bp)
NAV = [entry for module in (keys, downloads) for entry in getattr(module, "NAV", [])]
