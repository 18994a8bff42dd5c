"""The sla area's pages: its blueprints and their menu entries, collected for init_app."""
from naskah.sla.views import calendar, reports

BLUEPRINTS = (calendar.bp, reports.bp)
NAV = [entry for module in (calendar, reports) for entry in getattr(module, "NAV", [])]
