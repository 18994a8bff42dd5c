"""Form helpers every area uses: Indonesian messages for WTForms' built-in validators (WTForms
ships no Indonesian locale), the required/length shorthands, versioned forms, form data."""
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from naskah.core.timeutil import wib_to_utc

MESSAGES = {
    "Invalid field name '%s'.": "Nama isian tidak valid '%s'.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Field must be at least %(min)d character long.": "Paling sedikit %(min)d karakter.",
    "Field must be at least %(min)d characters long.": "Paling sedikit %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Paling banyak %(max)d karakter.",
    "Field cannot be longer than %(max)d characters.": "Paling banyak %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Harus tepat %(max)d karakter.",
    "Field must be exactly %(max)d characters long.": "Harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": "Harus %(min)d sampai %(max)d karakter.",
    "Number must be at least %(min)s.": "Angka paling kecil %(min)s.",
    "Number must be at most %(max)s.": "Angka paling besar %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Tanggal harus antara %(min)s dan %(max)s.",
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak valid.",
    "Invalid email address.": "Alamat email tidak valid.",
    "Invalid IP address.": "Alamat IP tidak valid.",
    "Invalid Mac address.": "Alamat MAC tidak valid.",
    "Invalid URL.": "URL tidak valid.",
    "Invalid UUID.": "UUID tidak valid.",
    "Invalid value, must be one of: %(values)s.": "Nilai tidak valid, harus salah satu dari: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Nilai tidak valid, tidak boleh: %(values)s.",
    "This field cannot be edited.": "Isian ini tidak dapat diubah.",
    "This field is disabled and cannot have a value.": "Isian ini nonaktif dan tidak boleh berisi.",
    "Invalid CSRF Token.": "Token formulir tidak sah. Muat ulang halaman.",
    "CSRF token missing.": "Token formulir tidak ada. Muat ulang halaman.",
    "CSRF failed.": "Pemeriksaan token formulir gagal. Muat ulang halaman.",
    "CSRF token expired.": "Token formulir kedaluwarsa. Muat ulang halaman.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Choices cannot be None.": "Pilihan tidak tersedia.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Pilihan tidak valid.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang valid.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' bukan pilihan yang valid.",
    "Not a valid datetime value.": "Tanggal dan jam tidak valid.",
    "Not a valid date value.": "Tanggal tidak valid.",
    "Not a valid time value.": "Jam tidak valid.",
    "Not a valid week value.": "Minggu tidak valid.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
}


class IndonesianTranslations:
    def gettext(self, string):
        return MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


TRANSLATIONS = IndonesianTranslations()


def install() -> None:
    """Every FlaskForm (ours and any later one) speaks Indonesian."""
    FlaskForm.Meta.get_translations = lambda self, form: TRANSLATIONS


REQUIRED = "Wajib diisi."


def req():
    return DataRequired(message=REQUIRED)


def maxlen(n):
    return Length(max=n, message=f"Paling banyak {n} karakter.")


class VersionedForm(FlaskForm):
    """Every transition form carries the version it was opened on, to refuse stale submits."""
    version = HiddenField()


CSRF_EXPIRED = "Sesi formulir kedaluwarsa; muat ulang halaman lalu coba lagi."


def field_errors(form) -> dict:
    """{field name: its first message}, without the CSRF token, for pages that lay their fields
    out by hand and show each message beside its field."""
    return {name: messages[0] for name, messages in form.errors.items() if name != "csrf_token"}


def form_data(form) -> dict:
    """The transition data from a validated form; WIB wall times become UTC instants."""
    data = {name: field.data for name, field in form._fields.items()
            if name not in ("csrf_token", "version")}
    for key, value in list(data.items()):
        if isinstance(value, datetime):
            data[key] = wib_to_utc(value)
        elif isinstance(value, str) and key != "passphrase":  # a passphrase is taken exactly as typed
            data[key] = value.strip()
    return data


def page_number(args, limit: int = 1_000_000) -> int:
    """The `page` query parameter as a positive integer; anything else is page 1."""
    value = str(args.get("page", "1"))
    return int(value) if value.isdigit() and 0 < int(value) < limit else 1


def show_errors(form, error=None) -> bool:
    """Put a DomainError (each problem of an Invalid) next to its field, and focus the first bad
    field. True when every problem found its field, so the form is the right answer."""
    placed = True
    for problem in (getattr(error, "problems", None) or [error]) if error is not None else []:
        field = form._fields.get(problem.field) if problem.field else None
        if field is None:
            placed = False
        elif not field.errors:  # the form's own message for the field comes first
            field.errors = list(field.errors) + [problem.message]
    first = next((f for f in form if f.errors and f.type not in ("CSRFTokenField", "HiddenField")), None)
    if first is not None:
        for f in form:
            if f.render_kw and "autofocus" in f.render_kw:
                f.render_kw = {k: v for k, v in f.render_kw.items() if k != "autofocus"}
        first.render_kw = {**(first.render_kw or {}), "autofocus": True}
    return placed
