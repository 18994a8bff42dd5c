"""One place for domain errors and the HTTP error pages."""
from flask import render_template, request
from sqlalchemy.exc import OperationalError

from naskah.core.dbtuning import DatabaseBusy, is_busy_error, reads_from_here
from naskah.extensions import db, htmx


class DomainError(Exception):
    """A refusal the user should read; carries an HTTP status and an Indonesian message."""
    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    status = 404


class Invalid(DomainError):
    """Every problem a domain check found, each with its field, so a form shows them all at once."""

    def __init__(self, problems: list[DomainError]):
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


ERROR_TITLES = {
    400: "Permintaan tidak valid",
    403: "Akses ditolak",
    404: "Tidak ditemukan",
    405: "Metode tidak diizinkan",
    409: "Konflik",
    413: "Berkas terlalu besar",
    429: "Terlalu banyak percobaan",
    500: "Kesalahan sistem",
    503: "Layanan tidak tersedia",
}
DEFAULT_MESSAGES = {
    400: "Permintaan tidak dapat diproses. Periksa kembali isian Anda.",
    403: "Anda tidak berwenang membuka halaman atau melakukan tindakan ini.",
    404: "Halaman atau naskah yang Anda cari tidak ada.",
    405: "Tindakan ini tidak dapat dilakukan dengan cara tersebut.",
    409: "Data telah berubah sejak Anda membukanya. Muat ulang halaman lalu coba lagi.",
    413: "Berkas atau isian terlalu besar.",
    429: "Terlalu banyak percobaan. Tunggu beberapa saat lalu coba lagi.",
    500: "Terjadi kesalahan pada sistem. Kejadian ini telah dicatat; hubungi administrator.",
    503: "Layanan sedang tidak tersedia.",
}


def render_error(status: int, message: str | None = None):
    message = message or DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[400])
    title = ERROR_TITLES.get(status, "Kesalahan")
    if htmx and request.headers.get("HX-Request"):
        # htmx swaps the message in place of the flash region.
        body = render_template("_error_flash.html", title=title, message=message)
        return body, status, {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app):
    from flask_wtf.csrf import CSRFError

    @app.errorhandler(DomainError)
    def domain_error(e):
        return render_error(e.status, e.message)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, "Sesi formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")

    for code in (400, 403, 404, 405, 409, 413, 429, 503):
        app.register_error_handler(code, lambda e, code=code: render_error(code, getattr(e, "description", None) if code == 503 else None))

    @app.errorhandler(DatabaseBusy)
    @app.errorhandler(OperationalError)
    def database_unavailable(e):
        if _database_busy(e):
            app.logger.warning("database busy: %s %s answered 503", request.method, request.path)
            return busy_answer()
        app.logger.error("database error on %s %s", request.method, request.path, exc_info=e)
        return render_error(500)

    @app.errorhandler(500)
    def server_error(e):
        original = getattr(e, "original_exception", None)
        if original is not None and _database_busy(original):
            return busy_answer()
        return render_error(500)


BUSY_MESSAGE = "Sistem sedang sibuk, coba lagi dalam beberapa detik. Tidak ada perubahan yang tersimpan."


def _database_busy(exc) -> bool:
    return is_busy_error(exc)


def busy_answer():
    """503 when the database could not be had in time: the transaction is rolled back here (and
    the request's session ends), so nothing is half-saved; the user may simply retry."""
    db.session.rollback()
    reads_from_here()  # the page around the message only reads: never queue for the lock again
    response = render_error(503, BUSY_MESSAGE)
    body, status, *rest = response
    return body, status, {**(rest[0] if rest else {}), "Retry-After": "2"}
