"""The paper area's pages: its blueprints and their menu entries, collected for init_app."""
from naskah.paper.views import archive, delivery, office_settings, prints, verification

BLUEPRINTS = (prints.bp, verification.bp, archive.bp, office_settings.bp, delivery.bp)
NAV = [entry for module in (prints, verification, archive, office_settings) for entry in getattr(module, "NAV", [])]
