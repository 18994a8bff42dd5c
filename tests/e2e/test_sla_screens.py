"""Browser check of the SLA pages at 1366x768: board with WIP marking, dashboard, calendar admin."""
from datetime import timedelta

from naskah.core import settings
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from tests import sla_fixture as fx
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories


def seed(app):
    make = Factories(app)
    s1 = make.user("sandiman", username="budi", full_name="Budi Santoso")
    kasi = make.user("kasi", username="agus", full_name="Agus Wibowo")
    admin = make.user("admin", username="admin1", full_name="Administrator")
    fx.build(app, s1)
    agencies = ["Badan Siber dan Sandi Negara", "Sekretariat Daerah Provinsi Jawa Tengah", "Polres Pekalongan Kota"]
    for i, step in enumerate((1, 1, 1, 2, 3, 3, 4, 5, 6, 7, 8)):
        make.document(step=step, sandiman=s1, kasi=kasi, sender_agency=agencies[i % 3],
                      urgency=("kilat", "segera", "biasa")[i % 3], classification=("SR", "R", "T", "B")[i % 4],
                      received_at=utcnow() - timedelta(hours=2 + 9 * i))
    with app.app_context():
        settings.set_value("wip_limits", {"1": 2, "3": 4})
        db.session.commit()
    return s1, kasi, admin


def test_board_dashboard_and_calendar_screens(live_server, page_factory):
    s1, kasi, admin = seed(live_server.app)
    page = page_factory()
    sign_in(page, live_server.url, kasi.username, PASSWORD)
    page.goto(f"{live_server.url}/papan")
    over = page.locator("#col-1.over-limit .count.wip-over")
    assert over.inner_text() == "3/2"
    assert "melebihi batas WIP" in over.get_attribute("aria-label")
    assert page.locator(".waiting-badge .waiting-count").inner_text() == "3"
    # nine columns side by side, nothing scrolls sideways at 1366 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "sla-board-wip")

    page.goto(f"{live_server.url}/dasbor")
    assert page.locator("svg.chart").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "sla-dashboard")
    page.emulate_media(media="print")
    page.screenshot(path=screenshot(page, "sla-dashboard-print"), full_page=True)
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/laporan/bulanan?bulan=2026-11")
    assert page.locator("svg.chart").count() == 3
    screenshot(page, "sla-monthly")
    assert page.js_errors == []

    page2 = page_factory()
    sign_in(page2, live_server.url, admin.username, PASSWORD)
    page2.goto(f"{live_server.url}/admin/kalender/?tahun=2026")
    assert page2.locator("text=Hari Raya Natal").count() >= 1
    screenshot(page2, "sla-calendar-admin")
    page2.screenshot(path=screenshot(page2, "sla-calendar-admin-full"), full_page=True)
    page2.click("button[aria-label^='Tambahkan Cuti Bersama Hari Raya Natal']")
    assert "Cuti bersama 2026-12-24" in page2.content()
    page2.fill("#end_1", "07:00")
    page2.click("text=Simpan jam kerja")
    assert "jam selesai harus setelah jam mulai" in page2.content()
    screenshot(page2, "sla-calendar-error")
    assert page2.js_errors == []
