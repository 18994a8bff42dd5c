"""Password policy: length, character classes, a small common-password blocklist, no username.

The blocklist holds passwords (and stems) that lead every leaked-password list, plus local ones an
Indonesian office tends to pick. A password is refused when, lower-cased and with digits and
symbols stripped from its ends, it is one of them.
"""
import re

MIN_LENGTH = 10
COMMON = frozenset("""
password passw0rd p@ssword p@ssw0rd pass qwerty qwertyuiop qwerty123 asdfgh asdfghjkl zxcvbnm
letmein welcome welcome1 admin administrator root login master dragon monkey football baseball
iloveyou sunshine princess shadow superman batman trustno1 starwars whatever freedom michael
abc abcdef abcdefg abcd1234 abc123 azerty changeme default secret secret123 test tester testing
guest user username qazwsx 1qaz2wsx zaq12wsx q1w2e3r4 q1w2e3r4t5 1q2w3e4r 1q2w3e4r5t
rahasia rahasiaku katasandi sandi kunci masuk selamat bismillah indonesia merdeka garuda
pancasila jakarta pekalongan persandian kominfo diskominfo pemkot pemerintah bandung surabaya
semarang sayang cinta cintaku sayangku kasih rahasia123 admin123 password123 naskah naskahsandi
""".split())
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def problems(password: str, username: str | None = None) -> list[str]:
    """Indonesian messages for every rule the password breaks (empty list: acceptable)."""
    value = password or ""
    out = []
    if len(value) < MIN_LENGTH:
        out.append(f"Kata sandi minimal {MIN_LENGTH} karakter.")
    if value.lower() == value or value.upper() == value or not any(c.isdigit() for c in value):
        out.append("Gunakan huruf besar, huruf kecil, dan angka.")
    lowered = value.lower()
    stem = _EDGES.sub("", lowered)
    if lowered in COMMON or stem in COMMON or (len(set(lowered)) <= 3 and len(lowered) >= 1):
        out.append("Kata sandi ini terlalu umum atau mudah ditebak.")
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in lowered:
        out.append("Kata sandi tidak boleh memuat nama pengguna.")
    return out
