"""`flask copy-to URL`: every row across, counts equal, audit chain verifies on the target."""
import pytest

from naskah import create_app
from naskah.audit import chain as audit
from naskah.extensions import db
from naskah.models import Document, User
from naskah.workflow import documents
from naskah.workflow import engine as workflow
from tests.conftest import PG_URL, make_config
from tests.factories import Factories, receive_data
from tests.operations.test_backup import pg_sibling_url


@pytest.fixture
def sqlite_source(tmp_path):
    app = create_app(make_config(tmp_path / "src", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/src.sqlite"))
    with app.app_context():
        db.create_all()
    make = Factories(app)
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    for step in (1, 3, 5, 9):
        make.document(step=step, sandiman=sandiman, kasi=kasi)
    app.test_cli_runner().invoke(args=["check"])
    yield app
    with app.app_context():
        db.engine.dispose()


def targets(tmp_path):
    out = [("sqlite", f"sqlite:///{tmp_path}/dst.sqlite")]
    if PG_URL.startswith("postgresql"):
        out.append(("postgresql", pg_sibling_url(PG_URL, "copy")))
    return out


def test_copy_to_every_target(sqlite_source, tmp_path):
    with sqlite_source.app_context():
        source_docs = db.session.scalar(db.select(db.func.count(Document.id)))
        sandiman_id = db.session.scalar(db.select(User.id).where(User.role == "sandiman"))
    for kind, url in targets(tmp_path):
        result = sqlite_source.test_cli_runner().invoke(args=["copy-to", url])
        assert result.exit_code == 0, result.output
        assert "sama di kedua basis data" in result.output and "utuh" in result.output
        target = create_app(make_config(tmp_path / f"t-{kind}", SQLALCHEMY_DATABASE_URI=url))
        with target.app_context():
            assert db.session.scalar(db.select(db.func.count(Document.id))) == source_docs
            assert audit.verify()[0]
            doc = db.session.scalars(db.select(Document).where(Document.step == 9)).first()
            assert documents.read_cryptogram(doc) == b"CRYPTOGRAM-BYTES"
            # New rows continue after the copied ids (sequences moved on PostgreSQL).
            actor = db.session.get(User, sandiman_id)
            new = documents.receive(actor, receive_data(), b"NEW", "n.txt")
            workflow.apply(new, "register", actor)
            db.session.commit()
            assert new.id > source_docs and audit.verify()[0]
            db.session.remove()
            db.engine.dispose()
        result = sqlite_source.test_cli_runner().invoke(args=["copy-to", url])
        assert result.exit_code != 0 and "sudah berisi data" in result.output, kind
