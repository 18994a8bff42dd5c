"""Public verification of issued papers by QR code, and of uploaded PDFs (no login).

Rate-limited per client. Known, unknown and malformed codes do the same work and are answered
no sooner than VERIFY_MIN_SECONDS, so response time does not tell a guesser anything.
"""
import re
import time

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from naskah.auth.guards import public
from naskah.core.errors import render_error
from naskah.core.ratelimit import client_key, limiter
from naskah.paper import issued
from naskah.paper.forms import UploadForm

bp = Blueprint("verification", __name__, url_prefix="/verifikasi")
TOO_MANY = ("Terlalu banyak permintaan verifikasi dari alamat Anda. Tunggu sebentar lalu coba lagi.")


def _limited():
    cfg = current_app.config
    return not limiter().hit(client_key("verifikasi"), cfg.get("VERIFY_RATE_LIMIT", 30),
                             cfg.get("VERIFY_RATE_WINDOW", 60))


def _floor(started: float):
    remaining = current_app.config.get("VERIFY_MIN_SECONDS", 0.35) - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)


def _read_upload(form):
    """(bytes, error message)."""
    upload = form.pdf.data
    if not upload or not getattr(upload, "filename", ""):
        return None, "Pilih berkas PDF."
    limit = current_app.config.get("VERIFY_MAX_BYTES", 10 * 1024 * 1024)
    data = upload.read(limit + 1)
    if len(data) > limit:
        return None, f"Berkas melebihi batas {limit // (1024 * 1024)} MB."
    if not data:
        return None, "Berkas kosong."
    return data, None


@bp.route("/", methods=["GET", "POST"])
@public
def index():
    if _limited():
        return render_error(429, TOO_MANY)
    code = request.args.get("kode", "").strip()
    if code and re.fullmatch(r"[A-Za-z0-9\- ]{1,40}", code):
        return redirect(url_for(".check", code=issued.normalise(code)))
    code_error = None
    if code:  # shown in place, in this page's layout (never the generic "not found" page)
        code_error = "Kode verifikasi hanya berisi huruf dan angka (16 karakter), mis. ABCD-EFGH-IJKL-MNOP."
    form = UploadForm()
    result, status = None, 200
    if request.method == "POST":
        result, status = _check_posted(form, None, status)
    return render_template("verification/index.html", form=form, result=result, code_error=code_error,
                           code=code[:40],
                           public=issued.public_view(result["paper"]) if result and result["paper"] else None), \
        (400 if code_error else status)


def _check_posted(form, paper, status):
    """Check an uploaded PDF against what we issued; (result, status), 400 with a field message."""
    if not form.validate_on_submit():
        return None, 400
    data, error = _read_upload(form)
    if error:
        form.pdf.errors.append(error)
        return None, 400
    return issued.check_upload(data, paper), status


@bp.route("/<code>", methods=["GET", "POST"])
@bp.route("/<path:code>", methods=["GET", "POST"])  # a pasted code with a slash: still this page
@public
def check(code):
    started = time.monotonic()
    if _limited():
        return render_error(429, TOO_MANY)
    paper = issued.lookup(code)
    view = issued.public_view(paper) if paper is not None else None
    form = UploadForm()
    result, status = None, 200 if paper is not None else 404
    if request.method == "POST" and paper is not None:
        result, status = _check_posted(form, paper, status)
    body = render_template("verification/show.html", paper=view, form=form, result=result,
                           code=issued.display(issued.normalise(code))[:40])
    _floor(started)
    return body, status
