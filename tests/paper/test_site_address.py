"""Official links come from the office's configured address, never the Host header; unknown host
names are refused (issue 12 item 6)."""
from naskah.core import siteurl, vault
from naskah.extensions import db
from naskah.models import Document
from naskah.paper import issued
from tests import paperkit as kit
from tests.factories import login


def test_unconfigured_host_names_are_refused(app, client):
    assert client.get("/masuk", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/masuk", headers={"Host": "localhost:5000"}).status_code == 200


def test_fresh_instance_trusts_its_own_names(app):
    trusted = siteurl.default_trusted_hosts("http://10.1.2.3:5000")
    assert {"localhost", "127.0.0.1", "10.1.2.3", siteurl.lan_address()} <= set(trusted)


def test_paraf_from_another_trusted_name_still_prints_the_office_address(app, make):
    app.config["BASE_URL"] = "http://naskah.kantor:5000"
    app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1", "naskah.kantor"]
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = "127.0.0.1"  # a trusted name, but not the office address
    login(client, sandiman)
    with app.app_context():
        version = db.session.get(Document, doc_id).version
    r = client.post(f"/dokumen/{doc_id}/aksi/initial", data={"version": str(version), "confirm": "y"})
    assert r.status_code == 302 and "/masuk" not in r.location, r.get_data(as_text=True)[-1500:]
    with app.app_context():
        frozen = vault.load_id(db.session.get(Document, doc_id).cover_pdf_blob_id)
    text = kit.flat(frozen)
    assert "naskah.kantor" in text and "127.0.0.1" not in text


def test_links_use_settings_then_base_url(app):
    app.config["BASE_URL"] = "http://naskah.kantor:5000"
    with app.test_request_context("/", base_url="http://127.0.0.1:8080"):
        assert issued.verify_url("ABCD").startswith("http://naskah.kantor:5000/verifikasi/")
        from naskah.complaints.views.desk import public_url
        assert public_url("complaints_public.status").startswith("http://naskah.kantor:5000/")
