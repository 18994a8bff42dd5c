"""The office's own address for every official link (QR codes, e-mail, complaint slips).

Links are never built from the request's Host header: a request sent with `Host: evil.example`
must not put evil.example into a cover letter the Kasi signs. The address comes from the office
settings (when set there), else NASKAH_BASE_URL, else this server's LAN address at start-up.
Requests for host names the office has not configured are refused by Flask's TRUSTED_HOSTS.
"""
import os
import socket
from urllib.parse import urlsplit

from flask import current_app

from naskah.core import settings

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


def lan_address() -> str:
    """This machine's address on the LAN (the interface of the default route; nothing is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def default_trusted_hosts(base_url: str) -> list[str]:
    """A fresh `make run` on the LAN answers by its name, its addresses and the base URL's host."""
    name = socket.gethostname().lower()
    hosts = {*LOCAL_HOSTS, name, f"{name}.local", lan_address(), host_of(base_url)}
    try:
        hosts.update(info[4][0] for info in socket.getaddrinfo(name, None))
    except OSError:
        pass
    extra = os.environ.get("NASKAH_TRUSTED_HOSTS", "")
    hosts.update(h.strip().lower() for h in extra.split(",") if h.strip())
    return sorted(h for h in hosts if h)


def configure(app) -> None:
    cfg = app.config
    if os.environ.get("NASKAH_BASE_URL"):
        cfg["BASE_URL"] = os.environ["NASKAH_BASE_URL"]
    if not cfg.get("BASE_URL"):
        cfg["BASE_URL"] = f"http://{lan_address()}:{cfg.get('PORT') or os.environ.get('PORT') or 5000}"
    cfg["BASE_URL"] = cfg["BASE_URL"].rstrip("/")
    if cfg.get("TRUSTED_HOSTS") is None:
        cfg["TRUSTED_HOSTS"] = default_trusted_hosts(cfg["BASE_URL"])


def office_base_url(*setting_keys: str) -> str:
    """The first of the named office settings that is set, else the configured BASE_URL."""
    for key in setting_keys:
        value = (settings.get(key) or "").strip()
        if value:
            return value.rstrip("/")
    return current_app.config["BASE_URL"]


def is_trusted(url: str) -> bool:
    trusted = current_app.config.get("TRUSTED_HOSTS")
    if trusted is None:
        return True
    host = host_of(url)
    return any(host == t or (t.startswith(".") and host.endswith(t)) for t in trusted)


UNKNOWN_HOST = ("Nama server ini tidak dikenal kantor. Buka aplikasi lewat alamat resminya, atau minta "
                "administrator menambahkan nama ini ke NASKAH_TRUSTED_HOSTS.")


def init_app(app) -> None:
    from werkzeug.exceptions import SecurityError

    @app.errorhandler(SecurityError)
    def unknown_host(e):
        # No URL adapter exists for an untrusted host, so the usual error page cannot be built.
        return UNKNOWN_HOST, 400, {"Content-Type": "text/plain; charset=utf-8"}
