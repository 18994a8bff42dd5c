"""Form checks people expect: the NIP's structure, password rules stated where they are asked."""
import re
from datetime import date

from wtforms.validators import ValidationError

from naskah.auth.passwords import MIN_LENGTH

PASSWORD_HINT = (f"Minimal {MIN_LENGTH} karakter, memuat huruf besar, huruf kecil, dan angka; "
                 "bukan kata sandi umum (mis. \u201cPassword123\u201d) dan tidak memuat nama pengguna.")
NIP_HINT = "18 angka: tanggal lahir (TTTTBBHH), bulan pengangkatan (TTTTBB), jenis kelamin (1/2), nomor urut."


def nip_problem(value: str) -> str | None:
    """Why `value` is not a civil servant's NIP (PP 11/2017 layout), or None when it is one.

    Layout: birth date YYYYMMDD, appointment year and month YYYYMM, sex 1 (male) or 2 (female),
    a three-digit serial.
    """
    nip = re.sub(r"\s+", "", value or "")
    if not nip.isdigit() or len(nip) != 18:
        return "NIP terdiri atas 18 angka (tanpa spasi atau tanda baca)."
    try:
        born = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return "8 angka pertama NIP harus tanggal lahir yang sah (TTTTBBHH)."
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12 or year < born.year + 17 or year > date.today().year + 1:
        return "Angka ke-9 sampai ke-14 NIP harus tahun dan bulan pengangkatan (TTTTBB), paling cepat usia 17 tahun."
    if nip[14] not in "12":
        return "Angka ke-15 NIP adalah jenis kelamin: 1 (pria) atau 2 (wanita)."
    if nip[15:] == "000":
        return "Tiga angka terakhir NIP (nomor urut) tidak boleh 000."
    return None


def valid_nip(form, field):
    """WTForms validator for a NIP field (empty passes: combine with Optional or DataRequired)."""
    if (field.data or "").strip():
        problem = nip_problem(field.data)
        if problem:
            raise ValidationError(problem)
        field.data = re.sub(r"\s+", "", field.data)


def nip_or_other_id(form, field):
    """A recipient may show a NIP or another ID: a value of digits only must be a sound NIP,
    unless it is a 16-digit NIK (identity card number)."""
    value = re.sub(r"\s+", "", field.data or "")
    if value.isdigit() and len(value) != 16:
        problem = nip_problem(value)
        if problem:
            raise ValidationError(problem + " Untuk identitas lain, tulis jenisnya, mis. \u201cKTP 3375...\u201d.")
