"""Bench measurements that are not plain GET loops: transitions, per-user PDFs, CMS, printing."""
import os
import statistics
import threading
import time
from datetime import datetime, timezone

from client import Result


def transition(doc_id: int, action: str, version: int):
    """An htmx POST of one step action, as the board's card form sends it."""
    return lambda client: client.htmx_post(f"/dokumen/{doc_id}/aksi/{action}", {"version": str(version)})


def per_client(jobs: list) -> Result:
    """Each (client, path) pair runs on its own client's thread: PDFs only their assignee may print."""
    result, lock = Result(), threading.Lock()
    by_client: dict = {}
    for client, path in jobs:
        by_client.setdefault(client, []).append(path)

    def worker(client, paths):
        for path in paths:
            status, _, wall, server, _ = client.request("GET", path)
            with lock:
                if status == 200:
                    result.wall.append(wall)
                    if server is not None:
                        result.server.append(server)
                else:
                    result.errors += 1

    threads = [threading.Thread(target=worker, args=item) for item in by_client.items()]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - start
    return result


def cms_ratio(app, size: int = 10 * 1024 * 1024, runs: int = 11) -> tuple[float, float]:
    """Median ms of the app's decryption path and of the raw cryptography call on the same bytes."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.serialization import pkcs7

    from naskah.decryption import decrypt as decryption
    from naskah.decryption import identities as keystore
    from naskah.extensions import db

    with app.app_context():
        keystore.generate("bench-kantor", bits=2048, actor=None)
        db.session.commit()
        identity = keystore.decryption_identities()[0]
        cert, key = identity.certificate, identity.private_key
        plaintext = os.urandom(size // 2).hex().encode()[:size]
        der = (pkcs7.PKCS7EnvelopeBuilder().set_data(plaintext).add_recipient(cert)
               .set_content_encryption_algorithm(algorithms.AES256)
               .encrypt(serialization.Encoding.DER, []))
        now = datetime.now(timezone.utc)
        app_ms, raw_ms = [], []
        for i in range(runs + 1):
            start = time.perf_counter()
            out = decryption.decrypt_bytes(der, None, now)
            a = (time.perf_counter() - start) * 1000
            assert out.plaintext == plaintext
            start = time.perf_counter()
            raw = pkcs7.pkcs7_decrypt_der(der, cert, key, [])
            r = (time.perf_counter() - start) * 1000
            assert raw == plaintext
            if i:  # the first pair is a warm-up
                app_ms.append(a)
                raw_ms.append(r)
            db.session.remove()
    return statistics.median(app_ms), statistics.median(raw_ms)


def printing(runs: int = 9) -> tuple[float, float]:
    """bench_printing's two budgets (in process, wall medians): copy letter render, PAdES signing."""
    from bench_printing import copy_ctx, cover_ctx, measure

    from naskah.paper import signing_ca as pki
    from naskah.printing.render import render_pdf
    from naskah.printing.sign import sign_pdf_with_p12

    ca_key, ca_cert = pki.create_ca("CA Bench", "Bench")
    key, cert = pki.issue_signing_cert(ca_key, ca_cert, "Agus Wibowo, S.Kom.", "197905102005011004")
    p12 = pki.to_pkcs12(key, cert, ca_cert, b"frasa sandi bench")
    cover = render_pdf("cover_letter.html", cover_ctx())
    render = measure(lambda: render_pdf("copy_letter.html", copy_ctx()), runs)[0]
    sign = measure(lambda: sign_pdf_with_p12(
        cover, p12, b"frasa sandi bench", signer_name="Agus Wibowo, S.Kom.", signer_nip="197905102005011004",
        location="Pekalongan", qr_text="http://192.168.1.10:5000/verifikasi/ABCDEFGHIJKLMNOP"), runs)[0]
    return render, sign
