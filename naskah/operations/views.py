"""Admin page: the last integrity report and a button to run the check now."""
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.operations import integrity

bp = Blueprint("integrity", __name__, url_prefix="/admin")
NAV = [("integrity.index", "Integritas", {"admin"}, 85)]


@bp.get("/integritas")
@roles_required("admin")
def index():
    report = integrity.last_report()
    started = datetime.fromisoformat(report["started_at"]) if report else None
    return render_template("integrity/index.html", report=report, started=started)


@bp.post("/integritas/jalankan")
@roles_required("admin")
def run():
    report = integrity.run_and_store("admin", actor=current_user._get_current_object())
    flash("Pemeriksaan integritas selesai: " + ("semua lulus." if report["ok"] else "ADA YANG GAGAL."),
          "success" if report["ok"] else "error")
    return redirect(url_for(".index"))
