"""axe-core on the board, a panel, the document page, the agenda book and the public pages; the
navigation fits one line at 1366 px for every role (issue 15, items 9 and 10)."""
import pytest

from tests.e2e.conftest import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD, Factories

ROLES = ["sandiman", "kasi", "pejabat", "petugas", "admin"]


def _nav_lines(page):
    """How many rows the top bar's items take (1 = everything on one line)."""
    return page.evaluate("""() => {
        const items = [...document.querySelectorAll('.topbar .brand, .topbar nav a, .topbar .user > *')];
        const tops = new Set(items.map(e => Math.round(e.getBoundingClientRect().top / 8)));
        const bar = document.querySelector('.topbar');
        return {rows: tops.size, height: bar.getBoundingClientRect().height,
                overflow: bar.scrollWidth > bar.clientWidth};
    }""")


@pytest.mark.parametrize("role", ROLES)
def test_navigation_fits_one_line_at_1366(live_server, page_factory, role):
    make = Factories(live_server.app)
    make.user(role, username=f"u{role}", full_name="Dra. Sri Wahyuningsih Kusumawardani, M.Si.")
    page = page_factory()
    sign_in(page, live_server.url, f"u{role}", PASSWORD)
    lines = _nav_lines(page)
    screenshot(page, f"nav-{role}")
    assert lines["rows"] == 1 and not lines["overflow"] and lines["height"] < 48, lines


def test_staff_pages_have_no_serious_violation(live_server, page_factory):
    make = Factories(live_server.app)
    sandiman = make.user("sandiman", username="budi", full_name="Budi Santoso")
    kasi = make.user("kasi", username="agus", full_name="Agus Wibowo")
    for step in (1, 3, 4, 5, 6, 8):
        doc_id = make.document(step=step, sandiman=sandiman, kasi=kasi)
    page = page_factory()
    sign_in(page, live_server.url, "budi", PASSWORD)
    page.goto(f"{live_server.url}/papan")
    screenshot(page, "a11y-board")
    assert_accessible(page, "papan")
    page.locator("#col-5 .card").first.get_by_role("link", name="Paraf & ajukan ke Kasi").click()
    page.locator(".card.editing").wait_for()
    page.locator(".card.editing").get_by_role("button", name="Tampilkan isi").click()
    page.locator(".card.editing pre.plaintext").wait_for()
    screenshot(page, "a11y-panel-step5")
    assert_accessible(page, "panel langkah 5", context=".card.editing")   # the rest is inert behind it
    page.keyboard.press("Escape")
    page.goto(f"{live_server.url}/dokumen/{doc_id}")
    assert_accessible(page, "halaman naskah")
    page.goto(f"{live_server.url}/agenda/")
    screenshot(page, "a11y-agenda")
    assert_accessible(page, "buku agenda")
    page.goto(f"{live_server.url}/dokumen/baru")
    assert_accessible(page, "terima kriptogram")

    k = page_factory()
    sign_in(k, live_server.url, "agus", PASSWORD)
    k.locator("#col-3 .card").first.get_by_role("link", name="Tugaskan dekripsi").click()
    k.locator(".card.editing table.workload").wait_for()
    screenshot(k, "a11y-panel-step4")
    assert_accessible(k, "panel langkah 4", context=".card.editing")
    k.keyboard.press("Escape")
    k.locator("#col-6 .card").first.get_by_role("link", name="Tandatangani").click()
    k.locator(".card.editing .drafts").wait_for()
    screenshot(k, "a11y-panel-step6")
    assert_accessible(k, "panel langkah 6", context=".card.editing")
    k.keyboard.press("Escape")
    k.goto(f"{live_server.url}/dasbor")
    screenshot(k, "a11y-dashboard")
    assert_accessible(k, "dasbor")
    # The figure cards size to their content: a single count is not stretched to the tallest card.
    heights = k.evaluate("() => [...document.querySelectorAll('.kpis .kpi:not(.kpi-figures)')]"
                         ".map(e => e.getBoundingClientRect().height)")
    assert heights and max(heights) < 90, heights


@pytest.mark.parametrize("path", ["/pengaduan", "/pengaduan/status", "/survei", "/verifikasi/", "/masuk"])
def test_public_pages_have_no_serious_violation(live_server, page_factory, path):
    page = page_factory()
    page.goto(f"{live_server.url}{path}")
    screenshot(page, "public" + path.replace("/", "-").rstrip("-"))
    assert_accessible(page, path)
