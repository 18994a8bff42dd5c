"""`flask pengaduan ...`: complaint targets, survey codes for the service, demo complaints."""
import random
from datetime import timedelta

import click
from flask.cli import AppGroup

from naskah.complaints import flow as complaints
from naskah.complaints import survey
from naskah.core import settings
from naskah.extensions import db
from naskah.models import Role, User

group = AppGroup("pengaduan", help="Pengaduan layanan dan survei kepuasan.")


@group.command("target")
@click.option("--tanggapan", type=click.IntRange(1, 365), help="Hari kerja sampai tanggapan pertama.")
@click.option("--penyelesaian", type=click.IntRange(1, 365), help="Hari kerja sampai penyelesaian.")
def target(tanggapan, penyelesaian):
    """Tampilkan atau atur target pengaduan (pengaturan kantor, dalam hari kerja)."""
    if tanggapan:
        settings.set_value("complaint_first_response_days", tanggapan)
    if penyelesaian:
        settings.set_value("complaint_solution_days", penyelesaian)
    db.session.commit()
    first, solution = complaints.target_days()
    click.echo(f"Target tanggapan pertama: {first} hari kerja; penyelesaian: {solution} hari kerja.")


@group.command("kode-survei")
@click.option("--ref", default=None, help="Rujukan, mis. nomor agenda naskah yang diserahkan.")
def survey_code(ref):
    """Terbitkan satu kode survei layanan (mis. untuk tanda terima tulisan tangan)."""
    code = survey.issue_code("layanan", ref)
    db.session.commit()
    click.echo(code)


DEMO_TEXTS = [
    "Surat balasan atas naskah kami belum diterima padahal sudah lebih dari satu hari kerja.",
    "Petugas kurir tidak membawa tanda terima saat menyerahkan salinan.",
    "Mohon informasi jam layanan penerimaan naskah pada hari Jumat.",
    "Amplop salinan yang kami terima sobek di bagian belakang.",
    "Nomor surat pada salinan berbeda dengan nomor di tanda terima.",
]


@group.command("demo")
@click.option("--count", default=8, show_default=True)
@click.option("--seed", default=11, show_default=True)
def demo(count, seed):
    """Tambahkan pengaduan contoh dalam setiap status (perlu pengguna demo: `flask demo`)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security  # nosec B311
    petugas = db.session.scalar(db.select(User).where(User.role == Role.PETUGAS.value))
    pejabat = db.session.scalar(db.select(User).where(User.role == Role.PEJABAT.value))
    if petugas is None or pejabat is None:
        raise click.ClickException("Butuh pengguna petugas dan pejabat; jalankan `flask demo` dahulu.")
    channels = ["langsung", "telepon", "email", "website", "lapor"]
    for i in range(count):
        data = {"channel": channels[i % 5], "name": rng.choice(["Rina Kartika", "anonim", "Joko Susilo"]),
                "contact": "0812-3456-7890", "text": DEMO_TEXTS[i % len(DEMO_TEXTS)],
                "lapor_id": f"LAPOR-{4000 + i}"}
        c, _ = complaints.create(petugas, data)
        back = timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 6))
        first, solution = complaints.target_days()
        c.created_at -= back
        c.first_response_due = complaints.due_after(c.created_at, first)
        c.solution_due = complaints.due_after(c.created_at, solution)
        steps = [("respond", petugas, {"text": "Pengaduan sedang kami periksa.", "public": True}),
                 ("escalate", petugas, {"reason": "Perlu keputusan pejabat.", "pejabat_id": pejabat.id}),
                 ("close", pejabat, {"solution": "Telah diselesaikan dan pelapor dihubungi.", "public": True})]
        for action, actor, payload in steps[:i % 4]:
            complaints.apply(c, action, actor, payload)
        db.session.commit()
    click.echo(f"{count} pengaduan demo dimuat.")
