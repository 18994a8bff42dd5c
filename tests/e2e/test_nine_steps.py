"""A sandiman and a kasi take one cryptogram through all nine steps by clicking on the board."""
import re

from naskah.extensions import db
from naskah.models import AuditEvent, Document
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories


def _card(page, doc_id):
    return page.locator(f"#card-{doc_id}")


def _act(page, doc_id, label, fill=None, select=None, check=None, reveal=None):
    """Open an action on a card, fill the side panel, submit, and wait for the card to move.
    `reveal` names the panel's button that first opens the secret text (a POST, audited)."""
    card = _card(page, doc_id)
    card.get_by_role("link", name=label, exact=True).click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.wait_for()
    if reveal:
        panel.get_by_role("button", name=reveal).click()
        panel.locator("[name=subject]").wait_for()
    for selector, value in (fill or {}).items():
        panel.locator(selector).fill(value)
    for selector, value in (select or {}).items():
        panel.locator(selector).select_option(value)
    for selector in (check or []):
        panel.locator(selector).check()
    panel.get_by_role("button", name=label).click()
    page.locator(f"#card-{doc_id}.editing").wait_for(state="detached")
    page.locator("#flash .flash-success").wait_for()


def _column_of(page, doc_id) -> int:
    column = page.locator(f"section.column:has(#card-{doc_id})")
    return int(re.search(r"col-(\d+)", column.get_attribute("id")).group(1))


def test_nine_steps_by_clicking(live_server, page_factory):
    make = Factories(live_server.app)
    sandiman = make.user("sandiman", username="budi", full_name="Budi Santoso")
    make.user("kasi", username="agus", full_name="Agus Wibowo")
    base = live_server.url

    s_page = page_factory()
    sign_in(s_page, base, "budi", PASSWORD)
    # Step 1: receive through the intake form
    s_page.goto(f"{base}/dokumen/baru")
    s_page.fill("#sender_agency", "Badan Siber dan Sandi Negara")
    s_page.fill("#sender_ref_number", "R/77/BSSN/2026")
    s_page.select_option("#classification", "SR")
    s_page.select_option("#urgency", "kilat")
    s_page.fill("#cryptogram_text", "-----BEGIN CMS-----\nMIIB...\n-----END CMS-----")
    s_page.get_by_role("button", name="Simpan penerimaan").click()
    s_page.wait_for_url(f"{base}/papan")
    with live_server.app.app_context():
        doc_id = db.session.scalar(db.select(Document.id))
    assert _column_of(s_page, doc_id) == 1
    screenshot(s_page, "board-01-received")

    _act(s_page, doc_id, "Agendakan", fill={"[name=attachments]": "1 berkas"})
    assert _column_of(s_page, doc_id) == 2
    assert "0001/" in _card(s_page, doc_id).inner_text()
    _act(s_page, doc_id, "Laporkan ke Kasi")
    assert _column_of(s_page, doc_id) == 3

    # The kasi sees the report on the board without reloading (the board polls).
    k_page = page_factory()
    sign_in(k_page, base, "agus", PASSWORD)
    assert _column_of(k_page, doc_id) == 3
    _act(k_page, doc_id, "Tugaskan dekripsi", select={"[name=assignee_id]": str(sandiman.id)},
         fill={"[name=note]": "Segera."})
    assert _column_of(k_page, doc_id) == 4
    screenshot(k_page, "board-04-assigned-kasi")

    # The sandiman's board refreshes by itself within a few seconds.
    s_page.locator(f"#col-4 #card-{doc_id}").wait_for(timeout=15_000)
    _act(s_page, doc_id, "Dekripsi & ketik salinan", fill={
        "[name=plaintext]": "Mohon kesiapan pengamanan kunjungan kerja.",
        "[name=addressee]": "Wali Kota Pekalongan", "[name=subject]": "Pengamanan kunjungan"})
    assert _column_of(s_page, doc_id) == 5
    _act(s_page, doc_id, "Paraf & ajukan ke Kasi", check=["[name=confirm]"])
    assert _column_of(s_page, doc_id) == 6

    k_page.locator(f"#col-6 #card-{doc_id}").wait_for(timeout=15_000)
    # The kasi returns it once for revision, with a reason.
    _act(k_page, doc_id, "Kembalikan untuk perbaikan", fill={"[name=reason]": "Perihal kurang lengkap."})
    assert _column_of(k_page, doc_id) == 5
    assert k_page.locator("#flash").inner_text().startswith("Dikembalikan untuk perbaikan:")  # a result
    s_page.locator(f"#col-5 #card-{doc_id}").wait_for(timeout=15_000)
    assert "Perihal kurang lengkap" in _card(s_page, doc_id).inner_text()
    _act(s_page, doc_id, "Perbaiki salinan", reveal="Buka isi untuk direvisi",
         fill={"[name=subject]": "Pengamanan kunjungan kerja Wali Kota"})
    assert s_page.locator("#flash").inner_text().startswith("Salinan diperbaiki:")
    _act(s_page, doc_id, "Paraf & ajukan ke Kasi", check=["[name=confirm]"])

    k_page.locator(f"#col-6 #card-{doc_id}").wait_for(timeout=15_000)
    _act(k_page, doc_id, "Tandatangani", select={"[name=courier_id]": str(sandiman.id)})
    assert _column_of(k_page, doc_id) == 7
    screenshot(k_page, "board-07-signed-kasi")

    s_page.locator(f"#col-7 #card-{doc_id}").wait_for(timeout=15_000)
    _act(s_page, doc_id, "Nomori & cap salinan")  # paper first: numbered and stamped, still at 7
    assert _column_of(s_page, doc_id) == 7
    _act(s_page, doc_id, "Catat penerimaan", fill={"[name=recipient_name]": "Rina Kartika",
                                                   "[name=recipient_nip]": "198811112012122001"})
    assert _column_of(s_page, doc_id) == 8
    _act(s_page, doc_id, "Arsipkan", fill={"[name=archive_cabinet]": "L-01", "[name=archive_shelf]": "R-2",
                                            "[name=archive_box]": "B-03", "[name=archive_folder]": "M-12"})
    assert _column_of(s_page, doc_id) == 9
    screenshot(s_page, "board-09-archived")

    assert s_page.js_errors == [] and k_page.js_errors == []
    with live_server.app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc.step == 9 and doc.agenda_number == 1 and doc.recipient_name == "Rina Kartika"
        actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.document_id == doc_id)
                                     .order_by(AuditEvent.seq)).all()
    steps = [a for a in actions if a.startswith("step.") or a == "document.receive"]
    assert steps == ["document.receive", "step.register", "step.report", "step.assign", "step.decrypt",
                     "step.initial", "step.return", "step.revise", "step.initial", "step.sign",
                     "step.number_copy", "step.deliver", "step.archive"]


def test_board_works_without_javascript(live_server, browser):
    """Plain form posts: the same action works with JavaScript off."""
    make = Factories(live_server.app)
    sandiman = make.user("sandiman", username="siti")
    doc_id = make.document(step=1, sandiman=sandiman)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, live_server.url, "siti", PASSWORD)
    page.goto(f"{live_server.url}/papan")
    page.locator(f"#card-{doc_id}").get_by_role("link", name="Agendakan").click()
    page.get_by_role("button", name="Agendakan").click()
    page.wait_for_url(f"{live_server.url}/papan")
    assert page.locator(f"#col-2 #card-{doc_id}").count() == 1
    context.close()
