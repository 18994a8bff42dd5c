"""The auth area's pages: its blueprints and their menu entries, collected for init_app."""
from naskah.auth.views import login, twofactor, users

BLUEPRINTS = (login.bp, twofactor.bp, users.bp)
NAV = [entry for module in (login, twofactor, users) for entry in getattr(module, "NAV", [])]
