"""Paper: letters, print rules and views, the e-signature and the office CA, verification of
issued papers, archive and disposal, and the office settings printed on them."""
from naskah.core import registry, settings


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.paper import archive, cli, esign, hooks, labels, office, print_rules, progress, views

    registry.register_views(app, views)
    registry.add_event_labels(app, labels.EVENT_LABELS)
    settings.register_defaults(office.SETTINGS_DEFAULTS)
    hooks.init_hooks(app)
    app.after_request(esign.record_failures)  # wrong passphrases, counted after the request's work
    registry.add_document_section(app, "printing/_doc_prints.html", print_rules.document_section)
    registry.add_document_facts(app, "archive", archive.document_facts)
    registry.add_document_facts(app, "delivery", lambda doc, user: progress.progress(doc))
    app.cli.add_command(cli.pki_cli)
