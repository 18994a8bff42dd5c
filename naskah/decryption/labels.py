"""Indonesian labels of the audit events this area writes (the audit page shows them)."""
EVENT_LABELS = {
    "key.generate": "Identitas kunci dibuat", "key.import_cert": "Sertifikat CA diimpor",
    "key.import_p12": "PKCS#12 diimpor", "key.export_cert": "Sertifikat diekspor",
    "key.export_csr": "CSR diekspor", "key.import_fernet": "Kunci Fernet diimpor",
    "key.import_kek": "Kunci KEK diimpor", "key.import_password": "Kata sandi CMS disimpan",  # nosec B105 - a label
    "key.add_correspondent": "Sertifikat koresponden ditambahkan", "key.retire": "Kunci dipensiunkan",
    "key.rotate_master": "Kunci induk dirotasi",

    "decrypt.failed": "Dekripsi gagal",
    "step.request_resend": "Diminta kirim ulang",
    "step.attach_resend": "Kiriman ulang dilampirkan",
    "attachment.download": "Lampiran diunduh",
    "kriptogram.decrypt": "Dekripsi berkas lewat perintah",
}
