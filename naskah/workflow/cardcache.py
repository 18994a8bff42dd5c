"""The board's cards as rendered HTML, remembered by everything a card shows.

Rendering was the largest part of a board page (about 75 us a card; a normal day's page has 30,
a busy one 90), and the board is asked for every few seconds by everyone who has it open, for
cards that mostly did not change. A card's HTML is a function of its key alone: the card's
fields and its related rows (naskah.workflow.cards.Card), its SLA (status, words, due time), its
buttons, its checklist, the viewer's role and the URL patterns. A card whose anything changed
has a new key and is rendered afresh; nothing is ever invalidated, and a process that restarts
or another process that never saw the card only renders it once more. The keys are built from
the dataclasses' and the Card's own field lists, so a field added there is in the key.

Only the board's light Cards are remembered (the page, the poll, "tampilkan N lagi"); a card
rendered from a Document model (a transition's answer, the editing card) is rendered as before.
Bounded: past SIZE entries the memory is emptied and refills with what is on the boards.
"""
from dataclasses import fields
from operator import attrgetter

from flask import current_app
from markupsafe import Markup

from naskah.paper.progress import Item
from naskah.sla.due import CardSla
from naskah.workflow.cards import FIELDS, Card

SIZE = 2000  # cards of about 1.5 KB: 3 MB at most
TEMPLATE = "board/_cards.html"

_card_fields = attrgetter(*FIELDS)
_sla_fields = attrgetter(*(f.name for f in fields(CardSla)))
_item_fields = attrgetter(*(f.name for f in fields(Item)))


def _key(template, doc: Card, sla: CardSla, actions, u, role: str, progress) -> tuple:
    dec = doc.decryption
    return (id(template), role, u.patterns, _card_fields(doc),
            doc.assigned_to.full_name if doc.assigned_to is not None else None,
            (dec.signature, dec.signer) if dec is not None else None,
            tuple(r.resolved_at for r in doc.resend_requests), _sla_fields(sla),
            tuple(t.action for t in actions),  # a label and its kind follow from the action
            tuple(map(_item_fields, progress)) if progress else progress)


def card(doc, sla, actions, u, role: str, progress=None) -> Markup:
    """The card's HTML (the `card` macro of board/_cards.html), from memory when it was
    rendered with the same key before."""
    template = current_app.jinja_env.get_template(TEMPLATE)
    macro = template.module.card
    if not isinstance(doc, Card):
        return macro(doc, sla, actions, u, role, progress=progress)
    memory = current_app.extensions.setdefault("naskah_card_html", {})
    key = _key(template, doc, sla, actions, u, role, progress)
    html = memory.get(key)
    if html is None:
        html = macro(doc, sla, actions, u, role, progress=progress)
        if len(memory) >= SIZE:
            memory.clear()
        memory[key] = html
    return html
