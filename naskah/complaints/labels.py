"""Indonesian labels of the audit events this area writes (the audit page shows them)."""
EVENT_LABELS = {
    "complaint.create": "Pengaduan dicatat",
    "complaint.respond": "Pengaduan ditanggapi",
    "complaint.escalate": "Pengaduan dieskalasi",
    "complaint.close": "Pengaduan diselesaikan",
    "complaint.reopen": "Pengaduan dibuka kembali",
    "complaint.new_code": "Kode akses pengaduan diganti",
    "complaint.report_export": "Register pengaduan diunduh",
    "survey.submit": "Survei kepuasan diisi",
}
