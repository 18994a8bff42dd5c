"""Key custody pages (/admin/kunci) for the administrator and the kasi. Each action is audited
by naskah.keystore; no page ever shows private or symmetric key material."""
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.auth.sameorigin import same_origin_only
from naskah.core.errors import DomainError
from naskah.correspondents import directory
from naskah.decryption import identities as keystore
from naskah.decryption.forms import (
    CorrespondentForm,
    GenerateKeyForm,
    ImportCertForm,
    ImportFernetForm,
    ImportKekForm,
    ImportP12Form,
    ImportPasswordForm,
)
from naskah.extensions import db
from naskah.models.keys import CorrespondentCert, OfficeIdentity, SharedKey

bp = Blueprint("keys", __name__, url_prefix="/admin/kunci")
NAV = [("keys.index", "Kunci", {"admin", "kasi"}, 85)]
MANAGERS = ("admin", "kasi")
UPLOAD_LIMIT = 1024 * 1024
KINDS = {"identitas": ("identity", OfficeIdentity), "fernet": ("shared_key", SharedKey),
         "bersama": ("shared_key", SharedKey),
         "koresponden": ("correspondent", CorrespondentCert)}
# keystore's field names -> the form field that shows the message
FIELD_MAP = {"certificate": "cert_file"}


def _forms(**given):
    forms = {"gen": GenerateKeyForm(prefix="gen"), "p12": ImportP12Form(prefix="p12"),
             "fernet": ImportFernetForm(prefix="fernet"), "kek": ImportKekForm(prefix="kek"),
             "pwd": ImportPasswordForm(prefix="pwd"), "corr": CorrespondentForm(prefix="corr")}
    forms.update(given)
    return forms


def _page(status=200, **given):
    return render_template("keys/index.html", **keystore.listing(), **_forms(**given),
                           agency_suggestions=directory.suggestions()), status


def _error(form, e: DomainError):
    name = FIELD_MAP.get(e.field, e.field)
    if name and name in form._fields:
        form[name].errors = list(form[name].errors) + [e.message]
    else:
        form.form_errors.append(e.message)


def _read(upload) -> bytes:
    if upload is None or not getattr(upload, "filename", None):
        return b""
    data = upload.read(UPLOAD_LIMIT + 1)
    if len(data) > UPLOAD_LIMIT:
        raise DomainError("Berkas melebihi 1 MB.", field=None)
    return data


def _cert_bytes(form) -> bytes:
    """A certificate given as a file or pasted as PEM text."""
    return _read(form.cert_file.data) or (form.cert_text.data or "").encode()


def _run(form, action, rerender, done=None):
    """The import handlers' one shape: validate the form, run the keystore action (it writes the
    audit event and returns the success message), commit, flash, redirect; on a problem roll back
    and answer `rerender()`, the page again with the form's messages."""
    if not form.validate_on_submit():
        return rerender()
    try:
        message = action()
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        _error(form, e)
        return rerender()
    flash(message, "success")
    # the key page's redirect carries #flash: a plain redirect would keep the form's #anchor
    return redirect(done or url_for(".index", _anchor="flash"))


def _index_with(key, form):
    """Re-render the key page with this form (and its messages) in its place."""
    return lambda: _page(400, **{key: form})


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    return _page()


@bp.post("/identitas")
@roles_required(*MANAGERS)
def generate():
    form = GenerateKeyForm(prefix="gen")

    def action():
        identity = keystore.generate(form.name.data, common_name=form.common_name.data, bits=int(form.bits.data),
                                     csr=form.mode.data == "csr", org=form.org.data, curve=form.curve.data or None,
                                     actor=current_user)
        if identity.status == "pending":
            return f"Identitas {identity.name} dibuat; unduh CSR dan kirim ke CA, lalu impor sertifikatnya."
        return f"Identitas {identity.name} dibuat ({identity.key_label}, sertifikat swa-tanda)."
    return _run(form, action, _index_with("gen", form))


@bp.post("/pkcs12")
@roles_required(*MANAGERS)
def import_p12():
    form = ImportP12Form(prefix="p12")

    def action():
        identity = keystore.import_p12(form.name.data, _read(form.p12_file.data), form.passphrase.data or None,
                                       actor=current_user)
        return f"Identitas {identity.name} diimpor dari PKCS#12."
    return _run(form, action, _index_with("p12", form))


@bp.post("/fernet")
@roles_required(*MANAGERS)
def import_fernet():
    form = ImportFernetForm(prefix="fernet")

    def action():
        shared = keystore.import_fernet(form.label.data, form.agency.data, form.key.data,
                                        valid_from=form.valid_from.data, valid_until=form.valid_until.data,
                                        actor=current_user)
        return f"Kunci bersama {shared.label} untuk {shared.agency} disimpan (nilai periksa {shared.check_value})."
    return _run(form, action, _index_with("fernet", form))


@bp.post("/kek")
@roles_required(*MANAGERS)
def import_kek():
    form = ImportKekForm(prefix="kek")

    def action():
        shared = keystore.import_kek(form.label.data, form.agency.data, form.key_id.data, form.key.data,
                                     valid_from=form.valid_from.data, valid_until=form.valid_until.data,
                                     actor=current_user)
        return (f"Kunci KEK {shared.label} (ID {shared.key_id}) untuk {shared.agency} disimpan "
                f"(nilai periksa {shared.check_value}).")
    return _run(form, action, _index_with("kek", form))


@bp.post("/kata-sandi")
@roles_required(*MANAGERS)
def import_password():
    form = ImportPasswordForm(prefix="pwd")

    def action():
        shared = keystore.import_password(form.label.data, form.agency.data, form.password.data,
                                          valid_from=form.valid_from.data, valid_until=form.valid_until.data,
                                          actor=current_user)
        return f"Kata sandi {shared.label} untuk {shared.agency} disimpan."
    return _run(form, action, _index_with("pwd", form))


@bp.post("/koresponden")
@roles_required(*MANAGERS)
def add_correspondent():
    form = CorrespondentForm(prefix="corr")

    def action():
        row = keystore.add_correspondent(form.agency.data, _cert_bytes(form), actor=current_user)
        return f"Sertifikat koresponden {row.agency} ditambahkan."
    return _run(form, action, _index_with("corr", form))


@bp.get("/identitas/<int:row_id>/sertifikat.pem")
@roles_required(*MANAGERS)
@same_origin_only
def export_cert(row_id):
    identity = keystore.get_or_404(OfficeIdentity, row_id)
    pem = keystore.export_cert(identity, actor=current_user)
    db.session.commit()
    return Response(pem, mimetype="application/x-pem-file",
                    headers={"Content-Disposition": f'attachment; filename="{identity.name}.pem"'})


@bp.get("/identitas/<int:row_id>/csr.pem")
@roles_required(*MANAGERS)
@same_origin_only
def export_csr(row_id):
    identity = keystore.get_or_404(OfficeIdentity, row_id)
    pem = keystore.export_csr(identity, actor=current_user)
    db.session.commit()
    return Response(pem, mimetype="application/pkcs10",
                    headers={"Content-Disposition": f'attachment; filename="{identity.name}.csr"'})


@bp.route("/identitas/<int:row_id>/sertifikat", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def import_cert(row_id):
    identity = keystore.get_or_404(OfficeIdentity, row_id)
    form = ImportCertForm()

    def action():
        keystore.import_certificate(identity, _cert_bytes(form), actor=current_user)
        return f"Sertifikat untuk {identity.name} diimpor; identitas kini aktif."

    def rerender():
        status = 400 if form.errors or form.form_errors else 200
        return render_template("keys/import_cert.html", identity=identity, form=form), status
    return _run(form, action, rerender, done=url_for(".index"))


@bp.post("/<kind>/<int:row_id>/pensiun")
@roles_required(*MANAGERS)
def retire(kind, row_id):
    if kind not in KINDS:
        raise DomainError("Jenis kunci tidak dikenal.")
    name, model = KINDS[kind]
    row = keystore.get_or_404(model, row_id)
    keystore.retire(name, row, actor=current_user)
    db.session.commit()
    flash("Kunci dipensiunkan: tidak ditawarkan lagi, tetapi kriptogram lama tetap dapat didekripsi.", "success")
    return redirect(url_for(".index"))
