"""Soft WIP limits and SLA colours on the board."""
import re
from datetime import timedelta

import pytest

from naskah.core import settings
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from tests.factories import login


@pytest.fixture
def people(make):
    return make.user("sandiman"), make.user("kasi")


def set_limits(app, limits):
    with app.app_context():
        settings.set_value("wip_limits", limits)
        db.session.commit()


def column(html, step):
    match = re.search(rf'<section class="column step-{step}[^"]*".*?</header>', html, re.S)
    return match.group(0)


def test_column_over_its_limit_is_marked_not_blocked(app, client, make, people):
    sandiman, kasi = people
    for _ in range(3):
        make.document(step=1, sandiman=sandiman, kasi=kasi)
    make.document(step=2, sandiman=sandiman, kasi=kasi)
    set_limits(app, {"1": 2, "2": 1})
    login(client, sandiman)
    html = client.get("/papan").get_data(as_text=True)
    col1, col2, col3 = column(html, 1), column(html, 2), column(html, 3)
    assert 'class="column step-1 over-limit"' in col1
    assert ">3/2</span>" in col1 and 'class="count wip-over"' in col1
    assert 'aria-label="3 naskah, batas 2: melebihi batas WIP"' in col1
    assert "over-limit" not in col2 and ">1/1</span>" in col2 and 'aria-label="1 naskah, batas 1"' in col2
    assert "over-limit" not in col3 and 'aria-label="0 naskah"' in col3
    # not blocked: a fourth cryptogram still lands in column 1
    make.document(step=1, sandiman=sandiman, kasi=kasi)
    assert ">4/2</span>" in client.get("/papan").get_data(as_text=True)


def test_limit_counts_the_whole_column_even_when_filtered(app, client, make, people):
    sandiman, kasi = people
    make.document(step=1, sandiman=sandiman, kasi=kasi, urgency="kilat")
    make.document(step=1, sandiman=sandiman, kasi=kasi, urgency="biasa")
    set_limits(app, {"1": 1})
    login(client, sandiman)
    html = client.get("/papan?urgency=kilat").get_data(as_text=True)
    assert ">2/1</span>" in column(html, 1)
    assert html.count('<article class="card') == 1


def test_overdue_card_is_red_and_warning_amber(app, client, make, people):
    sandiman, kasi = people
    late = make.document(step=2, sandiman=sandiman, kasi=kasi, received_at=utcnow() - timedelta(days=10))
    login(client, sandiman)
    html = client.get("/papan").get_data(as_text=True)
    card = re.search(rf'<article class="([^"]*)"\s+id="card-{late}"', html).group(1)
    assert "state-overdue" in card
    assert 'class="sla sla-overdue"' in html and "terlambat" in html
    css = open("static/css/app.css").read()
    assert ".card.state-overdue { background: #fdeeee" in css
    assert ".card.state-warning { background: var(--amber-bg); }" in css
