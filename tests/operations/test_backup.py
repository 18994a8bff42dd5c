"""Backup and restore: encrypted, checksummed, consistent under concurrent writes."""
import os
import threading
import time

from sqlalchemy.engine import make_url

from naskah import create_app
from naskah.audit import chain as audit
from naskah.extensions import db
from naskah.models import AgendaEntry, Document, User
from naskah.operations.backup import MAGIC
from naskah.workflow import documents
from naskah.workflow import engine as workflow
from tests.conftest import make_config
from tests.factories import receive_data

PASS = "kuda-lumping-sembilan-9"
ENV = {"NASKAH_BACKUP_PASSPHRASE": PASS}


def pg_sibling_url(url: str, suffix: str) -> str:
    """A second PostgreSQL database beside the test one (created if missing, emptied)."""
    import psycopg
    u = make_url(url)
    name = f"{u.database}_{suffix}"
    conninfo = dict(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username, dbname=u.database)
    if u.password:
        conninfo["password"] = u.password
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    conninfo["dbname"] = name
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return u.set(database=name).render_as_string(hide_password=False)


def fresh_target(tmp_path, source_app, name="restored"):
    url = source_app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        url = pg_sibling_url(url, "restore")
    else:
        url = f"sqlite:///{tmp_path / name}.sqlite"
    return create_app(make_config(tmp_path / name, SQLALCHEMY_DATABASE_URI=url))


def register_one(app, sandiman_id):
    with app.app_context():
        actor = db.session.get(User, sandiman_id)
        doc = documents.receive(actor, receive_data(), os.urandom(64), "k.p7m")
        workflow.apply(doc, "register", actor)
        db.session.commit()
        return doc.id


def invoke(app, *args, env=ENV, **kw):
    return app.test_cli_runner().invoke(args=list(args), env=env, **kw)


def test_backup_during_writes_restores_every_committed_record(app, make, tmp_path):
    sandiman = make.user("sandiman")
    make.document(step=5)
    committed, stop, errors = [], threading.Event(), []

    def writer():
        while not stop.is_set():
            try:
                committed.append(register_one(app, sandiman.id))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    while len(committed) < 15 and not errors:
        time.sleep(0.02)
    before_snapshot = set(committed)
    result = invoke(app, "backup", str(tmp_path / "cadangan.nsb"))
    time.sleep(0.2)  # keep writing after the snapshot too
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "cadangan.nsb").read_bytes()
    assert raw.startswith(MAGIC) and b"BSSN" not in raw and b"Badan Siber" not in raw

    target = fresh_target(tmp_path, app)
    result = invoke(target, "restore", str(tmp_path / "cadangan.nsb"))
    assert result.exit_code == 0, result.output
    assert "Rantai audit: utuh" in result.output and "cocok dengan manifest" in result.output
    with target.app_context():
        ids = set(db.session.scalars(db.select(Document.id)))
        assert before_snapshot <= ids, f"lost: {sorted(before_snapshot - ids)}"
        numbers = sorted(db.session.scalars(db.select(AgendaEntry.number)))
        assert numbers == list(range(1, len(numbers) + 1))
        assert audit.verify()[0]
        doc = db.session.get(Document, min(before_snapshot))
        assert documents.read_cryptogram(doc) is not None  # the restored master key opens the vault
        db.session.remove()
        db.engine.dispose()


def test_wrong_passphrase_tamper_and_truncation_are_refused(app, make, tmp_path):
    make.document(step=2)
    path = tmp_path / "b.nsb"
    assert invoke(app, "backup", str(path)).exit_code == 0
    target = fresh_target(tmp_path, app)
    result = invoke(target, "restore", str(path), env={"NASKAH_BACKUP_PASSPHRASE": "salah-frasa-sandi-x"})
    assert result.exit_code != 0 and "Frasa sandi salah" in result.output
    data = bytearray(path.read_bytes())
    data[-40] ^= 1
    (tmp_path / "t.nsb").write_bytes(bytes(data))
    result = invoke(target, "restore", str(tmp_path / "t.nsb"))
    assert result.exit_code != 0 and "rusak" in result.output
    (tmp_path / "c.nsb").write_bytes(path.read_bytes()[:-100])
    result = invoke(target, "restore", str(tmp_path / "c.nsb"))
    assert result.exit_code != 0
    with target.app_context():
        from naskah.operations.restore import database_is_empty
        assert database_is_empty()
        db.engine.dispose()


def test_restore_refuses_a_non_empty_instance_unless_forced(app, make, tmp_path):
    make.document(step=3)
    path = tmp_path / "b.nsb"
    assert invoke(app, "backup", str(path)).exit_code == 0
    result = invoke(app, "restore", str(path))
    assert result.exit_code != 0 and "tidak kosong" in result.output
    result = invoke(app, "restore", str(path), "--force")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 1


def test_short_passphrase_refused(app, tmp_path):
    result = invoke(app, "backup", str(tmp_path / "x.nsb"), env={"NASKAH_BACKUP_PASSPHRASE": "pendek"})
    assert result.exit_code != 0 and "minimal" in result.output
    assert not (tmp_path / "x.nsb").exists()


def test_passphrase_from_stdin_and_instance_files_restored(tmp_path):
    src = create_app({**make_config(tmp_path / "a", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/a.sqlite"),
                      "MASTER_KEY": None, "SECRET_KEY": None, "AUDIT_KEY": None})
    with src.app_context():
        db.create_all()
    (tmp_path / "a" / "instance" / "config.py").write_text("OFFICE_CITY = 'Batang'\n")
    result = src.test_cli_runner().invoke(args=["backup", str(tmp_path / "s.nsb"), "--passphrase-stdin"],
                                          input=PASS + "\n", env={"NASKAH_BACKUP_PASSPHRASE": ""})
    assert result.exit_code == 0, result.output
    dst = create_app({**make_config(tmp_path / "b", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/b.sqlite"),
                      "MASTER_KEY": None, "SECRET_KEY": None, "AUDIT_KEY": None})
    result = dst.test_cli_runner().invoke(args=["restore", str(tmp_path / "s.nsb"), "--passphrase-stdin"],
                                          input=PASS + "\n", env={"NASKAH_BACKUP_PASSPHRASE": ""})
    assert result.exit_code == 0, result.output
    a, b = tmp_path / "a" / "instance", tmp_path / "b" / "instance"
    for name in ("master.key", "secret_key", "audit.key", "config.py"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert oct((b / "master.key").stat().st_mode & 0o777) == "0o600"
    for each in (src, dst):
        with each.app_context():
            db.engine.dispose()


def test_database_files_hold_no_decrypted_text(app, make, client):
    """A stolen database file (with its WAL) shows no secret message or cryptogram text."""
    from tests.factories import login
    sandiman = make.user("sandiman")
    doc_id = make.document(step=4, sandiman=sandiman)
    login(client, sandiman)
    secret = "RAHASIA-NEGARA-PASUKAN-BERANGKAT-0600"
    r = client.post(f"/dokumen/{doc_id}/aksi/decrypt", data={
        "plaintext": secret, "addressee": "Wali Kota", "subject": "Uji", "copy_index": "1", "copy_total": "1"})
    assert r.status_code == 302
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        return
    path = make_url(url).database
    raw = b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))
    assert secret.encode() not in raw and b"CRYPTOGRAM-BYTES" not in raw
