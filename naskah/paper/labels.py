"""Indonesian labels of the audit events this area writes (the audit page shows them)."""
EVENT_LABELS = {
    "print.salinan": "Surat salinan dicetak", "print.pengantar": "Surat pengantar dicetak",
    "print.amplop": "Amplop dicetak", "print.tanda-terima": "Tanda terima dicetak",
    "print.agenda": "Buku agenda dicetak", "print.disposal_report": "Berita acara pemusnahan dicetak",
    "archive.dispose": "Arsip dimusnahkan", "settings.update": "Pengaturan kantor diubah",
    "pki.issue": "Sertifikat tanda tangan diterbitkan", "pki.import": "Sertifikat tanda tangan diimpor",
    "pki.revoke": "Sertifikat tanda tangan dicabut", "pki.trust_root": "CA tepercaya ditambahkan",
    "archive.lend": "Berkas arsip dipinjam", "archive.return": "Berkas arsip dikembalikan",
    "print.archive_loans": "Log peminjaman arsip dicetak",
}
