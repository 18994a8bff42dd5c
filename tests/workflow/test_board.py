"""The board page: columns, filters, partials for htmx, and the cheap change poll."""
import re

import pytest

from tests.factories import login


def test_full_page_has_nine_columns_with_counts(app, client, make):
    sandiman = make.user("sandiman")
    for step in range(1, 10):
        make.document(step=step, sandiman=sandiman)
    login(client, sandiman)
    r = client.get("/papan")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" in body
    for n in range(1, 10):
        assert f'id="col-{n}"' in body
    assert body.count('class="count"') == 9
    assert 'hx-trigger="every' in body


def test_htmx_gets_the_partial_and_history_restore_the_page(app, client, make):
    sandiman = make.user("sandiman")
    login(client, sandiman)
    partial = client.get("/papan", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and 'id="board"' in partial
    restore = client.get("/papan", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_poll_answers_204_when_nothing_changed(app, client, make):
    sandiman = make.user("sandiman")
    make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    body = client.get("/papan").get_data(as_text=True)
    marker = body.split('data-marker="')[1].split('"')[0]
    r = client.get(f"/papan?poll=1&since={marker}", headers={"HX-Request": "true"})
    assert r.status_code == 204
    make.document(step=1, sandiman=sandiman)
    r = client.get(f"/papan?poll=1&since={marker}", headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'id="board"' in r.get_data(as_text=True)


def test_actions_shown_match_the_role(app, client, make):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    make.document(step=3, sandiman=sandiman, kasi=kasi)
    login(client, sandiman)
    assert "Tugaskan dekripsi" not in client.get("/papan").get_data(as_text=True)
    client.post("/keluar")
    login(client, kasi)
    assert "Tugaskan dekripsi" in client.get("/papan").get_data(as_text=True)


@pytest.mark.parametrize("query,expected", [
    ("classification=SR", {"Alpha"}),
    ("urgency=kilat", {"Alpha"}),
    ("q=polres", {"Bravo"}),
    ("mine=1", {"Alpha"}),
])
def test_filters(app, client, make, query, expected):
    me, other = make.user("sandiman"), make.user("sandiman")
    make.document(step=1, sandiman=me, classification="SR", urgency="kilat", sender_agency="Alpha BSSN")
    make.document(step=1, sandiman=other, classification="R", urgency="biasa", sender_agency="Bravo Polres")
    login(client, me)
    body = client.get(f"/papan?{query}").get_data(as_text=True)
    shown = {name for name in ("Alpha", "Bravo") if name in body}
    assert shown == expected


def test_overdue_filter(app, client, make):
    from datetime import timedelta

    from naskah.core.timeutil import utcnow
    sandiman = make.user("sandiman")
    make.document(step=2, sandiman=sandiman, sender_agency="Lama sekali",
                  received_at=utcnow() - timedelta(days=10))
    make.document(step=2, sandiman=sandiman, sender_agency="Baru saja", received_at=utcnow())
    login(client, sandiman)
    body = client.get("/papan?overdue=1").get_data(as_text=True)
    assert "Lama sekali" in body and "Baru saja" not in body


def test_poll_answers_with_only_the_changed_columns(app, client, make):
    import re
    sandiman = make.user("sandiman")
    make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    body = client.get("/papan").get_data(as_text=True)
    poll = re.search(r'id="board-poll" hidden hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")
    make.document(step=2, sandiman=sandiman)  # the marker moves; only column 2 changed
    r = client.get(poll, headers={"HX-Request": "true"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="board-poll"' in html and 'id="board"' not in html
    assert re.findall(r'<section class="column step-(\d)', html) == ["2"]
    assert 'id="col-2"' in html and 'hx-swap-oob="true"' in html


def test_column_page_and_plain_more_link(app, client, make):
    sandiman = make.user("sandiman")
    app.config["BOARD_PAGE_SIZE"] = 2
    ids = [make.document(step=1, sandiman=sandiman) for _ in range(5)]
    login(client, sandiman)
    body = client.get("/papan").get_data(as_text=True)
    assert body.count('<article class="card') == 2 and "tampilkan 3 lagi" in body
    assert re.search(r'id="count-1" data-sig="[0-9a-f]+" aria-label="5 naskah">5<', body)  # the total
    part = client.get("/papan/kolom/1?offset=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert part.count('<article class="card') == 2 and "tampilkan 1 lagi" in part and "<html" not in part
    plain = client.get("/papan/kolom/1?offset=2")
    assert plain.status_code == 302 and "s1=4" in plain.location
    grown = client.get("/papan?s1=4").get_data(as_text=True)
    assert grown.count('<article class="card') == 4 and "tampilkan 1 lagi" in grown
    everything = client.get("/papan?s1=10").get_data(as_text=True)
    assert all(f'id="card-{i}"' in everything for i in ids) and "lagi</a>" not in everything


def test_next_page_starts_after_the_last_card_shown_even_when_one_above_moved(app, client, make):
    import re
    from datetime import timedelta

    from naskah.core.timeutil import utcnow
    sandiman = make.user("sandiman")
    app.config["BOARD_PAGE_SIZE"] = 2
    ids = [make.document(step=1, sandiman=sandiman, urgency="biasa", received_at=utcnow() - timedelta(hours=5 - i))
           for i in range(5)]
    login(client, sandiman)
    body = client.get("/papan").get_data(as_text=True)
    link = re.search(r'id="more-1"[^>]*hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")
    shown = re.findall(r'id="card-(\d+)"', body)
    assert [int(i) for i in shown] == ids[:2] and f"after={ids[1]}" in link
    from tests.workflow.test_actions import state
    _, version, _ = state(app, ids[0])
    client.post(f"/dokumen/{ids[0]}/aksi/register", data={"version": str(version)})  # the first card moves on
    part = client.get(link, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert [int(i) for i in re.findall(r'id="card-(\d+)"', part)] == ids[2:4]  # none skipped
