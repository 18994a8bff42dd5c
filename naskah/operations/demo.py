"""`flask demo`: one user per role and about 30 cryptograms spread over all nine steps."""
import random
from datetime import timedelta

import click
from flask.cli import with_appcontext

from naskah.auth import users
from naskah.core.timeutil import utcnow
from naskah.correspondents import directory
from naskah.crypto.seal import seal
from naskah.decryption import identities as keystore
from naskah.extensions import db
from naskah.models import User
from naskah.models.keys import OfficeIdentity
from naskah.paper.demo import prepare
from naskah.workflow import documents
from naskah.workflow import engine as workflow

DEMO_USERS = [
    ("sandiman1", "sandiman", "Budi Santoso", "198702142010011003"),
    ("sandiman2", "sandiman", "Siti Rahmawati", "199003212015032002"),
    ("kasi", "kasi", "Agus Wibowo, S.Kom.", "197905102005011004"),
    ("petugas", "petugas", "Dewi Lestari", "199208172019032001"),
    ("pejabat", "pejabat", "Hendra Gunawan, S.T., M.M.", "197501011999031002"),
]
AGENCIES = ["Sekretariat Daerah Provinsi Jawa Tengah", "Badan Siber dan Sandi Negara",
            "Kementerian Dalam Negeri", "Kodim 0710/Pekalongan", "Polres Pekalongan Kota",
            "Dinas Kominfo Provinsi Jawa Tengah", "Pemerintah Kabupaten Batang",
            "Badan Kesatuan Bangsa dan Politik"]
MESSAGES = [
    "Mohon kesiapan pengamanan kunjungan kerja pimpinan pada hari Senin pukul 08.00 WIB.",
    "Diteruskan arahan tentang pengamanan informasi menjelang pemilihan kepala daerah.",
    "Harap segera melaporkan inventaris perangkat persandian per akhir bulan.",
]


def _user(username):
    return db.session.scalar(db.select(User).where(User.username == username))


def _demo_identity():
    """The office identity the demo cryptograms are encrypted to (created once)."""
    from cryptography import x509
    row = db.session.scalar(db.select(OfficeIdentity).where(OfficeIdentity.name == "kantor-demo"))
    if row is None:
        row = keystore.generate("kantor-demo", bits=3072)
        db.session.commit()
    return x509.load_pem_x509_certificate(row.cert_pem.encode())


DIRECTORY = {"Badan Siber dan Sandi Negara": ("BSSN", "Jl. Harsono RM No. 70, Ragunan, Jakarta Selatan",
                                              "sandi@bssn.go.id"),
             "Sekretariat Daerah Provinsi Jawa Tengah": ("Setda Jateng", "Jl. Pahlawan No. 9, Semarang",
                                                         "persandian@jatengprov.go.id")}


def _demo_directory():
    """Directory entries for the demo agencies (a few with address, short name and e-mail)."""
    for name in AGENCIES:
        if directory.resolve(name) is None:
            short, address, mail = DIRECTORY.get(name, (None, None, None))
            directory.create({"name": name, "short_name": short, "address": address, "emails": mail}, None,
                             audited=False)
    db.session.commit()


@click.command("demo")
@with_appcontext
@click.option("--password", default=None, help="Kata sandi untuk semua pengguna demo (default: acak).")
@click.option("--count", default=30, show_default=True, help="Jumlah kriptogram.")
@click.option("--seed", default=7, show_default=True)
def demo_command(password, count, seed):
    """Muat data contoh agar pengguna baru melihat papan yang hidup."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security  # nosec B311
    password = password or users.one_time_password()
    for username, role, name, nip in DEMO_USERS:
        user = _user(username)
        if user is None:
            users.create_user(username, role, full_name=name, nip=nip, password=password, must_change=False)
        else:
            user.set_password(password)
            user.must_change_password = False
    db.session.commit()
    s1, s2, kasi = _user("sandiman1"), _user("sandiman2"), _user("kasi")
    office_cert = _demo_identity()  # real CMS cryptograms, so in-app decryption works in the demo
    _demo_directory()
    prepare(kasi, password)  # office CA, the kasi's certificate (passphrase = demo password), a stamp
    db.session.commit()
    now = utcnow()
    for i in range(count):
        target = 1 + i % 9
        clerk = s1 if i % 2 else s2
        data = {
            "sender_agency": rng.choice(AGENCIES),
            "sender_ref_number": f"R/{100 + i}/SANDI/{now.year}",
            "sender_ref_date": (now - timedelta(days=rng.randint(1, 5))).date(),
            "channel": rng.choice(["kurir", "email", "faks", "radio"]),
            "classification": rng.choice(["SR", "R", "R", "T", "B"]),
            "urgency": rng.choice(["kilat", "segera", "biasa", "biasa"]),
            "received_at": now - timedelta(hours=rng.randint(1, 40), minutes=rng.randint(0, 59)),
        }
        message = rng.choice(MESSAGES)
        doc = documents.receive(clerk, data, seal(message.encode(), [office_cert], output="pem"),
                                f"kriptogram-{i + 1:02d}.p7m")
        steps = [
            ("register", clerk, {}), ("report", clerk, {}),
            ("assign", kasi, {"assignee_id": clerk.id, "note": "Segera dekripsi."}),
            ("decrypt", clerk, {"plaintext": message, "addressee": "Wali Kota Pekalongan",
                                "subject": "Berita rahasia", "copy_index": 1, "copy_total": 1}),
            ("initial", clerk, {}), ("sign", kasi, {"courier_id": clerk.id, "passphrase": password}),
            ("number_copy", clerk, {}),
            ("deliver", clerk, {"recipient_name": "Rina Kartika", "recipient_nip": "198811112012122001"}),
            ("archive", clerk, {"archive_cabinet": "Lemari 1", "archive_shelf": "Rak 2", "archive_box": "Boks 3",
                                "archive_folder": f"Map {i + 1:02d}"}),
        ]
        for action, actor, payload in steps:  # step 7 takes two actions (number the copy, then deliver)
            if doc.step >= target:
                break
            workflow.apply(doc, action, actor, payload)
        db.session.commit()
    click.echo(f"Data demo dimuat: {count} kriptogram. Pengguna demo (kata sandi sama untuk semua):")
    for username, role, name, _ in DEMO_USERS:
        click.echo(f"  {username:10} {role:9} {name}")
    click.echo(f"  kata sandi: {password}")
    click.echo("  frasa sandi sertifikat Kasi (tanda tangan elektronik): sama dengan kata sandi")
