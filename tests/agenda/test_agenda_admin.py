"""Agenda book pages and user administration."""
from naskah.extensions import db
from naskah.models import AgendaEntry, AuditEvent, User
from tests.factories import login


def test_agenda_search_pagination_and_print(app, client, make):
    sandiman = make.user("sandiman")
    for i in range(30):
        make.document(step=2, sandiman=sandiman, sender_agency=f"Instansi {'Alpha' if i % 3 else 'Bravo'} {i}",
                      classification="SR" if i % 2 else "B")
    login(client, sandiman)
    r = client.get("/agenda/")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "30 entri" in body and "Halaman 1 dari 2" in body
    assert "0030/" in body and "kriptogram" in body
    assert "10 entri" in client.get("/agenda/?sender=bravo").get_data(as_text=True)
    assert "15 entri" in client.get("/agenda/?classification=SR").get_data(as_text=True)
    assert "1 entri" in client.get("/agenda/?number=7").get_data(as_text=True)
    assert "Halaman 2 dari 2" in client.get("/agenda/?page=2").get_data(as_text=True)
    bad = client.get("/agenda/?date_from=kemarin&page=abc")
    assert bad.status_code == 200 and "Tanggal tidak valid" in bad.get_data(as_text=True)
    printed = client.get("/agenda/cetak?classification=SR").get_data(as_text=True)
    assert "BUKU AGENDA KRIPTOGRAM MASUK" in printed and printed.count("<tr>") == 16


def test_correction_is_a_new_entry(app, client, make):
    sandiman = make.user("sandiman")
    make.document(step=2, sandiman=sandiman)
    login(client, sandiman)
    with app.app_context():
        original = db.session.scalar(db.select(AgendaEntry))
        before = (original.id, original.sender, original.summary)
    r = client.post(f"/agenda/{before[0]}/koreksi", data={"notes": "Nomor surat seharusnya R/2/2026"})
    assert r.status_code == 302
    with app.app_context():
        entries = db.session.scalars(db.select(AgendaEntry).order_by(AgendaEntry.number)).all()
        assert len(entries) == 2
        assert (entries[0].id, entries[0].sender, entries[0].summary) == before
        assert entries[1].kind == "koreksi" and entries[1].corrects_id == before[0] and entries[1].number == 2
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "agenda.correct")) == 1
    r = client.post(f"/agenda/{before[0]}/koreksi", data={"notes": ""})
    assert r.status_code == 400 and "Wajib diisi." in r.get_data(as_text=True)


def test_correction_forbidden_for_pejabat(app, client, make):
    make.document(step=2)
    login(client, make.user("pejabat"))
    with app.app_context():
        entry_id = db.session.scalar(db.select(AgendaEntry.id))
    assert client.post(f"/agenda/{entry_id}/koreksi", data={"notes": "x"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AgendaEntry.id))) == 1


def test_admin_creates_user_with_one_time_password(app, client, make):
    login(client, make.user("admin"))
    r = client.post("/admin/pengguna", data={"username": "baru", "full_name": "Pengguna Baru", "role": "sandiman"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "Kata sandi sekali pakai" in body
    password = body.split('class="otp">')[1].split("<")[0]
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "baru"))
        assert user.must_change_password and user.check_password(password)
        assert password not in user.password_hash
    dup = client.post("/admin/pengguna", data={"username": "baru", "full_name": "X", "role": "sandiman"})
    assert dup.status_code == 400 and "sudah dipakai" in dup.get_data(as_text=True)


def test_admin_deactivates_and_resets(app, client, make):
    admin, target = make.user("admin"), make.user("sandiman")
    login(client, admin)
    client.post(f"/admin/pengguna/{target.id}/aktif")
    with app.app_context():
        assert db.session.get(User, target.id).active is False
    r = client.post(f"/admin/pengguna/{target.id}/reset")
    assert "Kata sandi sekali pakai" in r.get_data(as_text=True)
    r = client.post(f"/admin/pengguna/{admin.id}/aktif")
    assert r.status_code == 400  # cannot deactivate oneself
    with app.app_context():
        assert db.session.get(User, admin.id).active is True


def test_non_admin_cannot_manage_users(app, client, make):
    target = make.user("sandiman")
    login(client, make.user("kasi"))
    assert client.get("/admin/pengguna").status_code == 403
    assert client.post(f"/admin/pengguna/{target.id}/aktif").status_code == 403
    with app.app_context():
        assert db.session.get(User, target.id).active is True
