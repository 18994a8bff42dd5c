"""Helpers for the paper-side tests: one office CA and kasi certificate per test session (RSA key
generation is slow), PDF text extraction, and PNG artefacts for a human to look at."""
import base64
import functools
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

from naskah.extensions import db
from naskah.models import AuditEvent, Document, SecretBlob, User
from naskah.paper import esign
from naskah.paper import signing_ca as pki
from naskah.workflow import engine as workflow

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("NASKAH_ARTIFACTS", ROOT / "test-artifacts" / "print"))
PASSPHRASE = "Frasa Sandi Uji 2026"
KASI_NAME, KASI_NIP = "Agus Wibowo, S.Kom.", "197905102005011004"
SANDIMAN_NAME, SANDIMAN_NIP = "Budi Santoso", "198702142010011003"
LONG_TEXT = "\n\n".join(
    f"{i}. Sehubungan dengan pelaksanaan pengamanan informasi menjelang kegiatan pimpinan daerah, "
    "mohon Saudara menyiapkan personel, sarana persandian, dan jalur komunikasi cadangan serta "
    "melaporkan kesiapan tersebut paling lambat pukul 15.00 WIB." for i in range(1, 41))


@functools.cache
def office_material():
    """(ca_key, ca_cert, kasi_key, kasi_cert, p12) generated once per session."""
    ca_key, ca_cert = pki.create_ca("CA Diskominfo Uji", "Pemerintah Kota Uji")
    key, cert = pki.issue_signing_cert(ca_key, ca_cert, KASI_NAME, KASI_NIP)
    return ca_key, ca_cert, key, cert, pki.to_pkcs12(key, cert, ca_cert, PASSPHRASE.encode())


def people(make):
    """A sandiman and a kasi with the names and NIPs the PDFs are checked for."""
    sandiman = make.user("sandiman", full_name=SANDIMAN_NAME, nip=SANDIMAN_NIP)
    kasi = make.user("kasi", full_name=KASI_NAME, nip=KASI_NIP)
    return sandiman, kasi


def give_certificate(app, kasi) -> None:
    """Install the session's office CA and the kasi's certificate into this test's database."""
    ca_key, ca_cert, key, cert, p12 = office_material()
    with app.app_context():
        esign.add_trust_root(ca_cert, "office", key=ca_key)
        esign._store_cert(db.session.get(User, kasi.id), cert, p12, "office")
        db.session.commit()


def advance(app, doc_id, action, user, data=None):
    """Take one transition directly in the domain (outside HTTP)."""
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        workflow.apply(doc, action, db.session.get(User, user.id), data or {})
        db.session.commit()


def signed_document(app, make, sandiman, kasi, step=7, **over) -> int:
    """A document taken through paraf and an electronic signature (and beyond, up to `step`)."""
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi, **over)
    advance(app, doc_id, "sign", kasi, {"courier_id": sandiman.id, "passphrase": PASSPHRASE})
    if step >= 8:
        advance(app, doc_id, "number_copy", sandiman)
        advance(app, doc_id, "deliver", sandiman, {"recipient_name": "Rina Kartika"})
    if step >= 9:
        advance(app, doc_id, "archive", sandiman)
    return doc_id


def set_stamp(app) -> None:
    """Upload a stamp image (cap stempel) in the office settings."""
    from naskah.core import settings
    from naskah.paper import office as officesettings
    with app.app_context():
        settings.set_value("office_stamp", officesettings.check_image(png_bytes("stamp"), "office_stamp"))
        db.session.commit()


def document(app, doc_id) -> Document:
    """The document as the database holds it now, detached from the session."""
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        db.session.expunge(doc)
        return doc


def count_blobs(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(SecretBlob.id)))


def events(app, doc_id=None, action=None) -> list:
    with app.app_context():
        q = db.select(AuditEvent).order_by(AuditEvent.seq)
        if doc_id is not None:
            q = q.where(AuditEvent.document_id == doc_id)
        if action is not None:
            q = q.where(AuditEvent.action == action)
        rows = db.session.scalars(q).all()
        db.session.expunge_all()
        return rows


def count_events(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
            AuditEvent.action != "access.denied"))  # refusals: tests/web/test_denials.py


def texts(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(texts(pdf)))


def keep_png(pdf: bytes, name: str) -> list[Path]:
    """Rasterise with pdftoppm into test-artifacts/print/app-<name>-N.png (poppler is required)."""
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is required: make test installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(src), str(Path(tmp) / f"app-{name}")], check=True)
        out = []
        for png in sorted(Path(tmp).glob(f"app-{name}*.png")):
            shutil.copy(png, ARTIFACTS / png.name)
            out.append(ARTIFACTS / png.name)
        shutil.copy(src, ARTIFACTS / f"app-{name}.pdf")
    return out


def png_bytes(kind: str = "stamp", size=(240, 240), fmt="PNG") -> bytes:
    """A small test image: a round blue 'stamp' with transparency, or a logo."""
    from PIL import Image, ImageDraw
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    w, h = size
    d.ellipse((6, 6, w - 6, h - 6), outline=(30, 60, 190, 230), width=max(3, w // 24))
    d.ellipse((w // 5, h // 5, w - w // 5, h - h // 5), outline=(30, 60, 190, 200), width=max(2, w // 60))
    d.text((w // 2 - 28, h // 2 - 6), "CAP DINAS" if kind == "stamp" else "LOGO", fill=(30, 60, 190, 255))
    out = io.BytesIO()
    (img.convert("RGB") if fmt == "JPEG" else img).save(out, fmt)
    return out.getvalue()


def pdftotext(pdf: bytes, layout: bool = True) -> str:
    """Text of a PDF as poppler's pdftotext reads it (fails, never skips, without poppler)."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is required: make test installs it"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        args = ["pdftotext"] + (["-layout"] if layout else []) + [str(src), "-"]
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def assert_strict_print_view(response) -> str:
    """A print view under the one print-view path: no inline style or script allowed, the page's
    one <style> block allowed by its hash, no style attributes left. Returns the page's HTML."""
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self';" in csp
    assert not re.search(r"\sstyle\s*=", html)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "<script>" not in html and "Unduh PDF" in html
    return html
