"""Verification codes for the papers we issue, and what the public may learn from them.

A code is 80 random bits written as 16 base32 characters (shown in groups of four). The public
page may show only the paper's type, number, date, signer, classification level and status;
never the content or the addressee.
"""
import base64
import hashlib
import hmac
import secrets

from naskah.core import siteurl
from naskah.extensions import db
from naskah.models import CLASSIFICATIONS, Document
from naskah.models.paper import IssuedFile, IssuedPaper, SigningCertificate
from naskah.paper import esign

CODE_BYTES = 10          # 80 bits
CODE_LEN = 16            # base32 characters
_B32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")


def normalise(code: str) -> str:
    return "".join(c for c in str(code or "").upper() if c not in "- ")[:64]


def display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def base_url() -> str:
    """The office's configured address, never the request's Host header (naskah.core.siteurl)."""
    return siteurl.office_base_url("verification_base_url")


def verify_url(code: str) -> str:
    return f"{base_url()}/verifikasi/{code}"


def issue(kind: str, *, document: Document | None = None, disposal=None, number=None, signer_name=None,
          signer_role=None, classification=None, issued_at=None, code: str | None = None) -> IssuedPaper:
    """A new paper row; `code` is one drawn (new_code) before its PDF was rendered, if it was."""
    paper = IssuedPaper(code=code or new_code(), kind=kind, document_id=getattr(document, "id", None),
                        disposal_id=getattr(disposal, "id", None), number=number, signer_name=signer_name,
                        signer_role=signer_role, classification=classification)
    if issued_at is not None:
        paper.issued_at = issued_at
    db.session.add(paper)
    db.session.flush()
    return paper


def add_file(paper: IssuedPaper, pdf: bytes, label: str) -> str:
    sha = hashlib.sha256(pdf).hexdigest()
    paper.files.append(IssuedFile(sha256=sha, label=label))
    db.session.flush()
    return sha


def current(document_id: int, kind: str) -> IssuedPaper | None:
    """The live (not voided) paper of a kind for a document."""
    return db.session.scalar(db.select(IssuedPaper).where(
        IssuedPaper.document_id == document_id, IssuedPaper.kind == kind, IssuedPaper.void_reason.is_(None))
        .order_by(IssuedPaper.id.desc()))


def void(document_id: int, kind: str, reason: str) -> None:
    paper = current(document_id, kind)
    if paper is not None:
        paper.void_reason = reason[:200]


def lookup(code: str) -> IssuedPaper | None:
    """Find a paper by code doing the same work for known, unknown and malformed codes."""
    candidate = normalise(code)
    well_formed = len(candidate) == CODE_LEN and set(candidate) <= _B32
    probe = candidate if well_formed else new_code()
    row = db.session.scalar(db.select(IssuedPaper).where(IssuedPaper.code == probe))
    stored = row.code if row is not None else new_code()
    same = hmac.compare_digest(stored.encode(), probe.encode())
    return row if (row is not None and same and well_formed) else None


def status(paper: IssuedPaper) -> str:
    if paper.void_reason:
        return f"Dibatalkan ({paper.void_reason})"
    if paper.kind == "disposal_report":
        return "Berlaku"
    doc = db.session.get(Document, paper.document_id) if paper.document_id else None
    if doc is None:
        return "Tidak diketahui"
    if doc.disposed_at:
        return "Arsip telah dimusnahkan setelah masa retensi berakhir"
    if paper.kind == "cover_letter":
        return {6: "Diparaf, menunggu tanda tangan Kasi", 7: "Ditandatangani, menunggu penyampaian",
                8: "Ditandatangani dan telah disampaikan", 9: "Ditandatangani, disampaikan, dan diarsipkan"
                }.get(doc.step, "Dalam proses")
    return {8: "Telah disampaikan", 9: "Telah disampaikan dan diarsipkan"}.get(doc.step, "Dalam proses")


def is_valid(paper: IssuedPaper) -> bool:
    """Shown as valid only when not voided, current, and (for a cover letter) actually signed."""
    if paper.void_reason:
        return False
    if paper.kind == "disposal_report":
        return True
    doc = db.session.get(Document, paper.document_id) if paper.document_id else None
    if doc is None or doc.disposed_at:
        return False
    live = current(doc.id, paper.kind)
    if live is None or live.id != paper.id:
        return False
    return paper.kind != "cover_letter" or doc.step >= 7


def public_view(paper: IssuedPaper) -> dict:
    """Only what anyone may see. Deliberately no addressee and no content."""
    valid = is_valid(paper)
    role = paper.signer_role or "Penanda tangan"
    if not valid and paper.kind == "cover_letter":
        role = "Diajukan untuk ditandatangani oleh"  # never "Ditandatangani oleh" for an unsigned version
    return {
        "valid": valid,
        "voided": bool(paper.void_reason),
        "kind": paper.kind_label,
        "number": paper.number or "Belum dinomori",
        "date": paper.issued_at,
        "signer": paper.signer_name or "-",
        "signer_role": role,
        "classification": CLASSIFICATIONS.get(paper.classification, "-") if paper.classification else "-",
        "status": status(paper),
        "code": display(paper.code),
    }


def find_by_sha(sha: str) -> IssuedPaper | None:
    row = db.session.scalar(db.select(IssuedFile).where(IssuedFile.sha256 == sha).order_by(IssuedFile.id.desc()))
    return row.paper if row is not None else None


def check_upload(pdf: bytes, paper: IssuedPaper | None) -> dict:
    """Compare an uploaded PDF with what we issued and verify its signature offline."""
    sha = hashlib.sha256(pdf).hexdigest()
    matched = None
    if paper is not None:
        matched = next((f for f in paper.files if hmac.compare_digest(f.sha256, sha)), None)
    else:
        paper = find_by_sha(sha)
        matched = next((f for f in paper.files if f.sha256 == sha), None) if paper else None
    result = esign.verify(pdf)
    cert = None
    if result.signer_serial is not None:
        cert = db.session.scalar(db.select(SigningCertificate).where(
            SigningCertificate.serial == str(result.signer_serial)))
    return {"sha256": sha, "paper": paper, "match": matched, "sig": result,
            "cert_status": cert.status_label if cert is not None else None}
