"""The browser print view keeps the print templates' look under a strict CSP."""
import base64
import hashlib
import re

from naskah.paper.printview import make_safe


def test_style_attributes_become_classes_allowed_by_hash():
    html = ('<html><head><style>p { margin: 0 }</style></head><body>'
            '<td style="width: 25%">a</td><div class="sign" style="height: 20mm">b</div>'
            "<td style='width: 25%'>c</td><img src=\"data:image/png;base64,AAAA\" style=\"width: 5mm\"/></body></html>")
    out, csp = make_safe(html, back_url="/dokumen/1", pdf_url="/cetak/1/x.pdf?a=1&b=2")
    assert not re.search(r"\sstyle\s*=", out)
    assert out.count('class="pv1"') == 2 and 'class="sign pv2"' in out and 'class="pv3"/>' in out
    css = re.findall(r"<style>(.*?)</style>", out, re.S)
    assert len(css) == 1 and ".pv1 { width: 25% !important }" in css[0] and "p { margin: 0 }" in css[0]
    digest = base64.b64encode(hashlib.sha256(css[0].encode()).digest()).decode()
    assert f"style-src 'self' 'sha256-{digest}'" in csp
    assert "unsafe" not in csp and "script-src 'self';" in csp
    assert 'href="/cetak/1/x.pdf?a=1&amp;b=2"' in out and "pv-toolbar" in out
