"""Fingerprinted static URLs: `static_url('css/app.css')` adds `?v=<sha256 prefix>` of the file.

A fingerprinted request is cached by browsers for a year (`immutable`): a changed file gets a new
fingerprint, hence a new URL. Unfingerprinted static requests keep Flask's default (revalidate).
Pages stay `no-store` (naskah.security).
"""
import hashlib
import os

from flask import current_app, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"
_cache: dict[str, tuple[float, str]] = {}


def fingerprint(filename: str) -> str:
    """First 12 hex digits of the file's SHA-256, recomputed only when its mtime changes."""
    path = os.path.join(current_app.static_folder, filename)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return ""
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()[:12]
    _cache[path] = (mtime, digest)
    return digest


def static_url(filename: str, **kw) -> str:
    version = fingerprint(filename)
    return url_for("static", filename=filename, **({"v": version} if version else {}), **kw)


def init_app(app):
    app.jinja_env.globals["static_url"] = static_url

    @app.after_request
    def cache_fingerprinted(response):
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
            response.headers.pop("Expires", None)
        return response
