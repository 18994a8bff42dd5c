"""Numbers in words (naskah.printing.formatting.terbilang) as the berita acara and the copy's
Lampiran write them, checked against num2words (a test-only reference)."""
import random

import pytest
from num2words import num2words

from naskah.printing.formatting import terbilang


def test_every_number_up_to_twenty_thousand_and_a_sample_up_to_a_million():
    sample = list(range(20_001)) + random.Random(17).sample(range(20_001, 1_000_000), 3_000)
    wrong = [(n, terbilang(n), num2words(n, lang="id")) for n in sample if terbilang(n) != num2words(n, lang="id")]
    assert wrong == []


@pytest.mark.parametrize(("number", "words"), [
    (2026, "dua ribu dua puluh enam"),
    (1_000_000, "satu juta"),
    (1_001_000, "satu juta seribu"),  # num2words writes "satu juta satu ribu"
    (2_500_000, "dua juta lima ratus ribu"),
    (1_000_000_000, "satu miliar"),
    (1_234_567_890_123, "satu triliun dua ratus tiga puluh empat miliar lima ratus enam puluh tujuh juta "
                        "delapan ratus sembilan puluh ribu seratus dua puluh tiga"),
    (-5, "min lima"),
])
def test_large_and_negative_numbers(number, words):
    assert terbilang(number) == words


def test_beyond_triliun_is_refused():
    with pytest.raises(ValueError):
        terbilang(10**15)
