"""Due times in office terms (item 6): the default week is Mon-Thu 07.30-16.00, Fri 07.30-11.00."""
from datetime import datetime

import pytest

from naskah.sla import duetime
from naskah.sla.calendar import WIB, OfficeCalendar, WorkWeek

CAL = OfficeCalendar(WorkWeek.default(), use_national_holidays=False)


def wib(*args):
    return datetime(*args, tzinfo=WIB)


def test_a_deadline_at_an_opening_is_shown_as_the_previous_close():
    due = CAL.due_at(wib(2026, 12, 1, 16, 30))   # Tue after hours -> clock starts Wed 07.30 -> Thu 07.30
    shown, closing = duetime.office_due(CAL, due)
    assert closing and shown == wib(2026, 12, 2, 16, 0)
    assert duetime.due_words(CAL, due, wib(2026, 12, 2, 9, 0), "ok").due_text == \
        "Rabu, 2 Desember 2026 pukul 16.00 WIB (akhir jam kerja)"


@pytest.mark.parametrize("now, short", [
    (wib(2026, 12, 2, 14, 0), "sisa 2 j 0 m"),                                    # office open
    (wib(2026, 12, 1, 20, 0), "sisa 8 j 30 m · lanjut besok 07.30"),              # evening before
    (wib(2026, 12, 2, 21, 0), "waktu kerja habis · terlambat mulai besok 07.30"),  # no "sisa 0 m" at night
])
def test_time_left_in_office_terms(now, short):
    due = CAL.due_at(wib(2026, 12, 1, 16, 30))
    status = CAL.status(due, now)
    assert duetime.due_words(CAL, due, now, status).short == short


def test_weekend_says_when_the_clock_resumes():
    due = CAL.due_at(wib(2026, 12, 4, 9, 0))   # Fri 09.00 -> Mon 09.00
    words = duetime.due_words(CAL, due, wib(2026, 12, 5, 10, 0), "ok")   # Saturday
    assert words.short == "sisa 1 j 30 m · lanjut Senin 07.30"
    assert "dihitung lagi Senin, 7 Desember 2026 pukul 07.30 WIB" in words.title
