"""The complaint desk for petugas and pejabat: quick form, list, detail, actions and the slip."""
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.complaints import flow as complaints
from naskah.complaints.forms import ACTION_FORMS, QuickComplaintForm
from naskah.core import siteurl
from naskah.core.errors import DomainError
from naskah.core.forms import form_data, page_number, show_errors
from naskah.core.templating import is_htmx_partial, render
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import Role, User
from naskah.models.complaint import COMPLAINT_CHANNELS, COMPLAINT_STATUSES, Complaint
from naskah.paper import letters, printview
from naskah.printing.render import render_html, render_pdf
from naskah.sla import due as sla

bp = Blueprint("complaints", __name__, url_prefix="/pengaduan-layanan")
NAV = [("complaints.index", "Pengaduan", {"petugas", "pejabat"}, 40),
       ("complaints.new", "Catat Pengaduan", {"petugas"}, 41)]
DESK = ("petugas", "pejabat")
SHORTCUT = "p"          # accesskey of the quick-form link; static/js/app.js adds Alt+Shift+P
CODES_KEPT = 5          # access codes remembered in the officer's session, for printing slips



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
    page = page_number(args)
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
        valid, problem = form.validate(), None  # the form's checks and the domain's, all at once
        try:
            complaints.check_input(form_data(form))
            if valid:
                complaint, code = complaints.create(current_user, form_data(form))
                db.session.commit()
                remember_code(complaint.id, code)
                return redirect(url_for(".ticket", complaint_id=complaint.id))
        except DomainError as e:
            db.session.rollback()
            problem = e
        show_errors(form, problem)
        return render_template("complaints/new.html", form=form), 400
    return render_template("complaints/new.html", form=form)


@bp.get("/<int:complaint_id>/tiket")
@roles_required(*DESK)
def ticket(complaint_id):
    c = complaints.get(complaint_id, current_user)
    return render_template("complaints/ticket.html", c=c, code=code_for(c.id))


# -- detail and actions ---------------------------------------------------------------------
def _pejabat_choices():
    users = db.session.scalars(db.select(User).where(User.active_in(Role.PEJABAT))
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
        c = complaints.run(c, action, current_user, form_data(form),
                           expected_version=int(version) if str(version).isdigit() else None)
    except DomainError as e:
        c = complaints.get(complaint_id, current_user)
        if show_errors(form, e):
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
        "office": letters.office(),   # one letterhead for every paper
        "ticket": c.ticket, "access_code": code, "created_at": c.created_at,
        "status_url": public_url("complaints_public.status", tiket=c.ticket),   # the QR code
        "status_page_url": public_url("complaints_public.status"),  # typed: the ticket is printed above
        "survey_url": public_url("complaints_public.survey_start"),  # the code is printed, never in a URL
        "officer": officer.full_name if officer else None,
    }


@bp.get("/<int:complaint_id>/bukti")
@roles_required(*DESK)
def slip(complaint_id):
    c = complaints.get(complaint_id, current_user)
    code = code_for(c.id)
    if code is None:
        return render_template("complaints/slip_missing.html", c=c), 409
    html = render_html("complaint_slip.html", slip_context(c, code), paper="A6",
                       font_base_url=url_for("static", filename="fonts"))
    return printview.html_response(html, url_for(".show", complaint_id=c.id), url_for(".slip_pdf", complaint_id=c.id))


@bp.get("/<int:complaint_id>/bukti.pdf")
@roles_required(*DESK)
def slip_pdf(complaint_id):
    c = complaints.get(complaint_id, current_user)
    code = code_for(c.id)
    if code is None:
        return render_template("complaints/slip_missing.html", c=c), 409
    pdf = render_pdf("complaint_slip.html", slip_context(c, code), paper="A6")
    return printview.pdf_response(pdf, f"bukti-{c.ticket}")


@bp.post("/<int:complaint_id>/kode-baru")
@roles_required("petugas")
def new_code(complaint_id):
    c = complaints.get(complaint_id, current_user)
    code = complaints.new_code(c, current_user)
    db.session.commit()
    remember_code(c.id, code)
    flash(f"Kode akses baru untuk {c.ticket} dibuat; kode lama tidak berlaku lagi.", "success")
    return redirect(url_for(".ticket", complaint_id=c.id))
