"""At the desk (issue 15): what the step panels show, result messages, due-time wording."""


def init_app(app):
    """Blueprint and template globals of the desk area."""
    from flask_login import current_user

    from naskah.workflow import documents
    from naskah.workflow.desk import panels
    from naskah.workflow.desk.views import bp
    app.register_blueprint(bp)
    app.jinja_env.globals["desk_panel"] = lambda doc, action: panels.panel(doc, action, current_user)
    from naskah.core.templating import is_htmx_partial
    app.jinja_env.globals["htmx_partial"] = is_htmx_partial
    from naskah.core import settings
    from naskah.paper import svglogo
    app.jinja_env.globals["logo_uri"] = svglogo.data_uri

    @app.context_processor
    def office_identity():
        """A callable: the public pages' header (government, office, logo) costs nothing elsewhere."""
        return {"office_identity": lambda: {"government": settings.get("office_government"),
                                            "name": settings.get("office_name"),
                                            "logo": svglogo.data_uri(settings.get("office_logo"))}}

    app.jinja_env.globals["documents_can_read"] = lambda doc: documents.can_read_content(doc, current_user)
