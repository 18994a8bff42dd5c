"""Fixtures of the paper-side tests (the helpers are in tests/paperkit.py)."""
import pytest

from tests import paperkit as kit


@pytest.fixture
def team(app, make):
    """A sandiman and a kasi (tests/paperkit's names and NIPs); the kasi holds an office certificate."""
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)
    return sandiman, kasi
