"""The workflow area's pages: its blueprints and their menu entries, collected for init_app."""
from naskah.workflow.desk import views as desk
from naskah.workflow.views import board, documents

BLUEPRINTS = (board.bp, documents.bp, desk.bp)
NAV = [entry for module in (board, documents) for entry in getattr(module, "NAV", [])]
