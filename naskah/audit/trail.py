"""The audit trail as people read it: an Indonesian label for every action, readable details,
and the filters (who, action, document, period) with pages.

Each area registers the labels of the actions it writes (registry.add_event_labels); the ones
below cover the actions of areas without labels of their own (tests check none is missing).
"""
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select

from naskah.audit import chain
from naskah.core import registry
from naskah.core.timeutil import format_datetime, wib_to_utc
from naskah.extensions import db
from naskah.models import AuditEvent, Document

EVENT_LABELS = {
    "auth.login": "Masuk", "auth.logout": "Keluar", "auth.login_failed": "Gagal masuk",
    "auth.login_locked": "Masuk dikunci sementara", "auth.password_changed": "Kata sandi diganti",
    "auth.2fa_enabled": "Verifikasi dua langkah diaktifkan", "auth.2fa_enrol_start": "Pendaftaran verifikasi dua langkah dimulai",
    "auth.2fa_failed": "Kode verifikasi dua langkah salah", "auth.2fa_ok": "Verifikasi dua langkah berhasil",
    "auth.2fa_recovery_regenerated": "Kode pemulihan dibuat ulang", "auth.2fa_reset": "Verifikasi dua langkah diatur ulang",
    "user.create": "Pengguna dibuat", "user.activate": "Status aktif pengguna diubah",
    "user.reset_password": "Kata sandi pengguna diatur ulang",  # nosec B105 - a label, not a secret
    "settings.work_week": "Jam kerja diubah", "settings.closure_add": "Hari libur kantor ditambahkan",
    "settings.closure_remove": "Hari libur kantor dihapus", "settings.wip_limits": "Batas WIP diubah",
    "settings.notifications": "Pengaturan notifikasi diubah", "integrity.check": "Pemeriksaan integritas",
    "agenda.print": "Buku agenda dicetak", "print.disposisi": "Lembar disposisi dicetak",
    "approval.requested": "Persetujuan hak Kasi diminta", "approval.approved": "Hak Kasi disetujui",
    "approval.refused": "Hak Kasi ditolak", "user.role_changed": "Peran pengguna diubah",
    "auth.session_ended": "Sesi diakhiri", "auth.sessions_ended": "Semua sesi pengguna diakhiri",
}
DETAIL_LABELS = {
    "from": "dari langkah", "to": "ke langkah", "agenda": "agenda", "reason": "alasan", "note": "catatan",
    "assignee": "ditugaskan kepada", "courier": "penyampai", "recipient": "penerima",
    "letter_number": "nomor salinan", "cover_number": "nomor pengantar", "signature": "tanda tangan",
    "certificate": "sertifikat", "signed_sha256": "SHA-256 bertanda tangan", "sha256": "SHA-256",
    "paraf_sha256": "SHA-256 paraf", "content_version": "versi isi", "purpose": "keperluan", "paper": "kertas",
    "format": "format", "variant": "varian", "stamped": "dicap", "papers": "kertas terbit",
    "retention_until": "retensi sampai", "retention_years": "masa retensi (tahun)", "location": "lokasi simpan",
    "borrower": "peminjam", "borrowed_at": "dipinjam", "returned_at": "dikembalikan", "disposal": "berita acara",
    "blobs_destroyed": "berkas rahasia dihapus", "witness": "saksi", "number": "nomor", "ticket": "tiket",
    "keys": "pengaturan", "username": "pengguna", "user": "pengguna", "role": "peran", "ip": "alamat IP",
    "fingerprint": "sidik jari", "serial": "nomor seri", "kind": "jenis", "name": "nama", "rows": "baris",
    "loans": "peminjaman", "receipt_scan_bytes": "pindaian tanda terima (bita)", "message": "pesan",
    "method": "cara", "resend_request": "permintaan kirim ulang", "cover_paper": "kertas pengantar",
    "rewrapped": "kunci data dibungkus ulang", "resealed": "nilai tersegel disegel ulang", "storage": "penyimpanan",
}
VALUE_LABELS = {"print": "cetak", "read": "baca", "edit": "ubah", "view": "lihat", "tanda-terima": "tanda terima",
                "salinan": "surat salinan", "pengantar": "surat pengantar", "bercap": "bercap", "draf": "draf"}
PER_PAGE = 50


def labels() -> dict:
    return {**EVENT_LABELS, **registry.of().event_labels}


def action_label(action: str) -> str:
    return labels().get(action) or action


def _value_text(key: str, value) -> str:
    if chain.is_sealed(value):
        return "tersegel (lihat halaman dokumen)"   # the audit page is not need-to-know
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(key, v) for v in value if v is not None) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{DETAIL_LABELS.get(k, k)} {_value_text(k, v)}" for k, v in value.items())
    text = str(value)
    if key in ("purpose", "paper") and text in VALUE_LABELS:
        return VALUE_LABELS[text]
    if key.endswith("sha256") or key in ("sha256", "fingerprint"):
        return text[:16] + "…" if len(text) > 16 else text
    if key.endswith("_at") and "T" in text:
        try:
            return format_datetime(datetime.fromisoformat(text))
        except ValueError:
            return text
    return text


def readable_details(event: AuditEvent) -> list[tuple[str, str]]:
    """(label, text) pairs of an event's details, in Indonesian, hashes shortened."""
    try:
        details = json.loads(event.details or "{}")
    except ValueError:
        return []
    return [(DETAIL_LABELS.get(k, k.replace("_", " ")), _value_text(k, v)) for k, v in details.items()
            if v not in (None, "", [], {})]


@dataclass
class Filters:
    actor: str = ""
    action: str = ""
    document: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def args(self) -> dict:
        out = {"pelaku": self.actor, "tindakan": self.action, "naskah": self.document,
               "dari": self.date_from.isoformat() if self.date_from else "",
               "sampai": self.date_to.isoformat() if self.date_to else ""}
        return {k: v for k, v in out.items() if v}


def parse_filters(values) -> tuple[Filters, dict]:
    """Filters from the query string; errors keyed by field, in Indonesian."""
    f, errors = Filters(), {}
    f.actor = (values.get("pelaku") or "").strip()[:120]
    f.action = (values.get("tindakan") or "").strip()[:60]
    f.document = (values.get("naskah") or "").strip()[:20]
    for key, attr in (("dari", "date_from"), ("sampai", "date_to")):
        text = (values.get(key) or "").strip()
        if text:
            try:
                setattr(f, attr, date.fromisoformat(text))
            except ValueError:
                errors[key] = "Tanggal tidak valid; gunakan format TTTT-BB-HH."
    if f.date_from and f.date_to and f.date_to < f.date_from:
        errors["sampai"] = "Tanggal akhir tidak boleh sebelum tanggal awal."
    if f.document and not _document_id(f.document):
        errors["naskah"] = "Isi nomor agenda (mis. 0001/2026) atau nomor naskah (#12)."
    return f, errors


def _document_id(text: str) -> int | None:
    """'#12' or '12' -> id 12; '0001/2026' -> the document with that agenda number."""
    text = text.lstrip("#")
    if text.isdigit() and "/" not in text:
        return int(text)
    parts = text.split("/")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return db.session.scalar(select(Document.id).where(Document.agenda_number == int(parts[0]),
                                                           Document.agenda_year == int(parts[1])))
    return None


def search(f: Filters, page: int = 1, per_page: int = PER_PAGE):
    """Events matching the filters, newest first: (rows, total)."""
    conditions = []
    if f.actor:
        conditions.append(AuditEvent.actor_name == f.actor)
    if f.action:
        conditions.append(AuditEvent.action == f.action)
    if f.document:
        conditions.append(AuditEvent.document_id == (_document_id(f.document) or -1))
    if f.date_from:
        conditions.append(AuditEvent.at >= wib_to_utc(datetime.combine(f.date_from, datetime.min.time())))
    if f.date_to:
        conditions.append(AuditEvent.at < wib_to_utc(datetime.combine(f.date_to + timedelta(days=1),
                                                                      datetime.min.time())))
    where = and_(*conditions) if conditions else True
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(where))
    rows = db.session.scalars(select(AuditEvent).where(where).order_by(AuditEvent.seq.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def actor_choices() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.actor_name).distinct().order_by(AuditEvent.actor_name)))


def action_choices() -> list[tuple[str, str]]:
    used = set(db.session.scalars(select(AuditEvent.action).distinct()))
    known = labels()
    return sorted(((a, known.get(a, a)) for a in used | set(known)), key=lambda p: p[1])


def document_labels(rows) -> dict[int, str]:
    ids = {r.document_id for r in rows if r.document_id}
    if not ids:
        return {}
    docs = db.session.execute(select(Document.id, Document.agenda_number, Document.agenda_year)
                              .where(Document.id.in_(ids))).all()
    return {i: (f"{n:04d}/{y}" if n else f"#{i}") for i, n, y in docs}
