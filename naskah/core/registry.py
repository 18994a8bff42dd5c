"""What the feature areas add to one app, collected by their `init_app` in `create_app`'s order.

Nothing registers itself when a module is imported: an area that is not in `naskah.AREAS` adds
nothing, and removing an area's `init_app` line removes exactly what that area contributes.
"""
from dataclasses import dataclass, field

from flask import Flask, current_app


@dataclass
class Registry:
    nav: list = field(default_factory=list)             # (endpoint, label, roles, order)
    event_labels: dict = field(default_factory=dict)    # audit action -> Indonesian label
    settings_defaults: dict = field(default_factory=dict)
    hooks: dict = field(default_factory=dict)           # (when, action) -> [hook(ctx)]
    conditions: dict = field(default_factory=dict)      # workflow condition name -> (predicate, message)
    document_sections: list = field(default_factory=list)  # (template, context(doc, user)) on the document page
    document_facts: dict = field(default_factory=dict)     # name -> facts(doc, user) inside the page's own blocks
    layout_data: dict = field(default_factory=dict)        # name -> data() the layout (base.html) shows


def of(app: Flask | None = None) -> Registry:
    app = app or current_app
    return app.extensions.setdefault("naskah_registry", Registry())


def add_nav(app: Flask, *entries) -> None:
    reg = of(app)
    reg.nav.extend(entries)
    reg.nav.sort(key=lambda item: (item[3], item[0]))  # by order, then endpoint: a stable menu


def add_event_labels(app: Flask, labels: dict) -> None:
    of(app).event_labels.update(labels)


def add_settings_defaults(app: Flask, values: dict) -> None:
    of(app).settings_defaults.update(values)


def register_views(app: Flask, views) -> None:
    """An area's blueprints and menu entries: `views.bp` and `views.NAV`, or the `BLUEPRINTS`
    and `NAV` its views package collects."""
    for bp in getattr(views, "BLUEPRINTS", None) or (views.bp,):
        app.register_blueprint(bp)
    add_nav(app, *getattr(views, "NAV", []))


def add_document_section(app: Flask, template: str, context) -> None:
    """A section of another area on the document page: `context(doc, user)` gives its data."""
    of(app).document_sections.append((template, context))


def add_layout_data(app: Flask, name: str, data) -> None:
    """Data the layout shows on every page (the waiting badge, the public header): `data()` is
    computed once per request, for a full page or for a partial that updates the layout out of
    band (core.templating.layout_data); templates read it as the plain value `name`."""
    of(app).layout_data[name] = data


def add_document_facts(app: Flask, name: str, facts) -> None:
    """Data of another area that the document page shows in its own blocks (`facts(doc, user)`
    -> dict, read by the template as facts[name]): the view computes it, no template global."""
    of(app).document_facts[name] = facts


def document_facts(doc, user) -> dict:
    return {name: facts(doc, user) for name, facts in of().document_facts.items()}


def document_sections(doc, user) -> list[tuple[str, dict]]:
    """The sections' templates with their data, computed by the view before rendering."""
    return [(template, context(doc, user)) for template, context in of().document_sections]
