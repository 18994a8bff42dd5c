"""Fast seeding of a throw-away bench instance with SQLAlchemy Core bulk inserts.

A handful of secrets are sealed through the real vault once (a cryptogram, a plaintext, the
letter fields, a complainant identity); each document then gets its own SecretBlob rows holding
copies of those sealed bytes, so row counts and table sizes are those of a real office while the
seeding costs no AES per row. Audit events are hash-chained exactly as naskah.audit does, so the
chain verifies and the app keeps appending to it.
"""
import hashlib
import json
import random
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import insert, select, update
from werkzeug.security import generate_password_hash

from naskah.audit import chain as audit
from naskah.core import vault
from naskah.extensions import db
from naskah.models import AgendaCounter, AgendaEntry, AuditEvent, AuditHead, Document, SecretBlob, User
from naskah.models.complaint import Complaint

PASSWORD = "Bench12345x"  # noqa: S105 - the throw-away bench instance's users only
AGENCIES = ["Badan Siber dan Sandi Negara", "Kementerian Dalam Negeri", "Pemerintah Provinsi Jawa Tengah",
            "Kepolisian Resor Pekalongan", "Komando Distrik Militer 0710", "Kejaksaan Negeri Pekalongan",
            "Badan Intelijen Negara Daerah Jawa Tengah", "Sekretariat Daerah Kota Pekalongan",
            "Dinas Kependudukan dan Pencatatan Sipil", "Badan Kesatuan Bangsa dan Politik",
            "Kantor Imigrasi Kelas II Pemalang", "Pengadilan Negeri Pekalongan"]
ADDRESSEES = ["Wali Kota Pekalongan", "Sekretaris Daerah", "Kepala Dinas Kominfo", "Kepala Bakesbangpol"]
CLASSES, URGENCY, CHANNELS = ["SR", "R", "R", "T", "B"], ["kilat", "segera", "biasa", "biasa"], \
    ["kurir", "email", "faks", "radio", "lainnya"]
STEP_ACTIONS = [None, "document.receive", "step.register", "step.report", "step.assign", "step.decrypt",
                "step.initial", "step.sign", "step.deliver", "step.archive"]
BATCH = 5000


def utc(y, m, d, h=2):
    return datetime(y, m, d, h, tzinfo=timezone.utc)


class Seeder:
    """Holds the pre-sealed blobs, the user ids and the audit chain tip between seeding phases."""

    def __init__(self, seed: int = 8):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fake data, nothing secret
        self.now = datetime.now(timezone.utc)
        self.users: dict[str, int] = {}
        self.sandimen: list[int] = []
        self.doc_counter = 0
        self.next_number: dict[int, int] = {}
        self.archived_years = list(range(self.now.year - 10, self.now.year))

    # --- users, blobs ---------------------------------------------------------------------
    def users_and_blobs(self, n_users: int = 20) -> None:
        pw = generate_password_hash(PASSWORD, method="scrypt")
        roles = (["kasi", "petugas", "pejabat"] + ["sandiman"] * (n_users - 3))[:n_users]
        rows, counts = [], {}
        for role in roles:
            counts[role] = counts.get(role, 0) + 1
            name = f"{role}{counts[role]}"
            rows.append(dict(username=name, full_name=f"Bench {role.title()} {counts[role]}",
                             nip=f"19800101200501{len(rows) + 1:04d}", title=role.title(), role=role,
                             password_hash=pw, active=True, must_change_password=False, failed_logins=0,
                             session_epoch=0, created_at=self.now))
        db.session.execute(insert(User), rows)
        for uid, name, role in db.session.execute(select(User.id, User.username, User.role)):
            self.users[name] = uid
            if role == "sandiman":
                self.sandimen.append(uid)
        self.sandimen.sort()
        payloads = [
            ("cryptogram", b"-----BEGIN PKCS7-----\n" + hashlib.sha512(b"x").digest() * 24 + b"\n-----END PKCS7-----\n"),
            ("plaintext", ("Sehubungan dengan pengamanan kunjungan kerja pimpinan daerah, mohon Saudara "
                           "menyiapkan personel dan sarana persandian.\n" * 12).encode()),
            ("letters", json.dumps({"addressee": "Wali Kota Pekalongan", "subject": "Pengamanan kunjungan kerja",
                                    "cover_item": "Salinan berita rahasia", "cover_quantity": "1 berkas",
                                    "cover_notes": "", "attachments": ""}).encode()),
            ("complainant", json.dumps({"name": "Warga", "contact": "0812-0000-0000"}).encode()),
        ]
        sealed = {purpose: vault.store(payload, purpose) for purpose, payload in payloads}
        db.session.flush()
        self.blob_rows = {p: dict(purpose=p, wrapped_key=b.wrapped_key, key_version=b.key_version, nonce=b.nonce,
                                  ciphertext=b.ciphertext, mac=b.mac, size=b.size, created_at=self.now)
                          for p, b in sealed.items()}
        self.crypto_sha = hashlib.sha256(dict(payloads)["cryptogram"]).hexdigest()
        self.crypto_size = sealed["cryptogram"].size
        db.session.commit()
        head = db.session.get(AuditHead, 1)
        self.seq, self.prev = (head.seq, head.last_hash) if head else (0, audit.GENESIS)
        if head is None:
            db.session.add(AuditHead(id=1, seq=0, last_hash=audit.GENESIS))
            db.session.commit()

    def _blobs(self, purpose: str, n: int) -> list[int]:
        """Insert n copies of a sealed blob; returns their ids (one RETURNING per batch)."""
        ids = []
        for start in range(0, n, BATCH):
            k = min(BATCH, n - start)
            res = db.session.execute(insert(SecretBlob).returning(SecretBlob.id, sort_by_parameter_order=True),
                                     [self.blob_rows[purpose]] * k)
            ids.extend(res.scalars().all())
        return ids

    # --- audit chain ----------------------------------------------------------------------
    def _event(self, action, at, actor_id, actor_name, doc_id, details) -> dict:
        self.seq += 1
        ev = SimpleNamespace(seq=self.seq, at=at.replace(microsecond=0), actor_id=actor_id, actor_name=actor_name,
                             action=action, document_id=doc_id, object_type=None, object_id=None,
                             details=json.dumps(details, sort_keys=True), prev_hash=self.prev)
        ev.hash = audit.compute_hash(ev)
        self.prev = ev.hash
        return vars(ev)

    def _flush_events(self, events: list[dict]) -> None:
        for start in range(0, len(events), BATCH):
            db.session.execute(insert(AuditEvent), events[start:start + BATCH])
        db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=self.seq, last_hash=self.prev))

    # --- documents ------------------------------------------------------------------------
    def _number(self, year: int) -> int:
        self.next_number[year] = self.next_number.get(year, 0) + 1
        return self.next_number[year]

    def documents(self, steps: list[int], *, archived_old: bool) -> list[int]:
        """Insert one document per entry of `steps` with its agenda entry, blobs and audit events.

        Archived documents are spread over the last ten years; documents in progress were received
        today or in the last few days and carry every field their step has filled.
        """
        rng, n = self.rng, len(steps)
        creator = self.sandimen[0]
        crypto_ids = self._blobs("cryptogram", n)
        content = [i for i, s in enumerate(steps) if s >= 5]
        plain_ids = dict(zip(content, self._blobs("plaintext", len(content)), strict=True))
        letter_ids = dict(zip(content, self._blobs("letters", len(content)), strict=True))
        kasi = self.users["kasi1"]
        docs, entries_meta = [], []
        for i, step in enumerate(steps):
            self.doc_counter += 1
            if archived_old:
                year = self.archived_years[i * len(self.archived_years) // n]
                received = utc(year, 1, 2) + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
            else:
                received = self.now - timedelta(minutes=rng.randrange(5, 4 * 24 * 60))
            agency = rng.choice(AGENCIES)
            # One sandiman per run of nine cards: every sandiman gets a card in each column.
            assignee = self.sandimen[(i // 9) % len(self.sandimen)] if step >= 4 else None
            t = lambda k, r=received: r + timedelta(minutes=20 * k)  # noqa: E731 - step k's time
            d = dict(step=step, version=step, sender_agency=agency,
                     sender_ref_number=f"R/{self.doc_counter}/{agency.split()[0].upper()}/{received.year}",
                     sender_ref_date=received.date() - timedelta(days=1), channel=rng.choice(CHANNELS),
                     classification=rng.choice(CLASSES), urgency=rng.choice(URGENCY), received_at=received,
                     cryptogram_blob_id=crypto_ids[i], cryptogram_filename="kriptogram.p7m",
                     cryptogram_size=self.crypto_size, cryptogram_sha256=self.crypto_sha,
                     content_version=1 if step >= 5 else 0, revision_count=0, created_by_id=creator,
                     created_at=received, updated_at=t(step))
            if step >= 2:
                year = received.year
                d.update(agenda_year=year, agenda_number=self._number(year))
                entries_meta.append((i, year, d["agenda_number"], received, agency, d["sender_ref_number"],
                                     d["classification"]))
            if step >= 3:
                d["reported_at"] = t(3)
            if step >= 4:
                d.update(assigned_to_id=assignee, assigned_at=t(4), disposition_note="Segera dekripsi.")
            if step >= 5:
                d.update(plaintext_blob_id=plain_ids[i], letters_blob_id=letter_ids[i], decrypted_at=t(5),
                         forwarded_to=rng.choice(ADDRESSEES), copy_index=1, copy_total=1)
            if step >= 6:
                d.update(paraf_by_id=assignee, paraf_at=t(6), paraf_sha256="0" * 64, paraf_content_version=1)
            if step >= 7:
                d.update(signed_by_id=kasi, signed_at=t(7), delivery_assignee_id=assignee, signature_kind="basah")
            if step >= 8:
                d.update(letter_number=f"000.5.1/{d['agenda_number']:04d}/Sandi/{received.year}",
                         delivered_at=t(8), recipient_name="Penerima", recipient_nip="197001011990031001")
            if step >= 9:
                d.update(archived_at=t(9), retention_until=date(received.year + 10, 12, 31))
            docs.append(d)
        ids = []
        for start in range(0, n, BATCH):
            res = db.session.execute(insert(Document).returning(Document.id, sort_by_parameter_order=True),
                                     docs[start:start + BATCH])
            ids.extend(res.scalars().all())
        entries = [dict(book="masuk", year=y, number=num, kind="kriptogram", document_id=ids[i],
                        received_on=rcv.date(), sender=agency, letter_number=ref, letter_date=rcv.date(),
                        summary="kriptogram", classification=cls, created_by_id=creator, created_at=rcv)
                   for i, y, num, rcv, agency, ref, cls in entries_meta]
        entry_ids = []
        for start in range(0, len(entries), BATCH):
            res = db.session.execute(insert(AgendaEntry).returning(AgendaEntry.id, sort_by_parameter_order=True),
                                     entries[start:start + BATCH])
            entry_ids.extend(res.scalars().all())
        if entries:
            table = Document.__table__
            db.session.execute(update(table).where(table.c.id == db.bindparam("doc_id"))
                               .values(agenda_entry_id=db.bindparam("entry_id")),
                               [{"doc_id": ids[m[0]], "entry_id": e} for m, e in zip(entries_meta, entry_ids, strict=True)])
        self._events(ids, steps, docs, archived_old)
        for year, last in self.next_number.items():
            counter = db.session.get(AgendaCounter, ("masuk", year))
            if counter is None:
                db.session.add(AgendaCounter(book="masuk", year=year, last_number=last))
            else:
                counter.last_number = last
        db.session.commit()
        return ids

    def _events(self, ids, steps, docs, archived_old) -> None:
        """In progress: one event per step taken (the real timeline). Archived: receive + archive."""
        names = {v: k for k, v in self.users.items()}
        head = db.session.get(AuditHead, 1, populate_existing=True)  # the server appends between phases
        self.seq, self.prev = head.seq, head.last_hash
        events = []
        for doc_id, step, d in zip(ids, steps, docs, strict=True):
            taken = [1, 9] if archived_old else range(1, step + 1)
            for k in taken:
                actor = self.users["kasi1"] if k in (4, 7) else (d.get("assigned_to_id") or d["created_by_id"])
                details = {"from": k - 1, "to": k} if k > 1 else {"sender": d["sender_agency"],
                                                                  "classification": d["classification"]}
                events.append(self._event(STEP_ACTIONS[k], d["received_at"] + timedelta(minutes=20 * k),
                                          actor, names[actor], doc_id, details))
        self._flush_events(events)

    # --- complaints -----------------------------------------------------------------------
    def complaints(self, n: int) -> None:
        rng = self.rng
        ident = self._blobs("complainant", n)
        petugas = self.users["petugas1"]
        statuses = ["selesai"] * 8 + ["ditanggapi", "baru"]
        rows = []
        for i in range(n):
            created = self.now - timedelta(days=rng.randrange(0, 3650), minutes=rng.randrange(0, 1440))
            year = created.year
            status = rng.choice(statuses)
            rows.append(dict(year=year, number=i + 1, ticket=f"ADU-{year}-{i + 1:06d}",
                             access_code_digest=hashlib.sha256(f"bench-{i}".encode()).hexdigest(), version=1,
                             channel=rng.choice(["langsung", "telepon", "email", "website", "lapor"]),
                             anonymous=False, identity_blob_id=ident[i],
                             text="Surat balasan belum kami terima; mohon informasi status pengiriman.",
                             status=status, created_at=created, updated_at=created,
                             first_response_due=created + timedelta(days=1), solution_due=created + timedelta(days=5),
                             first_response_at=created + timedelta(hours=3) if status != "baru" else None,
                             closed_at=created + timedelta(days=2) if status == "selesai" else None,
                             reopen_count=0, created_by_id=petugas, handler_id=petugas,
                             closed_by_id=petugas if status == "selesai" else None,
                             solution="Sudah dikirim ulang." if status == "selesai" else None))
        for start in range(0, n, BATCH):
            db.session.execute(insert(Complaint), rows[start:start + BATCH])
        db.session.commit()


def in_progress_steps(n: int) -> list[int]:
    """n cards spread evenly over the nine columns (step 9 = archived within the board's window)."""
    return [1 + i % 9 for i in range(n)]
