"""No plaintext hash beside the ciphertext: a keyed MAC over what is stored (issue 12 item 10)."""
import hashlib

from naskah.core import vault
from naskah.extensions import db
from naskah.models import SecretBlob


def test_database_row_does_not_confirm_a_guess(ctx):
    blob = vault.store(b"JBSWY3DPEHPK3PXP", "totp")
    db.session.commit()
    row = db.session.execute(db.text("SELECT * FROM secret_blobs WHERE id = :i"), {"i": blob.id}).mappings().one()
    guess = hashlib.sha256(b"JBSWY3DPEHPK3PXP").hexdigest()
    assert guess not in {str(v) for v in row.values()}
    assert "sha256" not in row.keys() and vault.mac_ok(blob)


def test_tampered_ciphertext_fails_the_mac(ctx):
    blob = vault.store(b"rahasia", "plaintext")
    blob.ciphertext = bytes(blob.ciphertext[:-1]) + bytes([blob.ciphertext[-1] ^ 1])
    assert not vault.mac_ok(blob)


def test_mac_survives_master_key_rotation(ctx):
    blob = vault.store(b"rahasia", "plaintext")
    old = ctx.extensions["naskah_master_key"]
    new = b"n" * 32
    blob.wrapped_key = vault.wrap(vault.unwrap(blob.wrapped_key, old), new)  # what rotation does
    ctx.extensions["naskah_master_key"] = new
    try:
        assert vault.mac_ok(blob)
    finally:
        ctx.extensions["naskah_master_key"] = old


def test_migrated_rows_get_their_mac(ctx):
    blob = vault.store(b"rahasia", "plaintext")
    blob.mac = None
    db.session.commit()
    assert vault.backfill_macs() == 1
    assert vault.mac_ok(db.session.get(SecretBlob, blob.id))
