"""The daily integrity check, run by the server itself.

`naskah.serve` starts one daemon thread per process (unless NASKAH_DAILY_CHECK=0). Each minute
it asks whether today's run is due (the WIB hour NASKAH_DAILY_CHECK_HOUR has passed); the first
process to claim the day with one conditional UPDATE runs it, the others see the claim and skip,
so only one process runs the check per day even with several servers on one database.
"""
import json
import logging
import os
import threading

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from naskah.core import background
from naskah.core.timeutil import to_wib, utcnow
from naskah.extensions import db
from naskah.models import OfficeSetting
from naskah.operations import integrity

CLAIM_KEY = "integrity_daily_claim"
log = logging.getLogger("naskah.scheduler")


def claim_day(day: str) -> bool:
    """True for exactly one caller per `day`, across threads, processes and servers."""
    if db.session.get(OfficeSetting, CLAIM_KEY) is None:
        try:
            with db.session.begin_nested():
                db.session.add(OfficeSetting(key=CLAIM_KEY, value=json.dumps("")))
        except IntegrityError:
            pass
    value = json.dumps(day)
    result = db.session.execute(update(OfficeSetting)
                                .where(OfficeSetting.key == CLAIM_KEY, OfficeSetting.value != value)
                                .values(value=value, updated_at=utcnow()))
    db.session.commit()
    return result.rowcount == 1


def run_if_due(app, now=None) -> dict | None:
    """Run today's check when its hour has come and no process has claimed the day yet."""
    now = to_wib(now or utcnow())
    if now.hour < int(app.config.get("DAILY_CHECK_HOUR", 2)):
        return None
    with app.app_context():
        if not claim_day(now.date().isoformat()):
            return None
        report = integrity.run_and_store("harian")
        (log.info if report["ok"] else log.error)("daily integrity check: %s",
                                                  "ok" if report["ok"] else "FAILED")
        return report


def start(app, interval: float = 60.0) -> threading.Thread | None:
    if os.environ.get("NASKAH_DAILY_CHECK_HOUR", "").isdigit():
        app.config["DAILY_CHECK_HOUR"] = int(os.environ["NASKAH_DAILY_CHECK_HOUR"])
    return background.start_every("naskah-daily-check", interval, lambda: run_if_due(app),
                                  switch="NASKAH_DAILY_CHECK", log=log, failure="daily integrity check could not run")
