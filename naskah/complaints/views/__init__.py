"""The complaints area's pages: its blueprints and their menu entries, collected for init_app."""
from naskah.complaints.views import desk, public, reports

BLUEPRINTS = (desk.bp, public.bp, reports.bp)
NAV = [entry for module in (desk, public, reports) for entry in getattr(module, "NAV", [])]
