"""Signed checkpoints of the audit chain's head, made with the office CA key.

The HMAC key (instance/audit.key) stops someone holding only the database. Someone holding the
server's files as well (root) could recompute a keyed chain; a checkpoint signed with the office
CA key (sealed in the vault) and the head's fingerprint printed on the monthly report and the
agenda book make such a rewrite visible against older checkpoints and paper.
"""
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from naskah.audit import chain as audit
from naskah.core.timeutil import utcnow
from naskah.crypto import keys
from naskah.extensions import db
from naskah.models import AuditEvent, AuditHead
from naskah.models.audit import AuditCheckpoint
from naskah.paper import esign


def _payload(seq: int, head_hash: str, keyed_from: int, at) -> bytes:
    return f"naskah-sandi/audit-checkpoint/v1|{seq}|{head_hash}|{keyed_from}|{at.isoformat()}".encode()


def _sign(key, data: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.MAX_LENGTH), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    raise TypeError("unsupported office key type")


def _verify(cert: x509.Certificate, signature: bytes, data: bytes) -> bool:
    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.MAX_LENGTH),
                          hashes.SHA256())
        else:
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _office_ca():
    root = esign.office_ca()
    if root is None or root.key_blob_id is None:
        return None, None
    key, cert = esign._ca_material()
    return key, cert


def make_checkpoint() -> AuditCheckpoint | None:
    """Sign the current head (in the caller's transaction); None when there is no office CA yet."""
    key, cert = _office_ca()
    head = db.session.get(AuditHead, 1)
    if key is None or head is None or head.seq == 0:
        return None
    now = utcnow()
    row = AuditCheckpoint(seq=head.seq, head_hash=head.last_hash, keyed_from_seq=head.keyed_from_seq, at=now,
                          signature=_sign(key, _payload(head.seq, head.last_hash, head.keyed_from_seq, now)),
                          signer_fingerprint=keys.fingerprint(cert))
    db.session.add(row)
    db.session.flush()
    return row


def verify_checkpoints() -> tuple[bool, int, list[str]]:
    """(ok, checkpoints checked, problems): each signature is the office CA's, and the chain still
    holds the signed hash at the signed position."""
    _, cert = _office_ca()
    rows = db.session.scalars(db.select(AuditCheckpoint).order_by(AuditCheckpoint.seq)).all()
    head = db.session.get(AuditHead, 1)
    problems = []
    for row in rows:
        if cert is None or keys.fingerprint(cert) != row.signer_fingerprint or not _verify(
                cert, row.signature, _payload(row.seq, row.head_hash, row.keyed_from_seq, row.at)):
            problems.append(f"checkpoint #{row.seq}: tanda tangan CA kantor tidak sah")
            continue
        at_seq = db.session.scalar(db.select(AuditEvent.hash).where(AuditEvent.seq == row.seq))
        if at_seq != row.head_hash:
            problems.append(f"checkpoint #{row.seq}: kejadian #{row.seq} tidak lagi sama dengan yang ditandatangani")
        if head is not None and head.keyed_from_seq != row.keyed_from_seq:
            problems.append(f"checkpoint #{row.seq}: awal rantai berkunci diubah")
    return not problems, len(rows), problems


def summary() -> str:
    return audit.head_fingerprint()
