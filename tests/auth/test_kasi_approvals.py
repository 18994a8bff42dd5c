"""Two-person rule for Kasi rights (issue 12 item 5)."""
import pytest

from naskah.extensions import db
from naskah.models import AuditEvent, User
from naskah.models.approval import KasiApproval
from naskah.models.twofactor import TotpCredential
from tests.factories import PASSWORD, login

REASON = "Kasi baru menggantikan yang pensiun"


def _client(app, user):
    c = app.test_client()
    login(c, user)
    return c


def _user(app, username):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def _pending(app):
    with app.app_context():
        return db.session.scalars(db.select(KasiApproval).where(KasiApproval.status == "pending")).all()


def _create(admin_client, username, reason=REASON):
    return admin_client.post("/admin/pengguna", data={"username": username, "full_name": "Kasi Baru",
                                                      "role": "kasi", "reason": reason})


def test_admin_alone_cannot_make_a_kasi(app, make):
    admin = make.user("admin")
    kasi = make.user("kasi")
    r = _create(_client(app, admin), "kasibaru")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "menunggu persetujuan" in body and 'class="otp"' not in body
    new = _user(app, "kasibaru")
    assert new.role == "kasi" and not new.active  # no Kasi rights until approved
    (row,) = _pending(app)
    assert row.approver_role == "kasi" and row.reason == REASON
    # The admin cannot simply switch the account on.
    _client(app, admin).post(f"/admin/pengguna/{new.id}/aktif")
    assert not _user(app, "kasibaru").active
    # The current Kasi sees who asked and why, and approves; the password goes to the Kasi, not the admin.
    k = _client(app, kasi)
    page = k.get("/persetujuan/").get_data(as_text=True)
    assert REASON in page and admin.username in page and "kasibaru" in page
    r = k.post(f"/persetujuan/{row.id}", data={"keputusan": "setujui"})
    assert r.status_code == 200 and 'class="otp"' in r.get_data(as_text=True)
    assert _user(app, "kasibaru").active
    with app.app_context():
        actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"approval.requested", "approval.approved"} <= actions


def test_a_reason_is_required(app, make):
    admin = make.user("admin")
    r = _create(_client(app, admin), "kasibaru", reason="")
    assert r.status_code == 400 and "alasan" in r.get_data(as_text=True).lower()
    assert _pending(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "kasibaru")) is None


def test_without_a_kasi_the_pejabat_approves_and_kasi_cannot_approve_own(app, make):
    admin, pejabat = make.user("admin"), make.user("pejabat")
    _create(_client(app, admin), "kasipertama")
    (row,) = _pending(app)
    assert row.approver_role == "pejabat"
    other_admin = make.user("admin")
    assert _client(app, other_admin).post(f"/persetujuan/{row.id}", data={"keputusan": "setujui"}).status_code == 403
    r = _client(app, pejabat).post(f"/persetujuan/{row.id}", data={"keputusan": "tolak"})
    assert r.status_code == 302 and not _user(app, "kasipertama").active


@pytest.mark.parametrize("what", ["password", "2fa"])
def test_resetting_the_kasi_needs_the_pejabat(app, make, what):
    admin, kasi, pejabat = make.user("admin"), make.user("kasi"), make.user("pejabat")
    url = f"/admin/pengguna/{kasi.id}/reset" if what == "password" else f"/admin/pengguna/{kasi.id}/reset-2fa"
    r = _client(app, admin).post(url, data={"reason": "Ponsel Kasi hilang kemarin"})
    assert 'class="otp"' not in r.get_data(as_text=True)
    # Nothing changed yet: the Kasi still signs in with the old password and authenticator.
    with app.app_context():
        assert db.session.get(TotpCredential, kasi.id) is not None
    login(app.test_client(), kasi, password=PASSWORD)
    (row,) = _pending(app)
    assert row.approver_role == "pejabat"
    assert _client(app, kasi).post(f"/persetujuan/{row.id}", data={"keputusan": "setujui"}).status_code == 403
    r = _client(app, pejabat).post(f"/persetujuan/{row.id}", data={"keputusan": "setujui"})
    assert r.status_code in (200, 302)
    with app.app_context():
        if what == "password":
            assert 'class="otp"' in r.get_data(as_text=True)
            assert db.session.get(User, kasi.id).must_change_password
        else:
            assert db.session.get(TotpCredential, kasi.id) is None


def test_granting_the_kasi_role_waits_and_other_role_changes_end_sessions(app, make):
    admin, kasi = make.user("admin"), make.user("kasi")
    sandiman = make.user("sandiman")
    s = _client(app, sandiman)
    a = _client(app, admin)
    a.post(f"/admin/pengguna/{sandiman.id}/peran", data={"role": "kasi", "reason": "Plt Kasi selama cuti"})
    assert _user(app, sandiman.username).role == "sandiman"
    assert s.get("/papan").status_code == 200
    (row,) = _pending(app)
    _client(app, kasi).post(f"/persetujuan/{row.id}", data={"keputusan": "setujui"})
    assert _user(app, sandiman.username).role == "kasi"
    assert "/masuk" in s.get("/papan").location  # the role change ended the old session
    pejabat = make.user("sandiman")
    p = _client(app, pejabat)
    a.post(f"/admin/pengguna/{pejabat.id}/peran", data={"role": "pejabat"})
    assert _user(app, pejabat.username).role == "pejabat"
    assert "/masuk" in p.get("/papan").location


@pytest.mark.parametrize("decision", [None, "", "terserah"])
def test_a_decision_must_be_one_of_the_two_buttons(app, make, decision):
    """Anything but Setujui or Tolak decides nothing (it used to count as a refusal)."""
    admin, kasi = make.user("admin"), make.user("kasi")
    _create(_client(app, admin), "kasibaru")
    (row,) = _pending(app)
    k = _client(app, kasi)
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    r = k.post(f"/persetujuan/{row.id}", data={} if decision is None else {"keputusan": decision},
                                follow_redirects=True)
    assert "Pilih Setujui atau Tolak." in r.get_data(as_text=True)
    assert [p.id for p in _pending(app)] == [row.id] and not _user(app, "kasibaru").active
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before  # no event
