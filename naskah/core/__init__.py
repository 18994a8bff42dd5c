"""Core: what every area uses (errors, templating, time, settings, forms, db tuning, web plumbing).

Core imports no area; areas import core. The models import `core.timeutil`, so this package
must load without pulling in the modules that import the models: `init_app` imports them.
"""


def init_app(app):
    from naskah.core import cli_i18n, dbtuning, errors, forms, registry, reqlog, search, staticfiles, templating

    forms.install()
    cli_i18n.install()  # click's own words (Penggunaan, Opsi, errors) in Indonesian
    dbtuning.init_app(app)
    search.init_app(app)
    reqlog.init_app(app)
    staticfiles.init_app(app)
    templating.init_app(app)
    registry.add_event_labels(app, templating.EVENT_LABELS)
    errors.register_error_handlers(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix  # only behind a reverse proxy
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
