"""Keyboard only: the side panel is a modal dialog; one full step without the mouse (issue 15, 8)."""
from naskah.extensions import db
from naskah.models import Document
from tests.e2e.conftest import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD, Factories

ACTIVE = "() => { const a = document.activeElement; return [a.tagName, a.textContent.trim().slice(0, 40), " \
         "!!a.closest('.card.editing'), (a.closest('.card') || {}).id || ''] }"


def _tab_to(page, text, limit=80):
    """Press Tab until the focused element's text is `text` (no mouse anywhere)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE)[1] == text:
            return page.evaluate(ACTIVE)
    raise AssertionError(f"{text!r} not reached by Tab")


def test_one_step_by_keyboard(live_server, page_factory):
    make = Factories(live_server.app)
    sandiman = make.user("sandiman", username="budi", full_name="Budi Santoso")
    make.document(step=1, sandiman=sandiman, sender_agency="Badan Siber dan Sandi Negara")
    doc_id = make.document(step=1, sandiman=sandiman, sender_agency="Badan Kesatuan Bangsa dan Politik")
    page = page_factory()
    sign_in(page, live_server.url, "budi", PASSWORD)
    page.goto(f"{live_server.url}/papan")
    page.locator("body").focus()

    tag, _, _, card = _tab_to(page, "Agendakan")
    assert tag == "A"
    page.keyboard.press("Enter")
    panel = page.locator(f"#{card}.editing [role=dialog][aria-modal=true]")
    panel.wait_for()
    page.wait_for_function("() => document.activeElement.closest('.card.editing') !== null")
    # Tab and Shift+Tab stay inside the dialog, however often they are pressed.
    for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
        page.keyboard.press(key)
        assert page.evaluate(ACTIVE)[2], f"focus left the dialog after {key}"
    # Nothing behind the dialog can be reached: the other cards and the top bar are inert.
    assert page.evaluate("() => document.querySelector('.card:not(.editing)').closest('[inert]') !== null")
    screenshot(page, "desk-keyboard-dialog")
    assert_accessible(page, "panel Agendakan", context=".card.editing")

    # Esc closes it and gives focus back to the card's button.
    page.keyboard.press("Escape")
    page.locator(f"#{card}.editing").wait_for(state="detached")
    page.wait_for_function("() => document.activeElement.textContent.trim() === 'Agendakan'")
    assert page.evaluate(ACTIVE)[3] == card
    assert page.evaluate("() => document.querySelectorAll('[inert]').length") == 0

    # Open it again with Enter, type, and submit with Enter on the button: the card moves to column 2.
    page.keyboard.press("Enter")
    page.locator(f"#{card}.editing").wait_for()
    page.wait_for_function("() => document.activeElement.name === 'attachments'")
    page.keyboard.type("1 berkas")
    _tab_to(page, "Agendakan", limit=6)
    page.keyboard.press("Enter")
    page.locator(f"#col-2 #{card}").wait_for()
    page.locator("#flash .flash-success", has_text="Diagendakan").wait_for()
    page.wait_for_function(f"() => document.activeElement.closest('#{card}') !== null")
    with live_server.app.app_context():
        doc = db.session.get(Document, int(card.split("-")[1]))
        assert doc.step == 2
    assert doc_id  # both cards were on the board
