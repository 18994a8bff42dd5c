"""Audited downloads answer only requests that come from this site's own pages.

A GET that hands out classified bytes and writes an audit event ("X printed the copy letter")
must not be triggerable by a link or <img> on another site. Browsers say where a request comes
from in `Sec-Fetch-Site` (all current ones) or `Origin`; anything but same-origin (or "none":
typed into the address bar, a bookmark) is refused and the refusal is audited. A request with
neither header (scripts, very old browsers) carries no cross-site ambient intent and passes.
"""
from functools import wraps
from urllib.parse import urlsplit

from flask import request

from naskah.audit.denials import deny

CROSS_SITE = "Unduhan ini hanya dapat dibuka dari halaman Naskah Sandi sendiri."


def is_same_origin() -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")
    return True


def same_origin_only(view):
    """Refuse (403, audited) an audited download requested from another site."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_same_origin():
            return deny("cross_site_download", message=CROSS_SITE)
        return view(*args, **kwargs)
    return wrapped
