"""Directory pages (/admin/koresponden): admin only, every change one audit event, all field
problems at once, and the receive form's autocomplete (a <datalist>, no JavaScript needed)."""
import pytest

from naskah.correspondents import directory
from naskah.extensions import db
from naskah.models import AuditEvent
from naskah.models.correspondent import Correspondent
from tests.factories import login


def as_role(app, make, role):
    client = app.test_client()
    login(client, make.user(role))
    return client


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def dir_events(app):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("correspondent.%"))).all()


def seed(app, **data):
    with app.app_context():
        entry = directory.create({"name": "Badan Siber dan Sandi Negara", **data}, None, audited=False)
        db.session.commit()
        return entry.id


NEW = {"name": "Dinas Kominfo Kota", "short_name": "Diskominfo", "address": "Jl. Merdeka 1",
       "contact": "Bu Sari 0812", "emails": "sandi@kota.go.id\nkominfo@kota.go.id"}


@pytest.mark.parametrize("role", ["sandiman", "kasi", "petugas", "pejabat"])
def test_others_cannot_manage(app, make, role):
    corr_id = seed(app)
    client = as_role(app, make, role)
    assert client.get("/admin/koresponden/").status_code == 403
    assert client.post("/admin/koresponden/baru", data=NEW).status_code == 403
    assert client.post(f"/admin/koresponden/{corr_id}", data=NEW).status_code == 403
    assert count(app, Correspondent) == 1 and dir_events(app) == []


def test_admin_creates_edits_and_lists(app, make):
    client = as_role(app, make, "admin")
    r = client.post("/admin/koresponden/baru", data=NEW)
    assert r.status_code == 302 and dir_events(app) == ["correspondent.create"]
    page = client.get(r.location).get_data(as_text=True)
    assert "Diskominfo" in page and "sandi@kota.go.id" in page
    corr_id = int(r.location.rstrip("/").rsplit("/", 1)[-1])
    r = client.post(f"/admin/koresponden/{corr_id}", data={**NEW, "emails": "sandi@kota.go.id"})
    assert r.status_code == 302 and dir_events(app) == ["correspondent.create", "correspondent.update"]
    with app.app_context():
        assert [e.address for e in db.session.get(Correspondent, corr_id).emails] == ["sandi@kota.go.id"]
    listing = client.get("/admin/koresponden/?q=kota").get_data(as_text=True)
    assert "Dinas Kominfo Kota" in listing


def test_bad_input_shows_every_problem_and_saves_nothing(app, make):
    seed(app, short_name="BSSN", emails="a@bssn.go.id")
    client = as_role(app, make, "admin")
    r = client.post("/admin/koresponden/baru", data={"name": "badan siber dan sandi negara", "short_name": "bssn",
                                                      "emails": "a@bssn.go.id bukan-alamat"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "sudah ada di direktori" in page and "sudah dipakai" in page and "bukan-alamat" in page
    r = client.post("/admin/koresponden/baru", data={"name": "", "emails": "x@"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Wajib diisi." in page and "tidak valid" in page
    assert count(app, Correspondent) == 1 and dir_events(app) == []


def test_merge_page(app, make):
    keep = seed(app)
    with app.app_context():
        dup = directory.create({"name": "BSSN RI", "emails": "x@bssn.go.id"}, None, audited=False).id
        db.session.commit()
    client = as_role(app, make, "admin")
    r = client.post(f"/admin/koresponden/{dup}/gabung", data={"target_id": ""})
    assert r.status_code == 400 and dir_events(app) == []
    r = client.post(f"/admin/koresponden/{dup}/gabung", data={"target_id": str(keep)})
    assert r.status_code == 302 and dir_events(app) == ["correspondent.merge"]
    page = client.get(f"/admin/koresponden/{keep}").get_data(as_text=True)
    assert "BSSN RI" in page and "x@bssn.go.id" in page
    merged = client.get(f"/admin/koresponden/{dup}").get_data(as_text=True)
    assert "telah digabungkan" in merged
    assert "BSSN RI" not in client.get("/admin/koresponden/").get_data(as_text=True)


def test_receive_form_offers_the_directory(app, make):
    seed(app, short_name="BSSN")
    client = as_role(app, make, "sandiman")
    page = client.get("/dokumen/baru").get_data(as_text=True)
    assert 'list="agency-list"' in page
    assert '<datalist id="agency-list"><option value="Badan Siber dan Sandi Negara">' in page


def test_decrypt_form_names_the_keys_to_expect(app, make):
    from cryptography.fernet import Fernet

    from naskah.decryption import identities as keystore
    with app.app_context():
        directory.create({"name": "Badan Siber dan Sandi Negara", "short_name": "BSSN"})
        keystore.import_fernet("bssn-2026", "Badan Siber dan Sandi Negara", Fernet.generate_key())
        db.session.commit()
    sandiman = make.user("sandiman")
    doc_id = make.document(step=4, sandiman=sandiman, sender_agency="BSSN")
    client = app.test_client()
    login(client, sandiman)
    page = client.get(f"/dokumen/{doc_id}/aksi/decrypt").get_data(as_text=True)
    assert "Dari direktori koresponden, Badan Siber dan Sandi Negara" in page and "bssn-2026" in page
