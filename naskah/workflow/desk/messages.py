"""Success messages in result form: they say what happened, never repeat the button's command."""
from naskah.models import Document

# One past-tense phrase per transition (the button says "Kembalikan untuk perbaikan", the result
# says "Dikembalikan untuk perbaikan").
RESULTS = {
    "register": "Diagendakan",
    "report": "Dilaporkan ke Kasi",
    "assign": "Ditugaskan kepada {assignee}",
    "decrypt": "Didekripsi, salinan dan pengantar diketik",
    "request_resend": "Kirim ulang diminta dari pengirim",
    "attach_resend": "Kiriman ulang dilampirkan",
    "revise": "Salinan diperbaiki",
    "initial": "Diparaf dan diajukan ke Kasi",
    "sign": "Ditandatangani; penyampaian ditugaskan kepada {courier}",
    "return": "Dikembalikan untuk perbaikan",
    "deliver": "Dinomori dan didistribusikan",
    "archive": "Diarsipkan",
}


def result_message(action: str, doc: Document) -> str:
    """"Dikembalikan untuk perbaikan: Badan X (0001/...)." for the flash after a step."""
    template = RESULTS.get(action, "Tersimpan")
    assignee = doc.assigned_to.full_name if doc.assigned_to else "-"
    courier = doc.delivery_assignee.full_name if doc.delivery_assignee else "-"
    done = template.format(assignee=assignee, courier=courier)
    return f"{done}: {doc.sender_agency} ({doc.agenda_label})."
