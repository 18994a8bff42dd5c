"""The complaint desk for petugas and pejabat: quick form, list, detail, actions and the slip."""
from flask import (Blueprint, Response, abort, flash, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from .. import complaints, settings, siteurl, sla
from ..complaint_forms import ACTION_FORMS, QuickComplaintForm
from ..errors import Conflict, DomainError
from ..extensions import db
from ..forms import form_data
from ..models import Role, User
from ..models.complaint import COMPLAINT_CHANNELS, COMPLAINT_STATUSES, Complaint
from ..security import roles_required
from ..templating import EVENT_LABELS, is_htmx_partial, render
from ..timeutil import utcnow

bp = Blueprint("complaints", __name__, url_prefix="/pengaduan-layanan")
NAV = [("complaints.index", "Pengaduan", {"petugas", "pejabat"}, 40),
       ("complaints.new", "Catat Pengaduan", {"petugas"}, 41)]
DESK = ("petugas", "pejabat")
SHORTCUT = "p"          # accesskey of the quick-form link; static/js/app.js adds Alt+Shift+P
CODES_KEPT = 5          # access codes remembered in the officer's session, for printing slips
EVENT_LABELS.update({
    "complaint.create": "Pengaduan dicatat",
    "complaint.respond": "Pengaduan ditanggapi",
    "complaint.escalate": "Pengaduan dieskalasi",
    "complaint.close": "Pengaduan diselesaikan",
    "complaint.reopen": "Pengaduan dibuka kembali",
    "complaint.new_code": "Kode akses pengaduan diganti",
    "complaint.report_export": "Register pengaduan diunduh",
    "survey.submit": "Survei kepuasan diisi",
})


@bp.record_once
def _register_shortcut(state):
    state.app.jinja_env.globals.setdefault("NAV_ACCESSKEYS", {})["complaints.new"] = SHORTCUT


# -- the access codes this officer may still print ------------------------------------------
def remember_code(complaint_id: int, code: str) -> None:
    """Keep the plaintext code only in the officer's session (signed cookie, cleared at logout)."""
    codes = dict(session.get("complaint_codes") or {})
    codes.pop(str(complaint_id), None)
    codes[str(complaint_id)] = code
    session["complaint_codes"] = dict(list(codes.items())[-CODES_KEPT:])


def code_for(complaint_id: int) -> str | None:
    return (session.get("complaint_codes") or {}).get(str(complaint_id))


# -- list -----------------------------------------------------------------------------------
@bp.get("/")
@roles_required(*DESK)
def index():
    args = request.args
    status = args.get("status", "terbuka")
    status = status if status in ("terbuka", "semua", *COMPLAINT_STATUSES) else "terbuka"
    channel = args.get("channel") if args.get("channel") in COMPLAINT_CHANNELS else ""
    overdue = args.get("overdue") == "1"
    q = "".join(ch for ch in args.get("q", "")[:20] if ch.isalnum() or ch == "-")
    page = args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    per_page = 50
    rows, total = complaints.queue(current_user, status=status, channel=channel, overdue_only=overdue,
                                   q=q, page=page, per_page=per_page)
    filters = {k: v for k, v in {"status": status, "channel": channel, "overdue": "1" if overdue else "",
                                 "q": q}.items() if v}
    return render("complaints/index.html", "complaints/_list.html", rows=rows, total=total, page=page,
                  pages=max(1, -(-total // per_page)), filters=filters, counts=complaints.counts(),
                  status=status, channel=channel, overdue=overdue, q=q, channels=COMPLAINT_CHANNELS,
                  **_timing())


def _timing():
    now = utcnow()
    cal = sla.calendar()
    return {"now": now, "is_overdue": lambda c: complaints.is_overdue(c, now),
            "remaining": lambda c: cal.remaining_text(complaints.next_due(c), now),
            "next_due": complaints.next_due}


# -- the quick form -------------------------------------------------------------------------
@bp.route("/baru", methods=["GET", "POST"])
@roles_required("petugas")
def new():
    form = QuickComplaintForm()
    if request.method == "POST":
        valid = form.validate()
        _, problems = complaints.check_input(form_data(form))
        if valid and not problems:
            complaint, code = complaints.create(current_user, form_data(form))
            db.session.commit()
            remember_code(complaint.id, code)
            return redirect(url_for(".ticket", complaint_id=complaint.id))
        show_problems(form, problems)
        return render_template("complaints/new.html", form=form), 400
    return render_template("complaints/new.html", form=form)


def show_problems(form, problems) -> None:
    """Put domain problems next to their fields (all at once) and focus the first bad field."""
    for problem in problems:
        field = form._fields.get(problem.field)
        if field is not None and not field.errors:
            field.errors = list(field.errors) + [problem.message]
    first = next((f for f in form if f.errors and f.type not in ("CSRFTokenField", "HiddenField")), None)
    if first is not None:
        for f in form:
            if f.render_kw and "autofocus" in f.render_kw:
                f.render_kw = {k: v for k, v in f.render_kw.items() if k != "autofocus"}
        first.render_kw = {**(first.render_kw or {}), "autofocus": True}


@bp.get("/<int:complaint_id>/tiket")
@roles_required(*DESK)
def ticket(complaint_id):
    c = complaints.get(complaint_id, current_user)
    return render_template("complaints/ticket.html", c=c, code=code_for(c.id))


# -- detail and actions ---------------------------------------------------------------------
def _pejabat_choices():
    users = db.session.scalars(db.select(User).where(User.role == Role.PEJABAT.value, User.active.is_(True))
                               .order_by(User.full_name)).all()
    return [("", "\u2014 pilih \u2014")] + [(str(u.id), u.full_name) for u in users]


def build_form(action: str, c: Complaint, formdata=None):
    cls = ACTION_FORMS[action]
    form = cls(formdata=formdata, prefix=action)  # formdata=None: an empty form, never request.form
    if formdata is None:
        form.version.data = c.version
    if action == "escalate":
        form.pejabat_id.choices = _pejabat_choices()
        if formdata is None and len(form.pejabat_id.choices) == 2:
            form.pejabat_id.data = form.pejabat_id.choices[1][0]
    return form


def detail_context(c: Complaint, *, forms=None, message=None, error=None):
    actions = complaints.allowed(c, current_user)
    forms = dict(forms or {})
    for t in actions:
        forms.setdefault(t.action, build_form(t.action, c))
    return {"c": c, "who": complaints.identity(c, current_user), "actions": actions, "forms": forms,
            "responses": c.responses, "message": message, "error": error,
            "code_available": code_for(c.id) is not None, **_timing()}


@bp.get("/<int:complaint_id>")
@roles_required(*DESK)
def show(complaint_id):
    c = complaints.get(complaint_id, current_user)
    return render("complaints/show.html", "complaints/_detail.html", **detail_context(c))


@bp.post("/<int:complaint_id>/aksi/<action>")
@roles_required(*DESK)
def act(complaint_id, action):
    c = complaints.get(complaint_id, current_user)
    if action not in ACTION_FORMS:
        abort(404)
    try:
        t = complaints.find(c, action, current_user)
        complaints.check(c, t, current_user)
    except DomainError as e:
        return _refused(c, e)
    form = build_form(action, c, formdata=request.form)
    if not form.validate():
        return _detail(c, forms={action: form}, status=400)
    version = form.version.data
    try:
        complaints.apply(c, action, current_user, form_data(form),
                         expected_version=int(version) if str(version).isdigit() else None)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _refused(complaints.get(complaint_id, current_user),
                        Conflict("Pengaduan ini baru saja diubah oleh pengguna lain. Muat ulang lalu periksa kembali."))
    except DomainError as e:
        db.session.rollback()
        c = complaints.get(complaint_id, current_user)
        if e.field and e.field in form._fields:
            form[e.field].errors = list(form[e.field].errors) + [e.message]
            return _detail(c, forms={action: form}, status=400)
        return _refused(c, e)
    message = f"{t.label}: {c.ticket} kini berstatus {c.status_label}."
    if is_htmx_partial():
        return _detail(c, message=message)
    flash(message, "success")
    return redirect(url_for(".show", complaint_id=c.id))


def _detail(c, status=200, **kw):
    """The detail page, or for htmx its #complaint part (htmx swaps 4xx too, see base.html)."""
    template = "complaints/_detail.html" if is_htmx_partial() else "complaints/show.html"
    return render_template(template, **detail_context(c, **kw)), status


def _refused(c, error: DomainError):
    return _detail(c, status=error.status, error=error.message)


# -- the slip -------------------------------------------------------------------------------
def public_url(endpoint: str, **values) -> str:
    """An address the complainant can open: office setting public_base_url, else this server."""
    base = siteurl.office_base_url("public_base_url")
    return base + url_for(endpoint, **values)


def slip_context(c: Complaint, code: str) -> dict:
    officer = c.handler or c.created_by
    return {
        "office": {"name": f"{settings.get('office_government')} / {settings.get('office_name')}",
                   "phone": settings.get("office_phone"), "website": settings.get("office_website"),
                   "city": settings.get("office_city")},
        "ticket": c.ticket, "access_code": code, "created_at": c.created_at,
        "status_url": public_url("complaints_public.status", tiket=c.ticket),
        "survey_url": public_url("complaints_public.survey_start"),  # the code is printed, never in a URL
        "officer": officer.full_name if officer else None,
    }


# The print view is the print template itself: it needs inline styles, so it gets its own
# policy that allows them and forbids every script.
PRINT_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
             "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@bp.get("/<int:complaint_id>/bukti")
@roles_required(*DESK)
def slip(complaint_id):
    from ..printing.render import render_html
    c = complaints.get(complaint_id, current_user)
    code = code_for(c.id)
    if code is None:
        return render_template("complaints/slip_missing.html", c=c), 409
    html = render_html("complaint_slip.html", slip_context(c, code), paper="A6",
                       font_base_url=url_for("static", filename="fonts"))
    return Response(html, mimetype="text/html", headers={"Content-Security-Policy": PRINT_CSP})


@bp.get("/<int:complaint_id>/bukti.pdf")
@roles_required(*DESK)
def slip_pdf(complaint_id):
    from ..printing.render import render_pdf
    c = complaints.get(complaint_id, current_user)
    code = code_for(c.id)
    if code is None:
        return render_template("complaints/slip_missing.html", c=c), 409
    pdf = render_pdf("complaint_slip.html", slip_context(c, code), paper="A6")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="bukti-{c.ticket}.pdf"'})


@bp.post("/<int:complaint_id>/kode-baru")
@roles_required("petugas")
def new_code(complaint_id):
    c = complaints.get(complaint_id, current_user)
    code = complaints.new_code(c, current_user)
    db.session.commit()
    remember_code(c.id, code)
    flash(f"Kode akses baru untuk {c.ticket} dibuat; kode lama tidak berlaku lagi.", "success")
    return redirect(url_for(".ticket", complaint_id=c.id))
