"""The one CSV convention of every export: what an Indonesian spreadsheet opens correctly.

Semicolon between fields (the comma is the decimal separator in id-ID), decimal comma in
numbers, UTF-8 with a BOM (so Excel does not guess a code page), CRLF line ends, one
`Content-Type: text/csv; charset=utf-8`, and cells a spreadsheet would run as a formula
prefixed with an apostrophe. Written with the standard csv module: quoting is its job.
"""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

from flask import Response

from naskah.core.timeutil import format_short

DELIMITER = ";"
CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One value as the spreadsheet should read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (float, Decimal)):
        text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        return text.replace(".", ",")
    if isinstance(value, datetime):
        return format_short(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, int) or (text.lstrip("-").isdigit() and text.startswith("-")):
        return text  # a negative number is a number, not a formula
    return "'" + text if text.startswith(FORMULA_START) else text


def to_bytes(rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")


def response(rows, filename: str) -> Response:
    resp = Response(to_bytes(rows))
    resp.headers["Content-Type"] = CONTENT_TYPE
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def read_back(payload: bytes) -> list[list[str]]:
    """Parse an export the way a spreadsheet set to Indonesian does (for tests and checks)."""
    text = payload.decode("utf-8")
    if not text.startswith(BOM):
        raise ValueError("missing BOM")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=DELIMITER))
