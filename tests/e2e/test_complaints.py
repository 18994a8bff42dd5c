"""A walk-in complaint, by keyboard: logged with Alt+Shift+P, slip printed, answered, escalated
by the petugas and closed by the pejabat; then the complainant checks the status."""
import re

from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories


def test_walk_in_complaint_from_desk_to_pejabat(live_server, page_factory):
    make = Factories(live_server.app)
    petugas = make.user("petugas", full_name="Dewi Lestari")
    pejabat = make.user("pejabat", full_name="Hendra Gunawan")
    base = live_server.url

    desk = page_factory()
    sign_in(desk, base, petugas.username, PASSWORD)
    assert desk.url.endswith("/pengaduan-layanan/")

    # The shortcut works from any page; the form opens with the channel focused.
    desk.goto(f"{base}/akun/kata-sandi")
    desk.keyboard.press("Alt+Shift+P")
    desk.wait_for_url("**/pengaduan-layanan/baru")
    assert desk.evaluate("document.activeElement.id") == "channel"
    desk.keyboard.press("Tab")
    desk.keyboard.type("Ibu Sri Wahyuni")
    desk.keyboard.press("Tab")
    desk.keyboard.type("0813-2222-9999")
    desk.keyboard.press("Tab")
    desk.keyboard.type("Salinan surat untuk kantor kami belum diterima sejak kemarin.")
    screenshot(desk, "complaints-01-quick-form")
    desk.keyboard.press("Control+Enter")
    desk.wait_for_url("**/tiket")
    ticket = desk.inner_text("#ticket-no").strip()
    code = desk.inner_text("#access-code").strip()
    assert re.fullmatch(r"ADU-\d{4}-0001", ticket) and re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    screenshot(desk, "complaints-02-ticket")

    # The slip: the PDF link answers with a PDF.
    href = desk.get_attribute("#slip-pdf", "href")
    pdf = desk.context.request.get(href if href.startswith("http") else base + href)
    assert pdf.status == 200
    assert pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body()[:5] == b"%PDF-"

    # Respond (htmx swaps the detail in place), then escalate.
    desk.click("text=Buka pengaduan")
    desk.wait_for_url(re.compile(r".*/pengaduan-layanan/\d+$"))
    desk.fill("#respond-text", "Kami periksa ke bagian distribusi.")
    desk.click("form[action$='/aksi/respond'] button[type=submit]")
    desk.wait_for_selector(".cstatus-ditanggapi")
    assert "Ibu Sri Wahyuni" in desk.inner_text("#complaint")
    screenshot(desk, "complaints-03-responded")
    desk.click("summary:has-text('Eskalasi ke pejabat')")
    desk.select_option("#escalate-pejabat_id", label="Hendra Gunawan")
    desk.fill("#escalate-reason", "Perlu keputusan pejabat tentang pengiriman ulang.")
    desk.click("form[action$='/aksi/escalate'] button[type=submit]")
    desk.wait_for_selector(".cstatus-dieskalasi")
    assert desk.locator("form[action$='/aksi/close']").count() == 0  # the desk cannot close it now
    screenshot(desk, "complaints-04-escalated")

    # The pejabat sees it first and closes it.
    official = page_factory()
    sign_in(official, base, pejabat.username, PASSWORD)
    official.goto(f"{base}/pengaduan-layanan/")
    first = official.locator("table.complaints tbody tr").first
    assert ticket in first.inner_text()
    screenshot(official, "complaints-05-pejabat-list")
    first.locator("a.ticket-link").click()
    official.wait_for_selector(".cstatus-dieskalasi")
    official.click("summary:has-text('Selesaikan')")
    official.fill("#close-solution", "Salinan dikirim ulang dengan kurir hari ini.")
    official.click("form[action$='/aksi/close'] button[type=submit]")
    official.wait_for_selector(".cstatus-selesai")
    screenshot(official, "complaints-06-closed")

    # The complainant checks the status with the slip's ticket and code.
    public = page_factory()
    public.goto(f"{base}/pengaduan/status?tiket={ticket}")
    assert public.input_value("#ticket") == ticket
    public.fill("#code", code)
    public.click("main button[type=submit]")
    public.wait_for_selector(".cstatus-selesai")
    body = public.inner_text("main")
    assert "Salinan dikirim ulang" in body and "Ibu Sri Wahyuni" not in body
    assert public.locator("form[action$='/survei'] input[name=kode]").count() == 1
    screenshot(public, "complaints-07-public-status")

    for page in (desk, official, public):
        assert page.js_errors == []
