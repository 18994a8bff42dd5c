"""Office settings are read in one query per transaction, and a transaction sees what was
committed before it began (another process's change shows in the next transaction)."""
from naskah.core import settings
from naskah.extensions import db
from naskah.models import OfficeSetting
from tests.workflow.test_query_counts import Counter


def _count_settings_reads(app, fn) -> int:
    with Counter(app) as counter:
        fn()
    return sum("office_settings" in statement for statement in counter.seen)


def test_one_read_per_transaction(ctx):
    settings.set_value("office_city", "Batang")
    db.session.commit()
    keys = ["office_city", "office_name", "paper", "letter_number_format", "never_set"]
    assert _count_settings_reads(ctx, lambda: [settings.get(k) for k in keys * 3]) == 1
    assert settings.get("office_city") == "Batang"
    assert settings.get("never_set") is None
    assert settings.get("paper") == settings.DEFAULTS["paper"]
    db.session.commit()
    assert _count_settings_reads(ctx, lambda: settings.get("paper")) == 1   # a new transaction reads again


def test_a_value_set_in_the_transaction_is_seen_in_it(ctx):
    settings.get("office_city")
    settings.set_value("office_city", "Pemalang")
    assert settings.get("office_city") == "Pemalang"
    db.session.rollback()
    assert settings.get("office_city") == settings.DEFAULTS["office_city"]   # rolled back: gone


def test_a_commit_elsewhere_shows_in_the_next_transaction(ctx):
    assert settings.get("office_city") == settings.DEFAULTS["office_city"]
    db.session.rollback()   # this transaction ends (on SQLite it held the writer)
    other = db.session.session_factory()   # another request or process
    try:
        other.add(OfficeSetting(key="office_city", value='"Kendal"'))
        other.commit()
    finally:
        other.close()
    assert settings.get("office_city") == "Kendal"
