"""One blueprint per feature area: every module here that defines `bp` is registered.

A module may also define `NAV = [(endpoint, label, roles, order), ...]` for the top menu.
"""
import importlib
import pkgutil


def view_modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        yield importlib.import_module(f"{__name__}.{info.name}")


def register_blueprints(app):
    nav = []
    for module in view_modules():
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
        nav.extend(getattr(module, "NAV", []))
    app.config["NAV"] = sorted(nav, key=lambda item: item[3])
