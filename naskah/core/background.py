"""A daemon thread that runs one job every few seconds until the process ends.

The scheduled jobs (the daily integrity check, the mailbox poll) run in every server process;
what makes each one run once across processes is the job's own claim in the database, not
this thread.
"""
import logging
import os
import threading


def start_every(name: str, interval: float, job, *, switch: str, log: logging.Logger,
                failure: str) -> threading.Thread | None:
    """Run `job()` every `interval` seconds in a daemon thread named `name`; None when the
    environment variable `switch` is "0". A failing run is logged as `failure` and the thread
    goes on. The thread's `stop` event ends it (tests)."""
    if os.environ.get(switch, "1") == "0":
        return None
    stop = threading.Event()

    def loop():
        while not stop.wait(interval):
            try:
                job()
            except Exception:  # noqa: BLE001 - keep the thread alive; the failure is logged
                log.exception(failure)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.stop = stop
    thread.start()
    return thread
