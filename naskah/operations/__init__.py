"""Operations: set-up, backup and restore, copy to another database, master key, integrity,
the scheduler, the server, the demo data; the integrity page and the commands."""
from naskah.core import registry, settings


def init_app(app):
    # Imported here, not at the top: importing one module of this area (a domain module another
    # area uses) must not load its views and, through them, half of the app.
    from naskah.operations import backup_cli, cli, demo, health, integrity, integrity_cli, masterkey_cli, views

    registry.register_views(app, views)
    app.add_url_rule("/healthz", "healthz", health.healthz)
    settings.register_defaults(integrity.SETTINGS_DEFAULTS)
    app.cli.add_command(cli.init_command)
    app.cli.commands["keys"].add_command(masterkey_cli.rotate_master)  # beside the decryption area's key commands
    app.cli.add_command(demo.demo_command)
    app.cli.add_command(integrity_cli.check_command)
    for command in (backup_cli.backup_command, backup_cli.restore_command, backup_cli.copy_to_command):
        app.cli.add_command(command)
