"""The archive (step 9): search, retention, and disposal with a signed berita acara.

Disposal erases every secret of a record (each SecretBlob it references goes, and its data key
with it), keeps the agenda rows and the audit trail, and marks the record disposed. It is refused
for any record whose retention date has not passed.
"""
import json
from datetime import date

from sqlalchemy import and_, func, select

from naskah.audit import chain as audit
from naskah.core import settings, vault
from naskah.core.errors import Conflict, DomainError, Forbidden
from naskah.core.search import archive_text_condition
from naskah.core.timeutil import to_wib, utcnow, wib_to_utc, wib_today
from naskah.extensions import db
from naskah.models import Document, Role, User
from naskah.models.paper import Disposal
from naskah.paper import esign, issued, letters, loans
from naskah.printing import formatting as fmt
from naskah.printing.render import MM_TO_PT

DEFAULT_METHOD = "penghapusan permanen berkas elektronik (kunci enkripsi dimusnahkan) dan pencacahan kertas"


def search(*, number=None, year=None, sender=None, date_from=None, date_to=None, classification=None,
           due=False, page=1, per_page=25):
    """Archived records, newest first; returns (rows, total)."""
    conditions = [Document.step == 9]
    if number:
        conditions.append(Document.agenda_number == number)
    if year:
        conditions.append(Document.agenda_year == year)
    if sender:
        conditions.append(archive_text_condition(sender))  # the FTS5 / pg_trgm index (naskah.core.search)
    if date_from:
        conditions.append(Document.received_at >= _day_start(date_from))
    if date_to:
        conditions.append(Document.received_at < _day_start(date_to, 1))
    if classification:
        conditions.append(Document.classification == classification)
    if due:
        conditions += [Document.disposed_at.is_(None), Document.retention_until <= wib_today()]
    where = and_(*conditions)
    total = db.session.scalar(select(func.count(Document.id)).where(where))
    rows = db.session.scalars(select(Document).where(where)
                              .order_by(Document.agenda_year.desc(), Document.agenda_number.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def _day_start(d: date, plus_days: int = 0):
    from datetime import datetime, timedelta
    return wib_to_utc(datetime(d.year, d.month, d.day) + timedelta(days=plus_days))


def is_due(doc: Document) -> bool:
    return doc.step == 9 and not doc.disposed_at and doc.retention_until is not None \
        and doc.retention_until <= wib_today()


def _next_number(year: int) -> str:
    count = db.session.scalar(select(func.count(Disposal.id)).where(
        Disposal.number.like(f"BA-%/{year}"))) or 0
    return f"BA-{count + 1:03d}/Sandi/{year}"


def _signature_box(pdf: bytes, name: str):
    """Where the kasi's visible signature goes: the blank space above their printed name."""
    import io

    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(pdf))
    for index in range(len(reader.pages) - 1, -1, -1):
        page, found = reader.pages[index], []
        width = float(page.mediabox.width)

        def visit(text, cm, tm, font_dict, font_size, found=found, width=width):
            x, y = cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]
            if name and name in text and x > width * 0.45:
                found.append(y)
        page.extract_text(visitor_text=visit)
        if found:
            y = found[-1] + 12
            return (index, round(108 * MM_TO_PT, 2), round(y, 2), round(190 * MM_TO_PT, 2), round(y + 19 * MM_TO_PT, 2))
    raise DomainError("Posisi tanda tangan pada berita acara tidak ditemukan.")


def dispose(doc_ids: list[int], kasi: User, *, witness_name: str, witness_nip: str, witness_title: str = "",
            method: str = "", passphrase: str | None = None) -> Disposal:
    """Erase the secrets of archived records whose retention has passed; sign the report."""
    if kasi.role != Role.KASI.value:
        raise Forbidden("Hanya Kasi yang dapat memusnahkan arsip.")
    if not doc_ids:
        raise DomainError("Pilih arsip yang akan dimusnahkan.", field="doc_ids")
    if not witness_name.strip() or not witness_nip.strip():
        raise DomainError("Nama dan NIP saksi wajib diisi.", field="witness_name" if not witness_name.strip() else "witness_nip")
    docs = db.session.scalars(select(Document).where(Document.id.in_(doc_ids))
                              .order_by(Document.agenda_year, Document.agenda_number)).all()
    if len(docs) != len(set(doc_ids)):
        raise DomainError("Sebagian arsip yang dipilih tidak ditemukan.", field="doc_ids")
    for doc in docs:
        if doc.step != 9 or doc.disposed_at:
            raise Conflict(f"Naskah {doc.agenda_label} bukan arsip aktif (belum diarsipkan atau sudah dimusnahkan).")
        if not is_due(doc):
            until = fmt.tanggal(doc.retention_until) if doc.retention_until else "belum ditetapkan"
            raise Conflict(f"Arsip {doc.agenda_label} belum habis masa retensinya (s.d. {until}); "
                           "pemusnahan ditolak.")
    cert = esign.usable_cert(kasi)
    now = utcnow()
    records = [{"agenda_number": d.agenda_label, "date": to_wib(d.received_at).date().isoformat(),
                "classification": d.classification, "retention_until": d.retention_until.isoformat(),
                "document_id": d.id} for d in docs]
    disposal = Disposal(number=_next_number(to_wib(now).year), disposed_at=now, kasi_id=kasi.id,
                        witness_name=witness_name.strip(), witness_nip=witness_nip.strip(),
                        witness_title=witness_title.strip() or None, method=method.strip() or DEFAULT_METHOD,
                        record_count=len(docs), records_json=json.dumps(records))
    db.session.add(disposal)
    db.session.flush()
    paper = issued.issue("disposal_report", disposal=disposal, number=disposal.number, signer_name=kasi.full_name,
                         signer_role="Ditandatangani oleh", issued_at=now)
    pdf = letters.render_pdf("disposal_report.html", report_context(disposal, kasi))
    if cert is not None:
        pdf = esign.sign(pdf, kasi, passphrase, row=cert, qr_text=issued.verify_url(paper.code),
                         signing_time=now, location=settings.get("office_city"),
                         box=_signature_box(pdf, kasi.full_name), reason="Berita acara pemusnahan arsip")
    disposal.signed = cert is not None
    disposal.report_blob_id = vault.store(pdf, "disposal_report").id
    disposal.report_sha256 = issued.add_file(paper, pdf, "berita acara")
    for doc in docs:
        _erase(doc, disposal, now, kasi)
    return disposal


def _erase(doc: Document, disposal: Disposal, now, kasi: User) -> None:
    blob_columns = [c.name for c in Document.__table__.columns if c.name.endswith("_blob_id")]
    blob_ids = [getattr(doc, name) for name in blob_columns if getattr(doc, name) is not None]
    for name in blob_columns:
        setattr(doc, name, None)
    doc.disposed_at, doc.disposal_id = now, disposal.id
    db.session.flush()  # the references go before the rows they point at
    for blob_id in blob_ids:
        vault.destroy(blob_id)
    audit.append("archive.dispose", actor=kasi, document=doc,
                 details={"disposal": disposal.number, "blobs_destroyed": len(blob_ids),
                          "witness": disposal.witness_name})


def report_context(disposal: Disposal, kasi: User) -> dict:
    records = json.loads(disposal.records_json)
    return {
        "office": letters.office(), "number": disposal.number, "date": to_wib(disposal.disposed_at).date(),
        "method": disposal.method,
        "records": [{"agenda_number": r["agenda_number"], "date": date.fromisoformat(r["date"]),
                     "classification": r["classification"],
                     "retention_until": date.fromisoformat(r["retention_until"])} for r in records],
        "kasi": {"name": kasi.full_name, "nip": kasi.nip or "", "title": settings.get("kasi_title")},
        "witness": {"name": disposal.witness_name, "nip": disposal.witness_nip, "title": disposal.witness_title},
    }


def report_pdf(disposal: Disposal) -> bytes | None:
    return vault.load_id(disposal.report_blob_id)


def disposals(limit: int = 20):
    return db.session.scalars(select(Disposal).order_by(Disposal.id.desc()).limit(limit)).all()


def document_facts(doc, user) -> dict:
    """What the document page shows about step 9: location, note, borrowing, disposal."""
    if doc.step != 9:
        return {}
    disposal = db.session.get(Disposal, doc.disposal_id) if doc.disposal_id else None
    return {"location": loans.location_text(doc), "note": doc.archive_note, "disposal": disposal,
            "open_loan": None if doc.disposed_at else loans.open_loan(doc)}
