"""Dashboard charts and the monthly report (rekapitulasi) as CSV and PDF.

All figures come from naskah.metrics.period_report(), so the dashboard for a month, the
report page, its CSV and its PDF always show the same numbers.
"""
from __future__ import annotations

import threading

from naskah.audit.chain import head_fingerprint
from naskah.core import csvexport, settings
from naskah.core.timeutil import format_datetime, utcnow, wib_today
from naskah.models import CLASSIFICATIONS
from naskah.paper import letters
from naskah.printing import render_pdf
from naskah.printing.render import FONTS_DIR
from naskah.sla import charts, metrics
from naskah.workflow.engine import STEP_LABELS, Step

_PDF_LOCK = threading.Lock()


def hours_text(value) -> str:
    """Working hours with a decimal comma; an em dash when there is nothing to average."""
    return "\u2014" if value is None else f"{value:.2f}".replace(".", ",")


def daily_chart(daily, title: str) -> str:
    """Days still to come are not plotted (no zeros after today); the text alternative lists
    every day's figures, as the page's table does."""
    today = wib_today()
    labels = [f"{d.day:02d}/{d.month:02d}" for d, _, _ in daily]
    received = [None if d > today else r for d, r, _ in daily]
    delivered = [None if d > today else s for d, _, s in daily]
    past = [(label, r, s) for label, r, s in zip(labels, received, delivered, strict=False) if r is not None]
    desc = (f"Kriptogram diterima dan disampaikan per hari, {labels[0]} s.d. {labels[-1]}: "
            + "; ".join(f"{label} diterima {r}, disampaikan {s}" for label, r, s in past) + "."
            + (f" Hari setelah {today.day:02d}/{today.month:02d} belum terjadi." if len(past) < len(labels) else "")
            ) if labels else title
    return charts.line_chart(
        labels, [("Diterima", received), ("Disampaikan", delivered)],
        title=title, desc=desc, label_every=max(1, len(labels) // 8), css_class="chart-daily")


def step_time_chart(stats, title: str) -> str:
    return charts.bar_chart(
        [str(s.step) for s in stats], [s.mean_hours for s in stats], title=title, unit=" j",
        desc="Rata-rata jam kerja per langkah: " + "; ".join(
            f"langkah {s.step} {s.label} {hours_text(s.mean_hours)} jam" for s in stats) + ".",
        css_class="chart-steps")


def classification_chart(report) -> str:
    codes = list(CLASSIFICATIONS)
    return charts.bar_chart(
        codes, [report.by_classification.get(c, 0) for c in codes], title="Kriptogram diterima per klasifikasi",
        desc="; ".join(f"{CLASSIFICATIONS[c]}: {report.by_classification.get(c, 0)}" for c in codes) + ".",
        width=320, css_class="chart-cls", integer=True)


def dashboard_charts(snap: dict, daily, monthly, report, limits: dict[int, int]) -> dict:
    steps = list(Step)
    per_step = [snap["per_step"][int(s)] for s in steps]
    return {
        "per_step": charts.bar_chart(
            [str(int(s)) for s in steps], per_step, title="Naskah per langkah saat ini",
            desc="; ".join(f"langkah {int(s)} {STEP_LABELS[s]}: {n}" for s, n in zip(steps, per_step, strict=False)) + ".",
            highlight=[int(s) in limits and n > limits[int(s)] for s, n in zip(steps, per_step, strict=False)],
            css_class="chart-per-step", integer=True),
        "daily": daily_chart(daily, "Diterima dan disampaikan per hari, 30 hari terakhir"),
        "monthly": charts.bar_chart(
            [label for label, _ in monthly], [o.compliance for _, o in monthly], unit="%", max_value=100,
            title="Kepatuhan SLA per bulan (disampaikan tepat waktu / disampaikan)",
            desc="; ".join(f"{label}: {'tidak ada penyampaian' if o.compliance is None else charts.percent(o.compliance)}"
                           f" ({o.on_time} dari {o.delivered} tepat waktu)" for label, o in monthly) + ".",
            css_class="chart-monthly"),
        "steps": step_time_chart(metrics.sla_step_stats(report), f"Rata-rata jam kerja per langkah, {report.label}"),
    }


def report_charts(report) -> dict:
    return {
        "daily": daily_chart(report.daily, f"Diterima dan disampaikan per hari, {report.label}"),
        "steps": step_time_chart(metrics.sla_step_stats(report), f"Rata-rata jam kerja per langkah, {report.label}"),
        "classification": classification_chart(report),
    }


# -- CSV --------------------------------------------------------------------------------------
def csv_rows(report) -> list[list]:
    """Long format: section, item, detail, value (one line per figure)."""
    o = report.outcome
    rows = [["bagian", "butir", "rincian", "nilai"],
            ["periode", report.label, f"{report.start.isoformat()} s.d. {report.end.isoformat()} (eksklusif)", ""],
            ["penerimaan", "kriptogram diterima", "", report.received]]
    for code, label in CLASSIFICATIONS.items():
        rows.append(["penerimaan per klasifikasi", label, code, report.by_classification.get(code, 0)])
    for entry in report.by_sender:
        for code, n in entry["counts"].items():
            if n:
                rows.append(["penerimaan per instansi", entry["sender"], CLASSIFICATIONS.get(code, code), n])
    rows += [["penyampaian", "disampaikan", "", o.delivered], ["penyampaian", "tepat waktu", "", o.on_time],
             ["penyampaian", "terlambat", "", o.late],
             ["penyampaian", "kepatuhan SLA (%)", "", "" if o.compliance is None else o.compliance]]
    for s in report.steps:
        rows.append(["waktu per langkah (jam kerja)", f"{s.step} {s.label}", "jumlah", s.count])
        rows.append(["waktu per langkah (jam kerja)", f"{s.step} {s.label}", "rata-rata",
                     "" if s.mean_hours is None else s.mean_hours])
        rows.append(["waktu per langkah (jam kerja)", f"{s.step} {s.label}", "persentil 90",
                     "" if s.p90_hours is None else s.p90_hours])
    rows += [["menunggu kiriman ulang", "naskah saat ini", "", report.waiting_now],
             ["menunggu kiriman ulang", "naskah", "", report.waiting_docs],
             ["menunggu kiriman ulang", "jam kerja", "", report.waiting_hours],
             ["dekripsi gagal", "kejadian", metrics.DECRYPT_FAILED, report.decrypt_failures]]
    for section, value in (("pengaduan", report.complaints), ("indeks survei", report.survey)):
        pairs = metrics.figure_pairs(value)
        if pairs is None:
            rows.append([section, "belum tersedia", "", ""])
        for label, text in pairs or []:
            rows.append([section, label, "", text])
    for day, received, delivered in report.daily:
        rows.append(["harian", day.isoformat(), "diterima", received])
        rows.append(["harian", day.isoformat(), "disampaikan", delivered])
    return rows


def csv_bytes(report) -> bytes:
    """The office CSV convention (naskah.csvexport): semicolons, decimal comma, UTF-8 with BOM."""
    return csvexport.to_bytes(csv_rows(report))


# -- PDF --------------------------------------------------------------------------------------
def office() -> dict:
    return {"name": settings.office_line(),
            "address": settings.get("office_address"), "phone": settings.get("office_phone"),
            "website": settings.get("office_website"), "city": settings.get("office_city")}


_fonts_ready = False


def _register_chart_fonts() -> None:
    """Let svglib draw chart text in the embedded DejaVu face, not an unembedded Helvetica."""
    global _fonts_ready
    if _fonts_ready:
        return
    from svglib import fonts
    fonts.register_font("DejaVu Sans", str(FONTS_DIR / "DejaVuSans.ttf"), rlgFontName="NaskahChartSans")
    fonts.register_font("DejaVu Sans", str(FONTS_DIR / "DejaVuSans-Bold.ttf"), weight="bold",
                        rlgFontName="NaskahChartSansBold")
    _fonts_ready = True


def pdf_context(report, printed_by: str) -> dict:
    svg = report_charts(report)
    return {
        "office": office(), "report": report, "period": report.label, "kasi_title": settings.get("kasi_title"),
        "signer": letters.kasi_signer(),
        "audit_fingerprint": head_fingerprint(),  # paper that can contradict a rewritten database
        "steps": report.steps, "sla_steps": list(metrics.SLA_STEPS), "classifications": CLASSIFICATIONS,
        "complaints": metrics.figure_pairs(report.complaints), "survey": metrics.figure_pairs(report.survey),
        "charts": {k: charts.data_uri(v) for k, v in svg.items()}, "hours": hours_text,
        "printed_at": format_datetime(utcnow()), "printed_by": printed_by, "today": wib_today(),
    }


def pdf_bytes(report, printed_by: str) -> bytes:
    """The report as PDF; charts are drawn as vectors, their text in the embedded DejaVu face."""
    from reportlab.graphics.shapes import STATE_DEFAULTS
    context = pdf_context(report, printed_by)
    with _PDF_LOCK:
        _register_chart_fonts()
        # renderPDF starts each drawing in STATE_DEFAULTS' font (Helvetica, never embedded).
        old = STATE_DEFAULTS["fontName"]
        STATE_DEFAULTS["fontName"] = "NaskahChartSans"
        try:
            return render_pdf("monthly_report.html", context, paper=settings.get("paper") or "A4")
        finally:
            STATE_DEFAULTS["fontName"] = old
