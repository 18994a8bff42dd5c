"""The copy letter's two library calls, bare, beside the app's own path on the same input.

App render: naskah.printing.render.render_pdf("copy_letter.html", ctx) (Jinja, the resource
policy, the embedded base font, xhtml2pdf). Bare render: xhtml2pdf's pisa.CreatePDF on the same
HTML string (the app's render_html output, fonts at the same paths).
App sign: naskah.printing.sign.sign_pdf_with_p12 (opens the PKCS#12 with its passphrase, the
visible PAdES signature with the office stamp style). Bare sign: pyHanko's own
SimpleSigner.load_pkcs12 and PdfSigner with the same field, metadata and stamp style on the same
PDF. Medians of interleaved runs after a warm-up, in process.
"""
import io
import statistics
import time


def _median_pair(app_fn, bare_fn, runs: int) -> tuple[float, float]:
    app_fn(), bare_fn()  # warm-up: imports, fonts
    a, b = [], []
    for i in range(runs):
        for fn, out in ((app_fn, a), (bare_fn, b)) if i % 2 == 0 else ((bare_fn, b), (app_fn, a)):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def copy_letter(runs: int = 9) -> dict:
    """{render_app, render_bare, sign_app, sign_bare} in ms."""
    import tempfile

    from bench_printing import copy_ctx, cover_ctx
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    from naskah.paper import signing_ca as pki
    from naskah.printing import sign as app_sign
    from naskah.printing.render import FONTS_DIR, TEMPLATES_DIR, render_html, render_pdf

    ctx = copy_ctx()
    html = render_html("copy_letter.html", ctx, for_pdf=True)
    policy = ResourceAccessPolicy.server(TEMPLATES_DIR, extra_roots=(FONTS_DIR,), allow_remote=False)

    def bare_render():  # the same HTML, allowed to read the same font files, nothing else
        out = io.BytesIO()
        status = pisa.CreatePDF(html, dest=out, encoding="utf-8", path=str(TEMPLATES_DIR / "copy_letter.html"),
                                resource_policy=policy)
        assert not status.err and out.getvalue().startswith(b"%PDF")

    render_app, render_bare = _median_pair(lambda: render_pdf("copy_letter.html", ctx), bare_render, runs)

    ca_key, ca_cert = pki.create_ca("CA Bench", "Bench")
    key, cert = pki.issue_signing_cert(ca_key, ca_cert, "Agus Wibowo, S.Kom.", "197905102005011004")
    passphrase = b"frasa sandi bench"
    p12 = pki.to_pkcs12(key, cert, ca_cert, passphrase)
    cover = render_pdf("cover_letter.html", cover_ctx())
    qr = "http://192.168.1.10:5000/verifikasi/ABCDEFGHIJKLMNOP"
    kwargs = dict(signer_name="Agus Wibowo, S.Kom.", signer_nip="197905102005011004", location="Pekalongan",
                  qr_text=qr)
    box = app_sign.cover_signature_box(app_sign._first_page_height(cover))
    page, x1, y1, x2, y2 = box
    app_sign._load_pyhanko()
    with tempfile.NamedTemporaryFile(suffix=".p12") as fh:
        fh.write(p12)
        fh.flush()

        def bare_sign():
            signer = signers.SimpleSigner.load_pkcs12(fh.name, passphrase=passphrase)
            meta = signers.PdfSignatureMetadata(field_name="TandaTanganKasi", md_algorithm="sha256",
                                                subfilter=SigSeedSubFilter.PADES, reason="Tanda tangan Kepala Seksi",
                                                location="Pekalongan", name="Agus Wibowo, S.Kom.")
            spec = fields.SigFieldSpec(sig_field_name="TandaTanganKasi", on_page=int(page), box=(x1, y1, x2, y2))
            pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=app_sign._stamp_style(True),
                                           new_field_spec=spec)
            writer = IncrementalPdfFileWriter(io.BytesIO(cover), strict=False)
            pdf_signer.sign_pdf(writer, appearance_text_params={
                "nama": "Agus Wibowo, S.Kom.", "nip": "197905102005011004", "waktu": "28 November 2026 09.15",
                "url": qr})

        sign_app, sign_bare = _median_pair(
            lambda: app_sign.sign_pdf_with_p12(cover, p12, passphrase, **kwargs), bare_sign, runs)
    return {"render_app": render_app, "render_bare": render_bare, "sign_app": sign_app, "sign_bare": sign_bare}


if __name__ == "__main__":
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    print(copy_letter())
