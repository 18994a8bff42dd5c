"""Jinja filters and globals, and the full-page-or-partial rule for htmx."""
from flask import render_template, request
from flask_login import current_user

from . import timeutil
from .models import CHANNELS, CLASSIFICATIONS, ROLE_LABELS, URGENCIES, Role


def is_htmx_partial() -> bool:
    """htmx gets partials; plain requests and history restores get the full page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def render(full: str, partial: str | None = None, **context):
    if partial and is_htmx_partial():
        return render_template(partial, **context)
    return render_template(full, **context)


def init_app(app):
    from .workflow import STEP_DESCRIPTIONS, STEP_LABELS, Step

    app.jinja_env.filters["wib"] = timeutil.format_datetime
    app.jinja_env.filters["tanggal"] = timeutil.format_date
    app.jinja_env.filters["wib_short"] = timeutil.format_short
    app.jinja_env.globals.update(
        STEPS=list(Step), STEP_LABELS=STEP_LABELS, STEP_DESCRIPTIONS=STEP_DESCRIPTIONS,
        CLASSIFICATIONS=CLASSIFICATIONS, URGENCIES=URGENCIES, CHANNELS=CHANNELS,
        ROLE_LABELS={r.value: label for r, label in ROLE_LABELS.items()}, Role=Role,
    )

    from . import workflow

    app.jinja_env.globals["EVENT_LABELS"] = EVENT_LABELS
    app.jinja_env.globals["actions_for"] = lambda doc: workflow.allowed(doc, current_user)

    @app.context_processor
    def inject_nav():
        from .security import second_factor_pending
        signed_in = current_user.is_authenticated and not second_factor_pending()
        return {"nav": _nav_items() if signed_in else []}


def _nav_items():
    from flask import current_app
    return [(endpoint, label) for endpoint, label, roles, _ in current_app.config.get("NAV", [])
            if current_user.role in roles]


EVENT_LABELS = {
    "document.receive": "Kriptogram diterima",
    "step.register": "Diagendakan",
    "step.report": "Dilaporkan ke Kasi",
    "step.assign": "Ditugaskan (disposisi)",
    "step.decrypt": "Didekripsi, salinan diketik",
    "step.revise": "Salinan diperbaiki",
    "step.initial": "Diparaf dan diajukan",
    "step.sign": "Ditandatangani Kasi",
    "step.return": "Dikembalikan untuk perbaikan",
    "step.deliver": "Dinomori dan didistribusikan",
    "step.archive": "Diarsipkan",
    "content.read": "Isi rahasia dibaca",
    "agenda.correct": "Koreksi agenda",
    "access.denied": "Akses ditolak",
}
