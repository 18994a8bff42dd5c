"""Indonesian date/time formatting for print, independent of the server's time zone."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

CLASSIFICATIONS = {
    "SR": "SANGAT RAHASIA",
    "R": "RAHASIA",
    "T": "TERBATAS",
    "B": "BIASA",
}
RED_CLASSIFICATIONS = frozenset({"SR", "R"})


def to_wib(value: dt.datetime) -> dt.datetime:
    """Convert an instant to WIB; naive datetimes are taken as UTC (how the app stores them)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(WIB)


def tanggal(value: dt.date | dt.datetime | None) -> str:
    """'28 November 2026' (datetimes are converted to WIB first)."""
    if not value:  # None or a jinja Undefined
        return ""
    if isinstance(value, dt.datetime):
        value = to_wib(value).date()
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def tanggal_singkat(value: dt.date | dt.datetime | None) -> str:
    """'28-11-2026' for dense tables such as the agenda book."""
    if not value:  # None or a jinja Undefined
        return ""
    if isinstance(value, dt.datetime):
        value = to_wib(value).date()
    return f"{value.day:02d}-{value.month:02d}-{value.year}"


def jam(value: dt.datetime | None) -> str:
    """'09.15 WIB' (Indonesian uses a dot between hours and minutes)."""
    if not value:  # None or a jinja Undefined
        return ""
    w = to_wib(value)
    return f"{w.hour:02d}.{w.minute:02d} WIB"


def tanggal_jam(value: dt.datetime | None) -> str:
    """'28 November 2026 pukul 09.15 WIB'."""
    if not value:  # None or a jinja Undefined
        return ""
    return f"{tanggal(value)} pukul {jam(value)}"


def hari_tanggal(value: dt.date | dt.datetime | None) -> str:
    """'Sabtu, 28 November 2026' as used in a berita acara."""
    if not value:  # None or a jinja Undefined
        return ""
    d = to_wib(value).date() if isinstance(value, dt.datetime) else value
    return f"{HARI[d.weekday()]}, {tanggal(d)}"


def kalimat(text) -> str:
    """End a sentence with one period, also after a name with a degree ("S.Kom." stays "S.Kom.")."""
    text = str(text or "").rstrip()
    return text if text.endswith(".") else text + "."


_DIGITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))


def _hundreds(n: int) -> list[str]:
    """1-999 in words: seratus, sepuluh, sebelas, dua belas, dua puluh satu ..."""
    hundreds, rest = divmod(n, 100)
    words = [] if not hundreds else ["seratus"] if hundreds == 1 else [_DIGITS[hundreds], "ratus"]
    if rest >= 20:
        words += [_DIGITS[rest // 10], "puluh"] + ([_DIGITS[rest % 10]] if rest % 10 else [])
    elif rest >= 12:
        words += [_DIGITS[rest - 10], "belas"]
    elif rest >= 10:
        words += ["sepuluh" if rest == 10 else "sebelas"]
    elif rest:
        words += [_DIGITS[rest]]
    return words


def terbilang(number: int) -> str:
    """2026 -> 'dua ribu dua puluh enam', 1.001.000 -> 'satu juta seribu' (up to triliun).

    Written here, not with num2words: that package imports all of its fifty languages to spell
    one, 3 MB of the server's memory (150 MB budget) for this function. tests/paper compares the
    two for every number up to 20,000 and a sample up to a million, where num2words is right.
    """
    n = int(number)
    if n < 0:
        return "min " + terbilang(-n)
    if n == 0:
        return "nol"
    if n >= 10**15:
        raise ValueError("angka terlalu besar untuk dieja")
    words = []
    for value, name in _SCALES:
        group, n = divmod(n, value)
        if group:
            words += ["seribu"] if value == 1000 and group == 1 else _hundreds(group) + [name]
    return " ".join(words + (_hundreds(n) if n else []))


def hari_tanggal_terbilang(value: dt.date | dt.datetime | None) -> str:
    """'Selasa tanggal satu bulan Desember tahun dua ribu dua puluh enam' as official minutes write it."""
    if not value:
        return ""
    d = to_wib(value).date() if isinstance(value, dt.datetime) else value
    return f"{HARI[d.weekday()]} tanggal {terbilang(d.day)} bulan {BULAN[d.month - 1]} tahun {terbilang(d.year)}"


def tempat_tanggal(city: str, value: dt.date | dt.datetime | None) -> str:
    """'Pekalongan, 28 November 2026' for the date line of a letter."""
    return f"{city}, {tanggal(value)}" if city else tanggal(value)


def classification_label(code: str | None) -> str:
    """Map SR/R/T/B (or a full label) to the printed mark, upper case."""
    if not code:
        return ""
    code = str(code).strip()
    return CLASSIFICATIONS.get(code.upper(), code.upper())


def classification_code(code: str | None) -> str:
    """Normalise a code or full label back to SR/R/T/B."""
    if not code:
        return ""
    up = str(code).strip().upper()
    for k, v in CLASSIFICATIONS.items():
        if up in (k, v):
            return k
    return up


def is_red(code: str | None) -> bool:
    """SR and R marks are printed in red, T and B in black."""
    return classification_code(code) in RED_CLASSIFICATIONS
