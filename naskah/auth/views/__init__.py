"""The auth area's pages: its blueprints and their menu entries, collected for init_app."""
from naskah.auth.views import approvals, login, sessions, twofactor, users

BLUEPRINTS = (login.bp, twofactor.bp, users.bp, sessions.bp, approvals.bp)
NAV = [entry for module in (login, twofactor, users, approvals) for entry in getattr(module, "NAV", [])]
