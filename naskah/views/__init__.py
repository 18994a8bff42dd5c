"""One blueprint per feature area."""


def register_blueprints(app):
    from . import admin, agenda, audit_log, auth, board, documents
    for module in (auth, board, documents, agenda, admin, audit_log):
        app.register_blueprint(module.bp)
