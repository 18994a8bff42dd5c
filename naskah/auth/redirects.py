"""The one place that decides whether a redirect target taken from a request stays on this site.

A browser reading a Location header strips leading/trailing C0 controls and spaces, drops tabs
and newlines anywhere, treats a backslash as a slash and honours any scheme, so "/\\t/evil",
"\\\\evil", " //evil" or "java\\nscript:" all leave the site. Rather than model every browser
quirk, this allows only a plain absolute path: no control or space characters, no backslash
(also once or twice percent-decoded, also after Unicode compatibility folding), starting with
exactly one slash, with no scheme and no host.
"""
import unicodedata
from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2000


def _plain_path(value: str) -> bool:
    if "\\" in value or not value.startswith("/") or value.startswith("//"):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def safe_target(value: str | None) -> str | None:
    """`value` when it is a path on this site, else None (the caller picks its default)."""
    if not value or not isinstance(value, str) or len(value) > MAX_LENGTH:
        return None
    if any(unicodedata.category(c)[0] in "CZ" for c in value):  # controls, format chars, any space
        return None
    once = unquote(value)
    forms = {value, once, unquote(once), unicodedata.normalize("NFKC", once)}
    if any(any(unicodedata.category(c) == "Cc" for c in form) for form in forms):
        return None
    return value if all(_plain_path(form) for form in forms) else None
