"""Correspondent directory pages (/admin/koresponden) for the administrator.

Thin: load-or-404, form, one directory call, commit, redirect. Every change is audited by
naskah.correspondents.directory.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
from naskah.correspondents import directory
from naskah.correspondents.forms import CorrespondentForm, MergeForm
from naskah.extensions import db

bp = Blueprint("correspondents", __name__, url_prefix="/admin/koresponden")
NAV = [("correspondents.index", "Koresponden", {"admin"}, 86)]
MANAGERS = ("admin",)


def _merge_form(entry, formdata=None):
    form = MergeForm(formdata=formdata) if formdata is not None else MergeForm(formdata=None)
    form.target_id.choices = [("", "— pilih entri yang dipertahankan —")] + [
        (str(c.id), c.label) for c in directory.listing() if c.id != entry.id]
    return form


def _show(entry, form=None, merge_form=None, status=200):
    if form is None:
        form = CorrespondentForm(formdata=None, data={
            "name": entry.name, "short_name": entry.short_name, "address": entry.address,
            "contact": entry.contact, "emails": "\n".join(e.address for e in entry.emails)})
    return render_template("correspondents/show.html", entry=entry, form=form,
                           merge_form=merge_form or _merge_form(entry),
                           aliases=directory.aliases(entry), certificates=directory.certificates(entry),
                           keys=directory.shared_keys(entry), counts=directory.counts().get(entry.id, {}),
                           survivor=directory.survivor(entry)), status


def _field_errors(form, error: DomainError):
    for field, message in getattr(error, "problems", {error.field: error.message}).items():
        if field and field in form._fields:
            form[field].errors = list(form[field].errors) + [message]
        else:
            form.form_errors.append(message)


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    q = request.args.get("q", "")
    return render_template("correspondents/index.html", entries=directory.listing(q), q=q,
                           counts=directory.counts())


@bp.route("/baru", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    form = CorrespondentForm()
    if form.validate_on_submit():
        try:
            entry = directory.create(form.data_dict(), current_user)
            db.session.commit()
        except DomainError as e:
            db.session.rollback()
            _field_errors(form, e)
        else:
            flash(f"{entry.name} ditambahkan ke direktori koresponden.", "success")
            return redirect(url_for(".show", corr_id=entry.id))
    elif request.method == "POST":
        extra = directory.problems(form.data_dict())   # all problems at once, not only the format ones
        for field, message in extra.items():
            if field in form._fields and not form[field].errors:
                form[field].errors = list(form[field].errors) + [message]
    status = 400 if request.method == "POST" else 200
    return render_template("correspondents/new.html", form=form), status


@bp.get("/<int:corr_id>")
@roles_required(*MANAGERS)
def show(corr_id):
    return _show(directory.get_or_404(corr_id))


@bp.post("/<int:corr_id>")
@roles_required(*MANAGERS)
def update(corr_id):
    entry = directory.get_or_404(corr_id)
    form = CorrespondentForm()
    if form.validate_on_submit():
        try:
            directory.update_entry(entry, form.data_dict(), current_user)
            db.session.commit()
        except DomainError as e:
            db.session.rollback()
            entry = directory.get_or_404(corr_id)
            _field_errors(form, e)
        else:
            flash(f"Data {entry.name} disimpan.", "success")
            return redirect(url_for(".show", corr_id=entry.id))
    else:
        for field, message in directory.problems(form.data_dict(), entry).items():
            if field in form._fields and not form[field].errors:
                form[field].errors = list(form[field].errors) + [message]
    return _show(entry, form=form, status=400)


@bp.post("/<int:corr_id>/gabung")
@roles_required(*MANAGERS)
def merge(corr_id):
    entry = directory.get_or_404(corr_id)
    form = _merge_form(entry, request.form)
    if not form.validate_on_submit():
        return _show(entry, merge_form=form, status=400)
    try:
        target = directory.merge(entry, directory.get_or_404(int(form.target_id.data)), current_user)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        entry = directory.get_or_404(corr_id)
        form.target_id.errors = list(form.target_id.errors) + [e.message]
        return _show(entry, merge_form=form, status=400)
    flash(f"{entry.name} digabungkan ke {target.name}; riwayat naskahnya kini di entri ini.", "success")
    return redirect(url_for(".show", corr_id=target.id))
