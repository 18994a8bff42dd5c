"""An uploaded SVG logo, checked and cleaned (paper area: office settings).

Written by hand because no small, kept library sanitises SVG for this use: the file is parsed
with lxml without entities or network, only drawing elements survive (no script, no
foreignObject, no event attributes, no reference outside the file), and svglib must be able to
draw it, since the PDFs embed it through svglib. Pages show it only through <img>, where an SVG
runs no script at all; the cleaning is the second wall.
"""
import base64
import hashlib
import re

from naskah.core.errors import DomainError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK = "{http://www.w3.org/1999/xlink}href"
ALLOWED = {"svg", "g", "defs", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
           "tspan", "title", "desc", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "use",
           "symbol", "pattern", "style", "image"}
_LOCAL_IMAGE = re.compile(r"^data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]+$")
_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.I)


def looks_like_svg(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--")


def _size(root) -> tuple[int, int]:
    def number(value):
        m = re.match(r"\s*([0-9.]+)", value or "")
        return float(m.group(1)) if m else None
    w, h = number(root.get("width")), number(root.get("height"))
    if not (w and h):
        box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(box) == 4:
            w, h = number(box[2]), number(box[3])
    if not (w and h) or not (8 <= w <= 5000 and 8 <= h <= 5000):
        raise DomainError("SVG harus menyebut ukurannya (width/height atau viewBox) yang wajar.", field="office_logo")
    return round(w), round(h)


def check_svg(data: bytes, field: str = "office_logo") -> dict:
    """The stored value of a clean SVG logo: {"svg": base64, "sha256", "width", "height"}."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, dtd_validation=False, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise DomainError("Berkas SVG rusak atau bukan SVG yang sah.", field=field) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # no DTD, hence no entities at all
        raise DomainError("SVG tidak boleh memuat DOCTYPE atau entitas.", field=field)
    if etree.QName(root).localname != "svg" or etree.QName(root).namespace != SVG_NS:
        raise DomainError("Berkas bukan gambar SVG.", field=field)
    for el in root.iter():
        if el.tag is etree.Entity:
            raise DomainError("SVG tidak boleh memuat DOCTYPE atau entitas.", field=field)
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el)
        if name.namespace != SVG_NS or name.localname not in ALLOWED:
            raise DomainError(f"SVG memuat unsur yang tidak diizinkan ({name.localname}).", field=field)
        for attr, value in el.attrib.items():
            local = etree.QName(attr).localname.lower()
            if local.startswith("on") or _URL.search(value or ""):
                raise DomainError("SVG memuat skrip atau rujukan ke luar berkas.", field=field)
            if local == "href" and not (value.startswith("#") or (name.localname == "image" and _LOCAL_IMAGE.match(value))):
                raise DomainError("SVG memuat rujukan ke luar berkas.", field=field)
        if name.localname == "style" and (_URL.search(el.text or "") or "@import" in (el.text or "")):
            raise DomainError("SVG memuat rujukan ke luar berkas.", field=field)
    width, height = _size(root)
    clean = etree.tostring(root, xml_declaration=False, encoding="utf-8")
    _drawable(clean, field)
    return {"svg": base64.b64encode(clean).decode("ascii"), "sha256": hashlib.sha256(clean).hexdigest(),
            "width": width, "height": height}


def _drawable(svg: bytes, field: str) -> None:
    """svglib (the PDFs' SVG renderer) must draw it."""
    import io

    from svglib.svglib import svg2rlg
    try:
        drawing = svg2rlg(io.BytesIO(svg))
    except Exception:  # noqa: BLE001 - any parser failure means the PDFs could not show it
        drawing = None
    if drawing is None:
        raise DomainError("SVG tidak dapat digambar pada surat; simpan ulang sebagai SVG biasa atau PNG.", field=field)


def data_uri(value: dict | None) -> str | None:
    """data: URI of a stored logo (SVG or PNG) for <img>."""
    if not value:
        return None
    if value.get("svg"):
        return "data:image/svg+xml;base64," + value["svg"]
    if value.get("png"):
        return "data:image/png;base64," + value["png"]
    return None
