"""The item card: the typed shape the actions send (Rasa `custom` payload) and the API
returns (`{"type": "card", "card": …}`), and its plain-text form for text-only channels."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from knowledge import texts
from knowledge.models import ORIGIN_OFFICIAL, NoPenaltyItem


class CardField(TypedDict):
    label: str
    value: str


class ItemCard(TypedDict):
    kind: Literal["no_penalty_item"]
    title: str
    item_id: int
    code: str
    origin: str
    domain: str
    fields: list[CardField]
    note: str
    source: str


def fine_sentence(item: NoPenaltyItem) -> str:
    """What the law says about the fine for this matter, in the clause's own structure."""
    template = texts.FINE_SENTENCES.get(item.fine_structure, texts.FINE_SENTENCES[""])
    sentence = template.format(penalty=item.penalty_range.rstrip("。"))
    return f"{sentence}{item.fine_condition}" if item.fine_condition else sentence


def enforcer_sentence(item: NoPenaltyItem) -> str:
    """Who the clause names as the enforcer: another department where the item says so,
    else the comprehensive enforcement authority."""
    if item.enforcer:
        return texts.ENFORCER_NOTE.format(enforcer=item.enforcer)
    return texts.ENFORCER_OWN


def item_card(item: NoPenaltyItem) -> ItemCard:
    enforcer = texts.ENFORCER_NOTE.format(enforcer=item.enforcer) if item.enforcer else ""
    fields = [
        (texts.ITEM_FIELD_BEHAVIOR, item.behavior),
        (texts.ITEM_FIELD_CONDITIONS, item.conditions_text),
        (item.penalty_label, item.penalty_range),
        (texts.ITEM_FIELD_FINE_CONDITION, item.fine_condition),
        (texts.ITEM_FIELD_CORRECTION, item.correction_text),
        (texts.ITEM_FIELD_QUOTE, item.penalty_quote),
        (texts.ITEM_FIELD_LEGAL, item.legal_basis),
        (texts.ITEM_FIELD_PENALTY_BASIS, item.penalty_basis),
        (texts.ITEM_FIELD_ENFORCER, enforcer),
        (texts.ITEM_FIELD_CAUTION, item.caution),
    ]
    if item.origin == ORIGIN_OFFICIAL:
        seq = texts.OFFICIAL_SEQ.format(seq_no=item.seq_no) if item.seq_no else ""
        note = texts.ORIGIN_OFFICIAL_NOTE.format(seq=seq)
        title = texts.OFFICIAL_CARD_TITLE + seq
    else:
        note = texts.ORIGIN_REFERENCE_NOTE
        title = texts.REFERENCE_CARD_TITLE
    return {
        "kind": "no_penalty_item",
        "title": title,
        "item_id": item.id,
        "code": item.code,
        "origin": item.origin,
        "domain": item.domain,
        "fields": [{"label": k, "value": v} for k, v in fields if v],
        "note": note,
        "source": item.source,
    }


def card_text(card: ItemCard) -> str:
    """Plain-text version of a card, for channels that cannot show cards."""
    lines = [f"{f['label']}：{f['value']}" for f in card["fields"]]
    return "\n".join([*lines, card["note"]])
