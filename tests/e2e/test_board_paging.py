"""Browser check of the paged board at 1366x768: a column with more cards than a page shows
"tampilkan N lagi", which loads the next page in place; counts are totals; filters and the text
search still find every card; a transition moves the card and both counts without a reload."""
from datetime import timedelta

from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import User
from naskah.workflow import engine
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories

PAGE = 5


def seed(app):
    make = Factories(app)
    s1 = make.user("sandiman", username="budi", full_name="Budi Santoso")
    kasi = make.user("kasi", username="agus", full_name="Agus Wibowo")
    ids = []
    for i in range(13):
        sender = "Kantor Imigrasi Kelas II" if i % 4 == 0 else "Badan Siber dan Sandi Negara"
        ids.append(make.document(step=1, sandiman=s1, kasi=kasi, sender_agency=sender, urgency="biasa",
                                 received_at=utcnow() - timedelta(minutes=30 + i)))
    make.document(step=2, sandiman=s1, kasi=kasi, sender_agency="Kejaksaan Negeri Pekalongan", urgency="kilat",
                  received_at=utcnow() - timedelta(hours=3))
    app.config["BOARD_PAGE_SIZE"] = PAGE
    return s1, ids


def cards(page, step):
    return page.locator(f"#col-{step} article.card")


def test_more_link_loads_the_next_page_in_place(live_server, page_factory):
    s1, ids = seed(live_server.app)
    page = page_factory()
    sign_in(page, live_server.url, s1.username, PASSWORD)
    page.goto(f"{live_server.url}/papan")
    assert page.locator("#count-1").inner_text() == "13"  # the total, not the page
    assert cards(page, 1).count() == PAGE
    more = page.locator("#more-1")
    assert more.inner_text() == "tampilkan 8 lagi"
    assert "s1=10" in more.get_attribute("href")  # without JavaScript: the board, column grown
    screenshot(page, "board-paged")
    more.click()
    page.locator("#more-1", has_text="tampilkan 3 lagi").wait_for()
    assert cards(page, 1).count() == 2 * PAGE
    page.locator("#more-1").click()
    page.wait_for_function("() => document.querySelectorAll('#col-1 article.card').length === 13")  # a function: CSP forbids eval
    assert page.locator("#more-1").count() == 0
    shown = [int(a.get_attribute("id").split("-")[1]) for a in cards(page, 1).all()]
    assert sorted(shown) == sorted(ids) and len(set(shown)) == 13  # every card once, none twice
    assert page.locator("#count-1").inner_text() == "13"
    assert page.js_errors == []


def test_plain_link_grows_the_column_without_javascript(live_server, page_factory):
    s1, _ = seed(live_server.app)
    page = page_factory()
    sign_in(page, live_server.url, s1.username, PASSWORD)
    page.goto(f"{live_server.url}/papan?s1=10")
    assert cards(page, 1).count() == 10 and page.locator("#more-1").inner_text() == "tampilkan 3 lagi"


def test_search_and_filters_find_every_card_with_totals(live_server, page_factory):
    s1, _ = seed(live_server.app)
    page = page_factory()
    sign_in(page, live_server.url, s1.username, PASSWORD)
    page.goto(f"{live_server.url}/papan")
    page.fill("#q", "imigrasi")
    page.press("#q", "Enter")
    page.locator("#count-1", has_text="4").wait_for()
    assert cards(page, 1).count() == 4 and page.locator("#more-1").count() == 0
    assert page.locator("#count-2").inner_text() == "0"
    page.fill("#q", "")
    page.press("#q", "Enter")
    page.locator("#count-1", has_text="13").wait_for()
    page.select_option("#f-urg", "kilat")
    page.locator("#count-1", has_text="0").wait_for()
    assert page.locator("#count-2").inner_text() == "1" and cards(page, 2).count() == 1
    assert page.js_errors == []


def test_transition_moves_the_card_and_both_counts(live_server, page_factory):
    s1, ids = seed(live_server.app)
    page = page_factory()
    sign_in(page, live_server.url, s1.username, PASSWORD)
    page.goto(f"{live_server.url}/papan")
    first = cards(page, 1).first
    doc_id = int(first.get_attribute("id").split("-")[1])
    first.get_by_role("link", name="Agendakan").click()
    page.locator(f"#card-{doc_id}").get_by_role("button", name="Agendakan").click()
    page.locator(f"#col-2 #card-{doc_id}").wait_for()
    assert page.locator(f"#col-1 #card-{doc_id}").count() == 0
    assert page.locator("#count-1").inner_text() == "12" and page.locator("#count-2").inner_text() == "2"
    assert "Diagendakan" in page.locator("#flash").inner_text()
    screenshot(page, "board-after-transition")
    assert page.js_errors == []


def test_poll_after_own_move_never_shows_a_card_twice(live_server, page_factory):
    """The poll sends the signatures of what this page shows. Here a card is moved 1 -> 2 on
    this page and then 2 -> 3 by a colleague before the next poll: the server's column 2 is
    back to what the last poll saw, yet this page still shows the card there. The poll must
    re-render column 2 (its count was marked stale by the move), so the card is shown once."""
    s1, ids = seed(live_server.app)
    page = page_factory()
    sign_in(page, live_server.url, s1.username, PASSWORD)
    page.goto(f"{live_server.url}/papan")
    page.route("**/papan?poll=1*", lambda route: route.fulfill(status=204))  # hold the polls
    first = cards(page, 1).first
    doc_id = int(first.get_attribute("id").split("-")[1])
    first.get_by_role("link", name="Agendakan").click()
    page.locator(f"#card-{doc_id}").get_by_role("button", name="Agendakan").click()
    page.locator(f"#col-2 #card-{doc_id}").wait_for()
    with live_server.app.app_context():
        engine.run(doc_id, "report", db.session.get(User, s1.id))   # a colleague, elsewhere
    page.unroute("**/papan?poll=1*")
    with page.expect_response(lambda r: "poll=1" in r.url and r.status == 200, timeout=15_000):
        pass
    page.locator(f"#col-3 #card-{doc_id}").wait_for()
    assert page.locator(f"#card-{doc_id}").count() == 1
    assert page.locator("#count-2").inner_text() == "1" and page.locator("#count-3").inner_text() == "1"
    assert page.js_errors == []


def test_kosong_follows_the_card_without_waiting_for_the_poll(live_server, page_factory):
    """The only card of column 2 moves on to 3 (empty until now): column 2 shows "Kosong" at
    once and column 3 no longer does, from the transition's answer alone (polls held)."""
    s1, _ = seed(live_server.app)
    page = page_factory()
    sign_in(page, live_server.url, s1.username, PASSWORD)
    page.goto(f"{live_server.url}/papan")
    page.route("**/papan?poll=1*", lambda route: route.fulfill(status=204))  # hold the polls
    assert page.locator("#empty-2").is_hidden() and page.locator("#empty-3").is_visible()
    card = cards(page, 2).first
    doc_id = int(card.get_attribute("id").split("-")[1])
    card.get_by_role("link", name="Laporkan ke Kasi").click()
    page.locator(f"#card-{doc_id}").get_by_role("button", name="Laporkan ke Kasi").click()
    page.locator(f"#col-3 #card-{doc_id}").wait_for()
    assert page.locator("#empty-2").is_visible() and page.locator("#empty-3").is_hidden()
    assert page.locator("#col-2").get_by_text("Kosong").is_visible()
    screenshot(page, "board-kosong-after-move")
    assert page.js_errors == []
