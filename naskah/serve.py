"""Production entry point: waitress on HOST/PORT (defaults 0.0.0.0:5000)."""
import logging
import os

from waitress import serve

from . import create_app


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app()
    host = os.environ.get("HOST", "0.0.0.0")
    port = int(os.environ.get("PORT", "5000"))
    threads = int(os.environ.get("NASKAH_THREADS", "8"))
    logging.getLogger("naskah").info("Naskah Sandi melayani di http://%s:%s", host, port)
    serve(app, host=host, port=port, threads=threads, ident="naskah")


if __name__ == "__main__":
    main()
