"""Office settings with defaults; values are JSON in the office_settings table."""
import json

from naskah.extensions import db
from naskah.models import OfficeSetting

DEFAULTS = {
    "office_name": "Dinas Komunikasi dan Informatika",
    "office_government": "Pemerintah Kota Pekalongan",
    "office_unit": "Seksi Persandian dan Keamanan Informasi",
    "office_address": "Jl. Mataram No. 1, Pekalongan 51100",
    "office_phone": "(0285) 000000",
    "office_website": "diskominfo.pekalongankota.go.id",
    "office_city": "Pekalongan",
    "kasi_title": "Kepala Seksi Persandian dan Keamanan Informasi",
    "letter_number_format": "000.5.1/{nomor:04d}/Sandi/{tahun}",
    "paper": "A4",
}


def register_defaults(values: dict) -> None:
    """Feature modules add their own setting defaults here (at import time)."""
    for key, value in values.items():
        DEFAULTS.setdefault(key, value)


def get(key: str):
    """The office's value, else the default. A key the office never set is remembered as unset
    for the rest of the session (one request): the identity map keeps rows, not their absence,
    so each read of an unset key was a query (three on every board request)."""
    unset = db.session.info.setdefault("naskah_unset_settings", set())
    if key in unset:
        return DEFAULTS.get(key)
    row = db.session.get(OfficeSetting, key)
    if row is None:
        unset.add(key)
        return DEFAULTS.get(key)
    return json.loads(row.value)


def set_value(key: str, value) -> None:
    db.session.info.get("naskah_unset_settings", set()).discard(key)
    row = db.session.get(OfficeSetting, key)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        db.session.add(OfficeSetting(key=key, value=text))
    else:
        row.value = text


def format_letter_number(number: int, year: int) -> str:
    fmt = get("letter_number_format") or DEFAULTS["letter_number_format"]
    try:
        return fmt.format(nomor=number, tahun=year)
    except (KeyError, IndexError, ValueError):
        return DEFAULTS["letter_number_format"].format(nomor=number, tahun=year)


def office_line() -> str:
    """The office as one line on reports and slips: "Pemerintah Kota ... / Dinas ..."."""
    return f"{get('office_government')} / {get('office_name')}"
