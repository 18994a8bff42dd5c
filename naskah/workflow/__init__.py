"""Workflow: the nine steps as data, the transition service, intake, the board and resends."""
from naskah.core import registry


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.workflow import delivery, engine, resend, views

    registry.register_views(app, views)
    app.jinja_env.globals.update(
        STEPS=list(engine.Step), STEP_LABELS=engine.STEP_LABELS, STEP_DESCRIPTIONS=engine.STEP_DESCRIPTIONS)
    resend.init_app(app)
    for name, (predicate, message) in delivery.CONDITIONS.items():  # step 8 in paper order
        engine.add_condition(app, name, predicate, message)
    views.desk.init_app(app)  # the step panels' extras, the lembar disposisi (issue 15)
