"""Flask extensions, created once and bound to the app in create_app()."""
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

db = SQLAlchemy(metadata=metadata)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()


def init_migrate(app, directory: str) -> None:
    """Flask-Migrate for the `flask db` commands and the setup. Imported here, not at the top:
    importing it imports Alembic (about 0.45 s and 10 MB at every start), which a serving
    process never uses (naskah.operations.serve creates the app with commands=False)."""
    from flask_migrate import Migrate
    Migrate(app, db, directory=directory, render_as_batch=True)
