"""The holiday table the server reads is what the installed `holidays` package says, and the
server never imports the package for a year the table holds."""
import json
import subprocess
import sys

import holidays
import pytest

from naskah.sla import national_holidays as table


@pytest.mark.parametrize("key", sorted(table.CATEGORIES))
def test_the_table_is_what_the_package_says(key):
    data = json.loads(table.TABLE.read_text(encoding="utf-8"))
    assert data["package_version"] == holidays.__version__, (
        "holidays was upgraded: run `python -m naskah.sla.national_holidays` and commit the table")
    cats = table.CATEGORIES[key]
    for year in table.YEARS:
        expected = dict(holidays.country_holidays("ID", years=year, language="id", categories=cats).items())
        assert table.of_year(year, cats) == expected, (key, year)


def test_a_year_outside_the_table_comes_from_the_package():
    year = table.YEARS.stop + 3
    expected = dict(holidays.country_holidays("ID", years=year, language="id").items())
    assert expected and table.of_year(year) == expected


def test_idul_fitri_2026_is_a_holiday_of_the_table():
    days = table.of_year(2026)
    assert any(name.startswith("Hari Raya Idul Fitri") for d, name in days.items() if d.month == 3), days


def test_the_server_does_not_import_the_package():
    """19 MB of imports in a bare interpreter (every country, the lunar calendars): the board,
    its due times and the calendar page read the table."""
    code = ("import os, sys, tempfile\n"
            "os.environ.update({'NASKAH_INSTANCE': tempfile.mkdtemp(), 'NASKAH_DAILY_CHECK': '0'})\n"
            "from datetime import date\n"
            "from naskah import create_app\n"
            "from naskah.sla import calendar_settings\n"
            "from naskah.sla.calendar import OfficeCalendar, WorkWeek\n"
            "app = create_app(migrations=False)\n"
            "cal = OfficeCalendar(WorkWeek.default())\n"
            "assert not cal.is_working_day(date(2026, 8, 17))\n"
            "assert calendar_settings.national_holidays(2026) and calendar_settings.cuti_bersama(2026)\n"
            "print('holidays' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=table.TABLE.parents[2])
    assert out.stdout.strip() == "False", out.stdout + out.stderr
