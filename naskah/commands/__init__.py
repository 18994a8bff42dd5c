"""CLI command modules: each module here with `register(app)` adds its commands."""
import importlib
import pkgutil


def register_all(app):
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(app)
