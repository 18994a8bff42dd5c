"""Indonesia's national holidays from a table built from the `holidays` package.

The package holds every country and the lunar calendars Indonesia's holidays follow: imported,
it is 19 MB of a server process's memory for good, to answer a few hundred dates. The server
reads them from `national_holidays_id.json` instead, written by this module from the pinned
package (`python -m naskah.sla.national_holidays`); tests/sla/test_national_holidays.py fails
when the table and the installed package disagree, so a package upgrade brings a new table.
A year outside the table, or a table written by another version of the package, is asked of
the package itself (imported then, once).

Pure module (no Flask, no database).
"""
from __future__ import annotations

import json
import sys
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path

TABLE = Path(__file__).with_name("national_holidays_id.json")
YEARS = range(2000, 2051)
CATEGORIES = {"public": ("public",), "public+government": ("public", "government"), "government": ("government",)}


def of_year(year: int, categories: tuple[str, ...] = ("public",)) -> dict[date, str]:
    """{date: Indonesian name} of one year's holidays in the package's categories: "public"
    (libur nasional) and "government" (cuti bersama)."""
    key = "+".join(categories)
    table = _table()
    if table is not None and key in table and str(year) in table[key]:
        return {date.fromisoformat(d): name for d, name in table[key][str(year)].items()}
    return _from_package(year, categories)


def _from_package(year: int, categories: tuple[str, ...]) -> dict[date, str]:
    import holidays  # only outside the table: see the module's docstring
    return dict(holidays.country_holidays("ID", years=year, language="id", categories=categories).items())


@cache
def _table() -> dict | None:
    """The table, if it was written from the installed version of the package."""
    try:
        data = json.loads(TABLE.read_text(encoding="utf-8"))
        installed = metadata.version("holidays")
    except (OSError, ValueError, metadata.PackageNotFoundError):
        return None
    return data["holidays"] if data.get("package_version") == installed else None


def build() -> dict:
    """The table's content, from the installed package."""
    return {"package": "holidays", "package_version": metadata.version("holidays"), "country": "ID",
            "language": "id",
            "holidays": {key: {str(y): {d.isoformat(): n for d, n in sorted(_from_package(y, cats).items())}
                               for y in YEARS} for key, cats in CATEGORIES.items()}}


def main() -> int:
    TABLE.write_text(json.dumps(build(), ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{TABLE.name}: hari libur nasional {YEARS.start}-{YEARS.stop - 1} dari holidays "
          f"{metadata.version('holidays')} ditulis.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
