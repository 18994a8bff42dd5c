"""Public pages without login: the website complaint form, the status page and the survey.

Every public POST and every code lookup is rate-limited per client. Wrong ticket/code pairs all
get the same page, the same status code and the same work (one lookup, one HMAC).
"""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for

from naskah.auth.guards import public
from naskah.complaints import accesscodes
from naskah.complaints import flow as complaints
from naskah.complaints import survey as skm
from naskah.complaints.forms import PublicComplaintForm, StatusForm, SurveyCodeForm, SurveyForm
from naskah.complaints.views.desk import slip_context
from naskah.core.errors import DomainError
from naskah.core.forms import form_data, show_errors
from naskah.core.ratelimit import client_key, limiter
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models.survey import ELEMENT_KEYS
from naskah.printing.render import render_pdf

bp = Blueprint("complaints_public", __name__)
PUBLIC_MAX_BYTES = 32 * 1024
SLIP_SECONDS = 30 * 60
LIMITS = {  # (attempts, window in seconds) per client; override with app.config[key]
    "COMPLAINT_FORM_LIMIT": (10, 3600),
    "COMPLAINT_STATUS_LIMIT": (10, 600),
    "SURVEY_LIMIT": (20, 600),
}
TOO_MANY = "Terlalu banyak percobaan dari alamat Anda. Tunggu beberapa menit lalu coba lagi."
NO_MATCH = "Nomor tiket dan kode akses tidak cocok. Periksa kembali bukti pengaduan Anda."
BOT = "Pengaduan tidak dapat diproses. Muat ulang halaman lalu coba lagi."


def _allowed(scope: str, key: str) -> bool:
    attempts, window = current_app.config.get(key) or LIMITS[key]
    return limiter().hit(client_key(scope), attempts, window)


def _guard_size():
    if request.content_length is not None and request.content_length > PUBLIC_MAX_BYTES:
        abort(413)


@bp.route("/pengaduan", methods=["GET", "POST"])
@public
def complaint_form():
    form = PublicComplaintForm()
    if request.method == "POST":
        _guard_size()
        if not _allowed("pengaduan", "COMPLAINT_FORM_LIMIT"):
            return render_template("complaints_public/form.html", form=form, error=TOO_MANY), 429
        if (form.website.data or "").strip():
            # Only a bot fills the hidden field: refuse without saving, in a neutral tone.
            return render_template("complaints_public/form.html", form=PublicComplaintForm(formdata=None),
                                   error=BOT), 400
        valid, problem = form.validate(), None  # the form's checks and the domain's, all at once
        try:
            complaints.check_input(form_data(form), public=True)
            if valid:
                c, code = complaints.create(None, form_data(form), public=True)
                db.session.commit()
                session["public_complaint"] = {"ticket": c.ticket, "code": code}
                return redirect(url_for(".sent"))
        except DomainError as e:
            db.session.rollback()
            problem = e
        show_errors(form, problem)
        return render_template("complaints_public/form.html", form=form), 400
    return render_template("complaints_public/form.html", form=form)


@bp.get("/pengaduan/terkirim")
@public
def sent():
    data = session.pop("public_complaint", None)
    if not data:
        flash("Nomor tiket dan kode akses hanya ditampilkan sekali, sesaat setelah pengaduan dikirim.", "info")
        return redirect(url_for(".status"))
    # The printable slip (PDF) may be fetched for a short while from this session only: the code
    # never travels in a URL.
    session["public_slip"] = {**data, "until": utcnow().timestamp() + SLIP_SECONDS}
    return render_template("complaints_public/sent.html", ticket=data["ticket"], code=data["code"])


@bp.get("/pengaduan/terkirim/bukti.pdf")
@public
def sent_slip():
    """The citizen's bukti pengaduan (ticket and access code) as a printable PDF."""
    data = session.get("public_slip")
    c = complaints.lookup(data["ticket"], data["code"]) if data and data.get("until", 0) > utcnow().timestamp() else None
    if c is None:
        session.pop("public_slip", None)
        flash("Bukti pengaduan hanya dapat diunduh sesaat setelah pengaduan dikirim. "
              "Nomor tiket dan kode akses tetap dapat dipakai di halaman status.", "info")
        return redirect(url_for(".status"))
    pdf = render_pdf("complaint_slip.html", slip_context(c, data["code"]), paper="A6")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="bukti-{c.ticket}.pdf"',
                             "Cache-Control": "no-store"})


@bp.route("/pengaduan/status", methods=["GET", "POST"])
@public
def status():
    form = StatusForm()
    if request.method == "GET":
        form.ticket.data = complaints.normalize_ticket(request.args.get("tiket")) or ""
        return render_template("complaints_public/status.html", form=form)
    _guard_size()
    if not _allowed("pengaduan-status", "COMPLAINT_STATUS_LIMIT"):
        return render_template("complaints_public/status.html", form=StatusForm(formdata=None), error=TOO_MANY), 429
    if not form.validate():
        return render_template("complaints_public/status.html", form=form), 400
    c = complaints.lookup(form.ticket.data, form.code.data)
    if c is None:
        return render_template("complaints_public/status.html", form=StatusForm(formdata=None), error=NO_MATCH), 404
    state, _ = skm.find(form.code.data) if c.status == "selesai" else ("pending", None)
    return render_template("complaints_public/result.html", c=c,
                           responses=[r for r in c.responses if r.public],
                           survey_code=accesscodes.display(form.code.data) if state == "ok" else None)


# Access codes travel only in POST bodies: never in a URL, so never in a request log, history
# or Referer. Unknown, not yet eligible and already used codes get one and the same answer.
NOT_USABLE = ("Kode survei tidak dapat dipakai. Periksa kembali kodenya; survei dapat diisi sekali, "
              "setelah pengaduan atau naskah Anda selesai ditangani.")


@bp.route("/survei", methods=["GET", "POST"])
@public
def survey_start():
    if request.method == "GET":
        return render_template("complaints_public/survey_start.html")
    return _survey_answer(_typed_code(), with_answers=False)


@bp.post("/survei/isi")
@public
def survey():
    return _survey_answer(_typed_code(), with_answers=True)


def _typed_code() -> str:
    """The posted code; too long or without the form's token counts as no code (one answer)."""
    form = SurveyCodeForm()
    return (form.kode.data or "") if form.validate() else ""


def _survey_answer(typed: str, *, with_answers: bool):
    _guard_size()
    if not _allowed("survei", "SURVEY_LIMIT"):
        return render_template("complaints_public/survey_start.html", error=TOO_MANY), 429
    code = accesscodes.display(accesscodes.normalize(typed)) if accesscodes.normalize(typed) else ""
    state, row = skm.find(code) if code else ("unknown", None)
    if state != "ok":
        return render_template("complaints_public/survey_start.html", error=NOT_USABLE), 404
    form = SurveyForm()
    if not with_answers:
        return _survey_page(SurveyForm(formdata=None), code, row, 200)
    if form.validate_on_submit():
        try:
            skm.submit(code, {k: form[k].data for k in ELEMENT_KEYS}, form.suggestion.data,
                       {k: form[k].data for k in skm.PROFILE_KEYS})
            db.session.commit()
        except DomainError as e:
            db.session.rollback()
            if e.field and e.field in form._fields:
                form[e.field].errors.append(e.message)
                return _survey_page(form, code, row, 400)
            return render_template("complaints_public/survey_start.html", error=NOT_USABLE), 404
        return render_template("complaints_public/survey_thanks.html")
    return _survey_page(form, code, row, 400)


def _survey_page(form, code, row, status):
    return render_template("complaints_public/survey.html", form=form, code=code, row=row, elements=skm.ELEMENTS), status

