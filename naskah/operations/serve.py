"""Production entry point: waitress on HOST/PORT (defaults 0.0.0.0:5000), JSON logs on stderr,
and the daily integrity check thread (NASKAH_DAILY_CHECK=0 turns it off)."""
import ctypes
import logging
import os

from waitress import serve

from naskah import create_app
from naskah.core.reqlog import JsonLineFormatter
from naskah.intake import schedule as intake_schedule
from naskah.operations import scheduler

# Libraries that log at INFO for every request that prints or signs (fontTools alone wrote 41
# lines per signature while subsetting fonts): their warnings and errors still reach the log.
QUIET_LIBRARIES = ("fontTools", "xhtml2pdf", "svglib", "reportlab", "PIL", "pyhanko", "pyhanko_certvalidator",
                   "asyncio", "urllib3")


def configure_logging():
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    # fontTools also warns for every subset about tables it drops (FFTM...): nothing to act on.
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives threads their own malloc arenas and keeps what a thread freed in its arena:
    with eight waitress threads rendering PDFs that left about 7 MB more of the server resident
    after a `BENCH_SCALE=tiny make bench` run than two arenas do (162 vs 155 MB). Set before the
    threads start; MALLOC_ARENA_MAX in the environment, read by glibc itself, takes precedence."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return
    m_arena_max = -8  # from glibc's malloc.h
    libc.mallopt(m_arena_max, arenas)


def main():
    limit_malloc_arenas()
    configure_logging()
    app = create_app(migrations=False)  # a server never migrates: `make run` did, before it
    host = os.environ.get("HOST", "0.0.0.0")  # an intranet server; the bind address is configurable # nosec B104
    port = int(os.environ.get("PORT", "5000"))
    threads = int(os.environ.get("NASKAH_THREADS", "8"))
    scheduler.start(app)
    intake_schedule.start(app)
    logging.getLogger("naskah").info("Naskah Sandi melayani di http://%s:%s", host, port)
    serve(app, host=host, port=port, threads=threads, ident="naskah")


if __name__ == "__main__":
    main()
