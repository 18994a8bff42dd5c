"""Jinja filters and globals, and the full-page-or-partial rule for htmx."""
from flask import render_template, request
from flask_login import current_user

from naskah.core import registry, timeutil
from naskah.models import CHANNELS, CLASSIFICATIONS, ROLE_LABELS, URGENCIES, Role


def is_htmx_partial() -> bool:
    """htmx gets partials; plain requests and history restores get the full page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def render(full: str, partial: str | None = None, **context):
    if partial and is_htmx_partial():
        return render_template(partial, **context)
    return render_template(full, **context)


def layout_data() -> dict:
    """The layout's data (registry.add_layout_data), computed once per request. A full page gets
    it through the context processor below; an htmx partial that updates the layout out of band
    (the board's waiting badge) is handed it by its view; other partials never pay for it."""
    data = getattr(request, "naskah_layout_data", None)
    if data is None:
        data = {name: load() for name, load in registry.of().layout_data.items()}
        request.naskah_layout_data = data
    return data


def _full_page_layout() -> dict:
    return {} if is_htmx_partial() else layout_data()


def init_app(app):
    app.context_processor(_full_page_layout)
    app.jinja_env.filters["wib"] = timeutil.format_datetime
    app.jinja_env.filters["tanggal"] = timeutil.format_date
    app.jinja_env.filters["wib_short"] = timeutil.format_short
    app.jinja_env.globals.update(
        CLASSIFICATIONS=CLASSIFICATIONS, URGENCIES=URGENCIES, CHANNELS=CHANNELS,
        ROLE_LABELS={r.value: label for r, label in ROLE_LABELS.items()}, Role=Role,
        EVENT_LABELS=registry.of(app).event_labels,
    )


def nav_items():
    """The signed-in user's menu: the areas' entries for their role, in order."""
    role = current_user.role
    return [(endpoint, label) for endpoint, label, roles, _ in registry.of().nav if role in roles]


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
    "step.number_copy": "Salinan dinomori dan dicap",
    "step.deliver": "Penerimaan dicatat (disampaikan)",
    "step.archive": "Diarsipkan",
    "content.read": "Isi rahasia dibaca",
    "agenda.correct": "Koreksi agenda",
    "access.denied": "Akses ditolak",
}
