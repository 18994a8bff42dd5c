"""Admin calendar page: permissions, validation, one audit event per change, sla picks it up."""
from datetime import datetime

import pytest

from naskah.core import settings
from naskah.extensions import db
from naskah.models import AuditEvent
from naskah.sla import due as sla
from naskah.sla.calendar import WIB, WorkWeek
from tests.factories import login

DEFAULT_FORM = {f"open_{d}": "1" for d in range(5)} | {f"start_{d}": "07:30" for d in range(5)} | \
    {f"end_{d}": "16:00" for d in range(4)} | {"end_4": "11:00"}


def events(app, prefix="settings."):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action.like(f"{prefix}%"))
                                  .order_by(AuditEvent.seq)).all()


def setting(app, key):
    with app.app_context():
        return settings.get(key)


@pytest.fixture
def admin(client, make):
    login(client, make.user("admin"))
    return client


POSTS = [
    ("/admin/kalender/jam", DEFAULT_FORM | {"end_0": "15:00"}, "work_week"),
    ("/admin/kalender/libur", {"date": "2026-12-31", "label": "Libur akhir tahun", "kind": "libur"}, "closures"),
    ("/admin/kalender/libur/hapus", {"date": "2026-12-31"}, "closures"),
    ("/admin/kalender/wip", {"wip_3": "5"}, "wip_limits"),
]


@pytest.mark.parametrize("role", ["kasi", "sandiman", "pejabat", "petugas"])
@pytest.mark.parametrize("url,data,key", POSTS, ids=[p[0].rsplit("/", 1)[-1] for p in POSTS])
def test_no_permission(app, client, make, role, url, data, key):
    with app.app_context():
        settings.set_value("closures", [{"date": "2026-12-31", "label": "x", "kind": "libur"}])
        db.session.commit()
    before = setting(app, key)
    login(client, make.user(role))
    assert client.get("/admin/kalender/").status_code == 403
    assert client.post(url, data=data).status_code == 403
    assert setting(app, key) == before
    assert events(app) == []


def test_anonymous_is_sent_to_login(client):
    r = client.post("/admin/kalender/wip", data={"wip_3": "5"})
    assert r.status_code == 302 and "/masuk" in r.headers["Location"]


def test_page_shows_week_holidays_and_suggestions(admin):
    html = admin.get("/admin/kalender/?tahun=2026").get_data(as_text=True)
    assert 'name="start_4" type="time" value="07:30"' in html and 'name="end_4" type="time" value="11:00"' in html
    assert "Hari Raya Natal" in html and "Hari Kemerdekaan Republik Indonesia" in html
    assert "Cuti Bersama Hari Raya Idul Fitri" in html          # a suggestion
    assert admin.get("/admin/kalender/?tahun=1800").status_code == 400


def test_save_week_with_access(app, admin):
    r = admin.post("/admin/kalender/jam?tahun=2026", data=DEFAULT_FORM | {"end_0": "15:00", "open_5": "1",
                                                                        "start_5": "08:00", "end_5": "12:00"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/kalender/?tahun=2026")
    week = setting(app, "work_week")
    assert week["0"] == ["07:30", "15:00"] and week["5"] == ["08:00", "12:00"] and week["6"] is None
    (event,) = events(app)
    assert event.action == "settings.work_week" and '"15:00"' in event.details
    with app.app_context():
        assert sla.calendar().work_week == WorkWeek.from_json(week)


@pytest.mark.parametrize("change,message", [
    ({"end_1": "07:00"}, "Jam kerja hari Selasa: jam selesai harus setelah jam mulai."),
    ({"start_2": "7.30"}, "Jam kerja hari Rabu: format jam tidak valid"),
    ({"start_3": ""}, "Jam kerja hari Kamis: format jam tidak valid"),
    ({f"open_{d}": "" for d in range(5)}, "Minimal satu hari dalam seminggu harus menjadi hari kerja."),
])
def test_save_week_invalid(app, admin, change, message):
    r = admin.post("/admin/kalender/jam", data={k: v for k, v in (DEFAULT_FORM | change).items() if v != "" or
                                                k.startswith("start")})
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)
    assert setting(app, "work_week") is None
    assert events(app) == []


def test_add_and_remove_closure_each_one_event(app, admin):
    received = datetime(2026, 12, 30, 10, tzinfo=WIB)        # Wed; due Thu 31 Dec 10:00
    with app.app_context():
        assert sla.calendar().due_at(received) == datetime(2026, 12, 31, 10, tzinfo=WIB)
    r = admin.post("/admin/kalender/libur", data={"date": "2026-12-31", "label": "  Libur  akhir tahun ",
                                                  "kind": "libur"})
    assert r.status_code == 302
    assert setting(app, "closures") == [{"date": "2026-12-31", "label": "Libur akhir tahun", "kind": "libur"}]
    assert [e.action for e in events(app)] == ["settings.closure_add"]
    with app.app_context():    # 31 Dec closed, 1 Jan national holiday: next working day Mon 4 Jan
        assert sla.calendar().due_at(received) == datetime(2027, 1, 4, 10, tzinfo=WIB)
    r = admin.post("/admin/kalender/libur/hapus", data={"date": "2026-12-31"})
    assert r.status_code == 302
    assert setting(app, "closures") == []
    assert [e.action for e in events(app)] == ["settings.closure_add", "settings.closure_remove"]
    with app.app_context():
        assert sla.calendar().due_at(received) == datetime(2026, 12, 31, 10, tzinfo=WIB)


def test_suggestion_is_one_click_and_then_disappears(app, admin):
    html = admin.get("/admin/kalender/?tahun=2026").get_data(as_text=True)
    assert 'value="2026-12-24"' in html
    r = admin.post("/admin/kalender/libur?tahun=2026", data={"date": "2026-12-24", "kind": "cuti_bersama",
                                                             "label": "Cuti Bersama Hari Raya Natal"})
    assert r.status_code == 302
    html = admin.get("/admin/kalender/?tahun=2026").get_data(as_text=True)
    assert 'value="2026-12-24"><input type="hidden" name="label"' not in html       # no longer suggested
    assert '<input type="hidden" name="date" value="2026-12-24">' in html              # its remove form
    assert "Cuti bersama" in html


@pytest.mark.parametrize("data,message", [
    ({"date": "31-12-2026", "label": "x", "kind": "libur"}, "Tanggal tidak valid"),
    ({"date": "2026-12-31", "label": "  ", "kind": "libur"}, "Isi keterangan libur"),
    ({"date": "2026-12-31", "label": "x" * 121, "kind": "libur"}, "paling banyak 120"),
    ({"date": "2026-12-31", "label": "x", "kind": "bebas"}, "Pilih jenis libur"),
    ({"date": "1999-12-31", "label": "x", "kind": "libur"}, "Tahun harus antara"),
])
def test_add_closure_invalid(app, admin, data, message):
    r = admin.post("/admin/kalender/libur", data=data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert setting(app, "closures") == [] and events(app) == []


def test_add_closure_names_every_problem_at_once_and_keeps_the_input(app, admin):
    r = admin.post("/admin/kalender/libur", data={"date": "", "label": " ", "kind": "bebas"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Tanggal wajib diisi." in html and "Isi keterangan libur" in html and "Pilih jenis libur" in html
    r = admin.post("/admin/kalender/libur", data={"date": "31-12-2026", "label": "Libur akhir tahun", "kind": "libur"})
    assert 'value="Libur akhir tahun"' in r.get_data(as_text=True)   # what was typed stays
    assert setting(app, "closures") == [] and events(app) == []


def test_duplicate_and_missing_closure(app, admin):
    data = {"date": "2026-12-31", "label": "x", "kind": "libur"}
    assert admin.post("/admin/kalender/libur", data=data).status_code == 302
    r = admin.post("/admin/kalender/libur", data=data)
    assert r.status_code == 400 and "sudah tercatat" in r.get_data(as_text=True)
    r = admin.post("/admin/kalender/libur/hapus", data={"date": "2026-01-02"})
    assert r.status_code == 400 and "tidak ada" in r.get_data(as_text=True)
    assert len(events(app)) == 1


def test_wip_limits(app, admin):
    r = admin.post("/admin/kalender/wip", data={"wip_3": "5", "wip_7": " 2 ", "wip_9": ""})
    assert r.status_code == 302
    assert setting(app, "wip_limits") == {"3": 5, "7": 2}
    assert [e.action for e in events(app)] == ["settings.wip_limits"]
    r = admin.post("/admin/kalender/wip", data={"wip_3": "0", "wip_4": "lima"})
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert "Batas kolom Dilaporkan ke Kasi harus bilangan bulat 1 sampai 999" in body and "Ditugaskan" in body
    assert setting(app, "wip_limits") == {"3": 5, "7": 2} and len(events(app)) == 1


def test_csrf_is_required(csrf_app, make):
    import re
    client = csrf_app.test_client()
    user = make.user("admin")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                      client.get("/masuk").get_data(as_text=True))
    token = token.group(1) or token.group(2)
    r = client.post("/masuk", data={"username": user.username, "password": "Rahasia12345", "csrf_token": token})
    assert r.status_code == 302
    r = client.post("/admin/kalender/wip", data={"wip_3": "5"})
    assert r.status_code == 400
    with csrf_app.app_context():
        assert settings.get("wip_limits") == {}
