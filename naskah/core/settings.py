"""Office settings with defaults; values are JSON in the office_settings table."""
import json

from sqlalchemy import select

from naskah.core.dbtuning import transaction_memo
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
    """The office's value, else the default."""
    text = _snapshot().get(key)
    return DEFAULTS.get(key) if text is None else json.loads(text)


def _snapshot() -> dict[str, str]:
    """Every stored setting, read in one query per transaction: a transition asks for about ten
    (the calendar, the WIP limits, the mail settings of its notification) and the board for three,
    and each was a query of its own once a commit had emptied the identity map. Kept for one
    transaction only, so a request that commits sees what other processes wrote since."""
    return transaction_memo("naskah_settings_snapshot", lambda: dict(db.session.execute(_ALL).all()))


_ALL = select(OfficeSetting.__table__.c.key, OfficeSetting.__table__.c.value)  # the table's columns (core.dbtuning)


def set_value(key: str, value) -> None:
    row = db.session.get(OfficeSetting, key)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        db.session.add(OfficeSetting(key=key, value=text))
    else:
        row.value = text
    _snapshot()[key] = text


def format_letter_number(number: int, year: int) -> str:
    fmt = get("letter_number_format") or DEFAULTS["letter_number_format"]
    try:
        return fmt.format(nomor=number, tahun=year)
    except (KeyError, IndexError, ValueError):
        return DEFAULTS["letter_number_format"].format(nomor=number, tahun=year)


def office_line() -> str:
    """The office as one line on reports and slips: "Pemerintah Kota ... / Dinas ..."."""
    return f"{get('office_government')} / {get('office_name')}"
