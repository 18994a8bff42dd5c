"""Times a person types are checked against the document's own history.

One rule for every such field: not before the moment it follows (the step it records comes after
that step), and not in the future. The message names both times in WIB, so the person can see
what the record already says.
"""
from datetime import datetime, timedelta

from naskah.core.errors import DomainError
from naskah.core.timeutil import utcnow
from naskah.printing.formatting import tanggal_jam

CLOCK_SLACK = timedelta(minutes=5)   # a workstation clock a little ahead is not "the future"


def check(value: datetime | None, *, field: str, what: str, after: tuple | None = None,
          now: datetime | None = None) -> None:
    """Raise DomainError(field) when `value` is in the future or before `after` = (instant, label)."""
    if value is None:
        return
    now = now or utcnow()
    if value > now + CLOCK_SLACK:
        raise DomainError(f"{what} tidak boleh di masa depan (sekarang {tanggal_jam(now)}).", field=field)
    if after is not None and after[0] is not None and value < after[0].replace(second=0, microsecond=0):
        raise DomainError(f"{what} ({tanggal_jam(value)}) tidak boleh sebelum {after[1]} "
                          f"({tanggal_jam(after[0])}).", field=field)
