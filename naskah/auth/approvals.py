"""Two-person rule for Kasi rights (the Kasi reads every decrypted text).

Creating a Kasi account, granting the Kasi role, and resetting a Kasi's password or second factor
take effect only when a second person approves: the current Kasi, or the Pejabat when the Kasi is
the subject (a reset) or there is none. Until then a new account stays inactive and a role stays
as it was. A one-time password that results is shown to the approver, not to the administrator
who asked, so no single person can sign in as a Kasi. The first Kasi comes from the server's
command line (`flask user-create`), which needs shell access to the server.
"""
from naskah.audit import chain as audit
from naskah.auth import twofactor, users, websessions
from naskah.core.errors import DomainError, Forbidden
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import Role, User
from naskah.models.approval import KasiApproval

KASI = Role.KASI.value
KIND_LABELS = {"create": "Membuat akun Kasi", "grant": "Memberi peran Kasi",
               "reset_password": "Mengatur ulang kata sandi Kasi",  # a label, not a password # nosec B105
               "reset_2fa": "Mengatur ulang verifikasi dua langkah Kasi"}


def needs_approval(kind: str, subject: User | None = None, role: str | None = None) -> bool:
    if kind in ("create", "grant"):
        return role == KASI
    return subject is not None and subject.role == KASI


def _approver_role(kind: str, subject: User) -> str:
    if kind in ("reset_password", "reset_2fa"):
        return Role.PEJABAT.value
    other_kasi = db.session.scalar(db.select(User.id).where(
        User.active_in(KASI), User.id != subject.id).limit(1))
    return KASI if other_kasi is not None else Role.PEJABAT.value


def request(kind: str, subject: User, actor: User, reason: str) -> KasiApproval:
    """Record a request (audited); nothing changes for `subject` until it is approved."""
    reason = " ".join((reason or "").split())[:500]
    if len(reason) < 5:
        raise DomainError("Tulis alasan permintaan (minimal 5 karakter); penyetuju akan membacanya.",
                          field="reason")
    if pending_for(subject.id, kind) is not None:
        raise DomainError("Permintaan yang sama untuk pengguna ini masih menunggu persetujuan.", field="reason")
    row = KasiApproval(kind=kind, subject_id=subject.id, requested_by_id=actor.id, reason=reason,
                       approver_role=_approver_role(kind, subject), status="pending", requested_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.append("approval.requested", actor=actor, object_type="user", object_id=subject.id,
                 details={"approval": row.id, "kind": kind, "username": subject.username,
                          "approver_role": row.approver_role, "reason": reason})
    return row


def create_kasi(username: str, actor: User, reason: str, **fields) -> tuple[User, KasiApproval]:
    """A Kasi account made by the administrator: inactive, without a usable password, until approved."""
    user, _ = users.create_user(username, KASI, actor=actor, **fields)
    user.active = False
    user.set_password(users.one_time_password())  # nobody has seen this one
    return user, request("create", user, actor, reason)


def pending_for(subject_id: int, kind: str | None = None) -> KasiApproval | None:
    q = db.select(KasiApproval).where(KasiApproval.subject_id == subject_id, KasiApproval.status == "pending")
    if kind:
        q = q.where(KasiApproval.kind == kind)
    return db.session.scalars(q.limit(1)).first()


def pending_for_approver(user: User) -> list[KasiApproval]:
    return db.session.scalars(db.select(KasiApproval).where(
        KasiApproval.status == "pending", KasiApproval.approver_role == user.role,
        KasiApproval.subject_id != user.id).order_by(KasiApproval.requested_at)).all()


def _check_approver(row: KasiApproval, user: User) -> None:
    if row.status != "pending":
        raise DomainError("Permintaan ini sudah diputuskan.")
    if user.role != row.approver_role or user.id in (row.subject_id, row.requested_by_id):
        raise Forbidden("Permintaan ini harus diputuskan oleh orang lain yang berwenang.")


def decide(row: KasiApproval, approver: User, approve: bool) -> str | None:
    """Approve (carry out the change; returns a one-time password when one results) or refuse."""
    _check_approver(row, approver)
    row.status = "approved" if approve else "refused"
    row.decided_by_id, row.decided_at = approver.id, utcnow()
    audit.append("approval.approved" if approve else "approval.refused", actor=approver,
                 object_type="user", object_id=row.subject_id,
                 details={"approval": row.id, "kind": row.kind, "username": row.subject.username,
                          "requested_by": row.requested_by.username})
    return _carry_out(row, approver) if approve else None


def _carry_out(row: KasiApproval, approver: User) -> str | None:
    subject = row.subject
    if row.kind == "create":
        subject.active = True
        return users.reset_password(subject, approver)
    if row.kind == "grant":
        change_role(subject, KASI, approver)
        return None
    if row.kind == "reset_password":
        return users.reset_password(subject, approver)
    twofactor.disable(subject, approver, reset=True)
    return None


def change_role(user: User, role: str, actor) -> None:
    """Set a role now (callers route the Kasi role through a request); ends the user's sessions."""
    if role not in {r.value for r in Role}:
        raise DomainError("Peran tidak dikenal.", field="role")
    old = user.role
    user.role = role
    user.session_epoch = (user.session_epoch or 0) + 1
    websessions.end_for(user.id)
    audit.append("user.role_changed", actor=actor, object_type="user", object_id=user.id,
                 details={"username": user.username, "from": old, "to": role})
