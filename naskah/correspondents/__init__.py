"""The correspondent directory: agencies, their addresses, e-mail addresses, certificates and
pre-shared keys. `init_app` registers the pages and the audit labels."""


def init_app(app):
    from ..templating import EVENT_LABELS
    from . import views

    EVENT_LABELS.update({
        "correspondent.create": "Koresponden ditambahkan",
        "correspondent.update": "Data koresponden diubah",
        "correspondent.merge": "Koresponden digabungkan",
    })
    from . import directory, links
    links.install()
    app.jinja_env.globals["expected_keys"] = directory.expected_keys
    app.jinja_env.globals["agency_suggestions"] = directory.suggestions
    app.register_blueprint(views.bp)
    app.config["NAV"] = sorted([*app.config.get("NAV", []), *views.NAV], key=lambda item: item[3])
