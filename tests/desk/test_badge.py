"""The "Menunggu Anda" badge refreshes with the board and opens the board on the user's work (item 5)."""
import re

from tests.factories import login


def _cards(body):
    return set(map(int, re.findall(r'id="card-(\d+)"', body)))


def test_badge_links_to_the_board_filtered_to_my_waiting_work(app, client, make):
    me, other = make.user("sandiman"), make.user("sandiman")
    kasi = make.user("kasi")
    mine4 = make.document(step=4, sandiman=me, kasi=kasi)
    mine5 = make.document(step=5, sandiman=me, kasi=kasi)
    make.document(step=6, sandiman=me, kasi=kasi)          # waits for the kasi, not for me
    make.document(step=4, sandiman=other, kasi=kasi)
    login(client, me)
    page = client.get("/papan").get_data(as_text=True)
    href = re.search(r'<a class="waiting-badge[^"]*" id="waiting-badge" href="([^"]+)"', page).group(1)
    assert href == "/papan?menunggu=1"
    assert _cards(client.get(href).get_data(as_text=True)) == {mine4, mine5}


def test_kasi_badge_filter_shows_reports_and_signatures(app, client, make):
    kasi = make.user("kasi")
    s = make.user("sandiman")
    waiting = {make.document(step=3, sandiman=s, kasi=kasi), make.document(step=6, sandiman=s, kasi=kasi)}
    make.document(step=4, sandiman=s, kasi=kasi)
    login(client, kasi)
    assert _cards(client.get("/papan?menunggu=1").get_data(as_text=True)) == waiting


def test_board_poll_carries_the_badge_out_of_band(app, client, make):
    me = make.user("sandiman")
    make.document(step=4, sandiman=me)
    login(client, me)
    body = client.get("/papan?poll=1&since=0", headers={"HX-Request": "true"}).get_data(as_text=True)
    badge = re.search(r'<a class="waiting-badge[^>]*id="waiting-badge"[^>]*hx-swap-oob="true"[^>]*>.*?</a>', body, re.S)
    assert badge and '<span class="waiting-count" aria-hidden="true">1</span>' in badge.group(0)
    # The full page has exactly one badge (no out-of-band copy).
    assert client.get("/papan").get_data(as_text=True).count('id="waiting-badge"') == 1
