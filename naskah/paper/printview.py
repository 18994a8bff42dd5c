"""Serve a print template as a browser page under the app's strict CSP.

The print templates carry one <style> block and style="..." attributes (xhtml2pdf needs them).
For the browser every style attribute becomes a generated class (declarations marked !important,
as inline styles would win), all CSS goes into the one <style> block, and the response allows
exactly that block by its SHA-256: no 'unsafe-inline', no script.
"""
import base64
import hashlib
import re

from flask import current_app, make_response, url_for
from markupsafe import escape

from naskah.auth.guards import CSP
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.paper import letters
from naskah.printing.render import RenderError

_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:]*)(\s[^<>]*?)?(/?)>")
_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*("([^"]*)"|'([^']*)')""")
_CLASS_ATTR = re.compile(r"""\sclass\s*=\s*("([^"]*)"|'([^']*)')""")
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


def _important(declarations: str) -> str:
    parts = [d.strip() for d in declarations.split(";") if d.strip()]
    return "; ".join(p if p.endswith("!important") else f"{p} !important" for p in parts)


def _rewrite_tags(html: str) -> tuple[str, list[str]]:
    classes: dict[str, str] = {}

    def tag(match):
        name, attrs, slash = match.group(1), match.group(2) or "", match.group(3)
        style = _STYLE_ATTR.search(attrs)
        if not style:
            return match.group(0)
        value = style.group(2) if style.group(2) is not None else style.group(3)
        cls = classes.setdefault(value, f"pv{len(classes) + 1}")
        attrs = attrs[:style.start()] + attrs[style.end():]
        existing = _CLASS_ATTR.search(attrs)
        if existing:
            current = existing.group(2) if existing.group(2) is not None else existing.group(3)
            attrs = attrs[:existing.start()] + f' class="{current} {cls}"' + attrs[existing.end():]
        else:
            attrs += f' class="{cls}"'
        return f"<{name}{attrs}{slash}>"

    out = _TAG.sub(tag, html)
    rules = [f".{cls} {{ {_important(value)} }}" for value, cls in classes.items()]
    return out, rules


# Browser-only layout: the toolbar, the footer mark at the end of the screen view (the PDF puts
# header and footer in @frames), and the cover letter's fixed frames as blocks on the right.
SCREEN_CSS = """
.pv-toolbar { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; padding: 6px 0; margin-bottom: 8px;
  border-bottom: 1px solid #ccc; display: flex; gap: 12px; align-items: center; }
.pv-toolbar a, .pv-toolbar button { font: inherit; }
body { display: flex; flex-direction: column; }
#footer_content { order: 2; margin-top: 10mm; }
#signer_title_content, #signature_box_content, #signer_name_content { width: 80mm; margin-left: auto; }
#signer_title_content { margin-top: 8mm; }
#paraf_content { width: 42mm; margin-top: 4mm; }
#receiving_content { margin-top: 8mm; }
@media print { .pv-toolbar { display: none !important; } body { display: block; } }
"""


def make_safe(html: str, *, back_url: str | None = None, pdf_url: str | None = None,
              script_url: str | None = None, favicon_url: str | None = None) -> tuple[str, str]:
    """Return (html, csp) where csp allows exactly the page's one style block."""
    html, rules = _rewrite_tags(html)
    blocks = _STYLE_BLOCK.findall(html)
    css = "\n".join(blocks) + SCREEN_CSS + "\n".join(rules) + "\n"
    html = _STYLE_BLOCK.sub("", html)
    html = html.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    links = []
    if back_url:
        links.append(f'<a href="{escape(back_url)}">&larr; Kembali</a>')
    if pdf_url:
        links.append(f'<a href="{escape(pdf_url)}">Unduh PDF</a>')
    links.append('<button type="button" data-print hidden>Cetak</button>')
    links.append("<span>Gunakan Ctrl+P untuk mencetak.</span>")
    toolbar = f'<div class="pv-toolbar">{" ".join(links)}</div>'
    html = re.sub(r"<body([^>]*)>", lambda m: f"<body{m.group(1)}>\n{toolbar}", html, count=1)
    if favicon_url:
        html = html.replace("</head>", f'<link rel="icon" href="{escape(favicon_url)}" type="image/svg+xml">\n</head>', 1)
    if script_url:
        html = html.replace("</head>", f'<script src="{escape(script_url)}" defer></script>\n</head>', 1)
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    csp = CSP.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")
    return html, csp


def pdf_response(pdf: bytes, filename: str):
    """A PDF shown in the browser's viewer, saved under a readable name."""
    resp = make_response(pdf)
    resp.headers["Content-Type"] = "application/pdf"
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return resp


def html_response(html: str, back_url: str, pdf_url: str):
    """The one print-view path: a print template as a browser page under the strict CSP."""
    html, csp = make_safe(html, back_url=back_url, pdf_url=pdf_url,
                          script_url=url_for("static", filename="js/app.js"),
                          favicon_url=url_for("static", filename="img/favicon.svg"))
    resp = make_response(html)
    resp.headers["Content-Security-Policy"] = csp
    return resp


def _render(fmt: str, template: str, context: dict, pdf: bytes | None, kw: dict,
            filename: str, back_url: str, pdf_url: str):
    """Render the paper in its format; return the response builder for after the commit."""
    if fmt == "pdf":
        data = pdf or letters.render_pdf(template, context, **kw)
        return lambda: pdf_response(data, filename)
    html = letters.render_html(template, context, **kw)
    return lambda: html_response(html, back_url, pdf_url)


def emit(fmt: str, template: str, context: dict, *, filename: str, back_url: str, pdf_url: str,
         failure: str, pdf: bytes | None = None, **kw):
    """The one print path of a paper served as PDF (`fmt` "pdf") or print view ("html").

    Renders first, then commits the print's audit event (appended by the caller), then answers.
    A render failure rolls that event back and becomes a DomainError with `failure`.
    `pdf` is bytes already made (a frozen or signed PDF); `kw` goes to the renderer.
    """
    try:
        respond = _render(fmt, template, context, pdf, kw, filename, back_url, pdf_url)
    except (RenderError, ValueError):
        db.session.rollback()
        current_app.logger.exception("print of %s (%s) failed", filename, fmt)
        raise DomainError(failure) from None
    db.session.commit()
    return respond()
