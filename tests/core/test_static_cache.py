"""Static files: fingerprinted URLs cached for a year; pages stay out of every cache."""
import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_pages_link_fingerprinted_assets(client):
    page = client.get("/masuk")
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    for name in ("css/app.css", "js/app.js", "vendor/htmx-2.0.11.min.js", "img/favicon.svg"):
        digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
        assert f"/static/{name}?v={digest}" in html, name
    assert not re.search(r'(href|src)="/static/[^"?]+"', html)  # no unfingerprinted asset left


def test_fingerprinted_request_is_immutable(client):
    digest = hashlib.sha256((STATIC / "css/app.css").read_bytes()).hexdigest()[:12]
    resp = client.get(f"/static/css/app.css?v={digest}")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = client.get("/static/css/app.css")
    assert "immutable" not in plain.headers.get("Cache-Control", "")
    assert client.get("/static/css/nope.css?v=abc").status_code == 404
