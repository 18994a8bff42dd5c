"""Auth: sign-in, sessions, role guards, passwords, throttles, two-factor, users; pages and CLI."""
from naskah.core import registry


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.auth import cli, guards, views

    guards.init_app(app)
    registry.register_views(app, views)
    app.cli.add_command(cli.user_cli)
