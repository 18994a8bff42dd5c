"""Office settings for the printed papers: letterhead, kasi, number format, paper, retention.

Images (logo, stamp) are checked by their content, not their name: they must decode as PNG or
JPEG, are size-limited, and are re-encoded as PNG (dropping metadata) before being stored in the
database as a setting value.
"""
import base64
import hashlib
import io
import string
from urllib.parse import urlparse

from naskah.audit import chain as audit
from naskah.core import settings, siteurl
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.models import CLASSIFICATIONS, Role, User
from naskah.paper import svglogo

SETTINGS_DEFAULTS = {
    "office_email": "",
    "office_logo": None,          # {"png": base64, "sha256": ..., "width": .., "height": ..}
    "office_stamp": None,
    "kasi_user_id": None,
    "kasi_name": "",
    "kasi_nip": "",
    "retention_years": {"SR": 10, "R": 10, "T": 5, "B": 2},
    "verification_base_url": "",
    "signature_required": False,
}

IMAGE_MAX_BYTES = 512 * 1024
IMAGE_MAX_PIXELS = 2500 * 2500
PAPERS = ("A4", "F4")
TEXT_KEYS = ("office_name", "office_government", "office_unit", "office_address", "office_phone",
             "office_email", "office_website", "office_city", "kasi_title", "kasi_name", "kasi_nip",
             "letter_number_format", "paper", "verification_base_url")


def check_image(data: bytes, field: str) -> dict:
    """Accept PNG/JPEG by magic bytes and by decoding (the logo also as a clean SVG); return the
    stored value (PNG, or the cleaned SVG)."""
    from PIL import Image, UnidentifiedImageError
    if len(data) > IMAGE_MAX_BYTES:
        raise DomainError(f"Gambar melebihi batas {IMAGE_MAX_BYTES // 1024} KB.", field=field)
    if field == "office_logo" and svglogo.looks_like_svg(data):
        return svglogo.check_svg(data, field)
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise DomainError("Gambar harus berformat PNG atau JPEG.", field=field)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG"):
                raise DomainError("Gambar harus berformat PNG atau JPEG.", field=field)
            if probe.width * probe.height > IMAGE_MAX_PIXELS or min(probe.size) < 16:
                raise DomainError("Ukuran gambar tidak wajar (16 sampai 2500 piksel per sisi).", field=field)
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = img.convert("RGBA")
            out = io.BytesIO()
            img.save(out, "PNG", optimize=True)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DomainError("Berkas gambar rusak atau bukan PNG/JPEG yang sah.", field=field) from None
    png = out.getvalue()
    return {"png": base64.b64encode(png).decode("ascii"), "sha256": hashlib.sha256(png).hexdigest(),
            "width": img.width, "height": img.height}


def image_bytes(key: str) -> bytes | None:
    """PNG bytes, or the cleaned SVG's bytes for an SVG logo (the print filter img_src tells them apart)."""
    value = settings.get(key)
    if not value or not (value.get("png") or value.get("svg")):
        return None
    return base64.b64decode(value.get("png") or value["svg"])


def check_number_format(fmt: str) -> str:
    fmt = (fmt or "").strip()
    try:
        names = {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(fmt)
                 if name is not None}
    except ValueError:
        raise DomainError("Format tidak sah (periksa tanda kurung kurawal).", field="letter_number_format") from None
    if "nomor" not in names:
        raise DomainError("Format nomor surat harus memuat {nomor}.", field="letter_number_format")
    if names - {"nomor", "tahun"}:
        raise DomainError("Hanya {nomor} dan {tahun} yang boleh dipakai.", field="letter_number_format")
    try:
        sample = fmt.format(nomor=42, tahun=2026)
    except (ValueError, KeyError, IndexError):
        raise DomainError("Format tidak sah, contoh: 000.5.1/{nomor:04d}/Sandi/{tahun}.",
                          field="letter_number_format") from None
    if len(sample) > 80:
        raise DomainError("Nomor surat yang dihasilkan terlalu panjang (maks. 80 karakter).",
                          field="letter_number_format")
    return fmt


def check_base_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment:
        raise DomainError("Isi alamat lengkap, misalnya http://192.168.1.10:5000", field="verification_base_url")
    if not siteurl.is_trusted(url):
        raise DomainError(f"Server ini tidak melayani nama {parsed.hostname}. Tambahkan nama itu ke "
                          "NASKAH_TRUSTED_HOSTS lalu mulai ulang layanan.", field="verification_base_url")
    return url.rstrip("/")


def kasi_users():
    return db.session.scalars(db.select(User).where(User.active_in(Role.KASI))
                              .order_by(User.full_name)).all()


def save(values: dict, images: dict, actor, *, remove: tuple = ()) -> list[str]:
    """Validate and store; one audit event listing the changed keys. Returns the changed keys."""
    new = {key: (values.get(key) or "").strip() for key in TEXT_KEYS if key in values}
    if "letter_number_format" in new:
        new["letter_number_format"] = check_number_format(new["letter_number_format"])
    if "verification_base_url" in new:
        new["verification_base_url"] = check_base_url(new["verification_base_url"])
    if new.get("paper") not in PAPERS:
        raise DomainError("Pilih A4 atau F4.", field="paper")
    for key in ("office_name", "office_government", "office_city", "kasi_title"):
        if key in new and not new[key]:
            raise DomainError("Wajib diisi.", field=key)
    kasi_id = values.get("kasi_user_id")
    if kasi_id not in (None, ""):
        if not str(kasi_id).isdigit() or int(kasi_id) not in {u.id for u in kasi_users()}:
            raise DomainError("Pilih pengguna Kasi yang aktif.", field="kasi_user_id")
        new["kasi_user_id"] = int(kasi_id)
    else:
        new["kasi_user_id"] = None
    retention = {}
    for code in CLASSIFICATIONS:
        value = values.get(f"retention_{code}")
        if value is None or not str(value).isdigit() or not 1 <= int(value) <= 100:
            raise DomainError("Masa retensi 1 sampai 100 tahun.", field=f"retention_{code}")
        retention[code] = int(value)
    new["retention_years"] = retention
    new["signature_required"] = bool(values.get("signature_required"))
    for key, data in images.items():
        if data:
            new[key] = check_image(data, key)
    for key in remove:
        if key not in images or not images[key]:
            new[key] = None

    changed = [key for key, value in new.items() if settings.get(key) != value]
    for key in changed:
        settings.set_value(key, new[key])
    if changed:
        details = {"keys": changed}
        for key in ("office_logo", "office_stamp"):
            if key in changed:
                details[key] = (new[key] or {}).get("sha256") or "dihapus"
        audit.append("settings.update", actor=actor, object_type="settings", details=details)
    return changed
