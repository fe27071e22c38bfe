"""Finding the best answer in the knowledge base for a message, and turning it into replies.

Shared by the topic actions: an FAQ entry, a no-penalty item card, or the topic overview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import texts
from knowledge import repositories
from knowledge.models import ORIGIN_OFFICIAL, FaqEntry, NoPenaltyItem, Topic
from knowledge.search import Hit, faq_topics_named, search_faqs, search_items
from knowledge.text import clean_text, search_text

# A FAQ phrasing matched this closely is the question itself (e.g. a 猜你想问 button).
EXACT_FAQ = 0.9
# Bonus for a result that belongs to the topic the NLU recognised.
TOPIC_BONUS = 0.08
# Words of someone asking whether they will be punished: then the item card (conditions,
# fine if not corrected) answers better than a how-to FAQ entry.
PENALTY_CUES = (
    "罚",
    "被说",
    "被抓",
    "被查",
    "城管",
    "执法",
    "违法",
    "违规",
    "违章",
    "处理我",
    "被拍",
)
PENALTY_BONUS = 0.15
# An item this close to a FAQ answer is offered as a button under it.
RELATED_ITEM_SCORE = 0.40
# Below these scores (or with a runner-up this close) the assistant offers candidates
# ("您是不是想问") instead of answering. Calibrated on the development data
# (bench/tune_search.py prints the trade-off).
ITEM_SURE = 0.42
FAQ_SURE = 0.35
FAQ_MARGIN = 0.04
BUTTON_TITLE_MAX = 24
# A question this short that names no topic of its own ("要几天能下来", "去哪里办") is read in
# the topic of the conversation so far.
CONTEXT_MAX_CHARS = 20

# Item domains that belong to a topic (for the topic bonus).
TOPIC_ITEM_DOMAINS: dict[str, tuple[str, ...]] = {
    "dog": ("犬类管理",),
    "outdoor_dining": ("外摆", "出店经营", "占道经营", "露天烧烤", "餐饮油烟", "餐饮"),
}


@dataclass
class Answer:
    kind: str  # "faq" | "item" | "choices"
    topic: str
    faq: FaqEntry | None = None
    item: NoPenaltyItem | None = None
    # Other items worth offering: the runners-up of an item answer, or for a FAQ answer the
    # item that matches the described behaviour.
    alternatives: list[NoPenaltyItem] = field(default_factory=list)
    # "choices": the questions or behaviours the user may mean (no answer sure enough);
    # "faq": runners-up nearly as good as the answer.
    choices: list[FaqEntry | NoPenaltyItem] = field(default_factory=list)


def user_text(tracker_message: dict[str, Any]) -> str:
    text = clean_text(str(tracker_message.get("text") or ""))
    # A button that carries an intent ("/ask_no_penalty") is not a question to search for.
    return "" if text.startswith("/") else text


def item_in_topic(item: NoPenaltyItem, topic: str) -> bool:
    return any(d in item.domain for d in TOPIC_ITEM_DOMAINS.get(topic, ()))


def context_topic(session: Session, text: str, last_topic: str | None) -> str | None:
    """The conversation's topic, when the message is a short question that does not name
    another one: "怎么办狗证" then "要几天能下来" asks how long the dog licence takes."""
    if not text or not last_topic or last_topic == "general":
        return None
    if len(search_text(text)) > CONTEXT_MAX_CHARS:
        return None
    named = faq_topics_named(session, text)
    return last_topic if not named or named == {last_topic} else None


def answer_in_context(
    session: Session, text: str, context: str, *, min_score: float | None = None
) -> Answer | None:
    """A sure FAQ answer within the conversation's topic, else None."""
    threshold = max(FAQ_SURE, min_score or 0.0)
    in_context = search_faqs(session, text, topic=context, limit=3, min_score=threshold)
    if not in_context:
        return None
    faq, hit = in_context[0]
    close = [f for f, h in in_context[1:3] if hit.score - h.score < FAQ_MARGIN]
    return Answer("faq", faq.topic, faq=faq, choices=close)


def find_answer(
    session: Session,
    text: str,
    topic: str,
    *,
    with_items: bool = True,
    min_score: float | None = None,
    context: str | None = None,
) -> Answer | None:
    """The best FAQ entry or no-penalty item for the text; a short list of candidates when
    none is sure enough; None when nothing fits. With a conversation topic (`context`), a
    sure answer within that topic comes first."""
    if not text:
        return None
    if context:
        answer = answer_in_context(session, text, context, min_score=min_score)
        if answer is not None:
            return answer
    kwargs = {} if min_score is None else {"min_score": min_score}
    cue = PENALTY_BONUS if any(c in text for c in PENALTY_CUES) else 0.0

    def faq_score(pair: tuple[FaqEntry, Hit]) -> float:
        return pair[1].score + (TOPIC_BONUS if pair[0].topic == topic else 0.0)

    def item_score(pair: tuple[NoPenaltyItem, Hit]) -> float:
        bonus = TOPIC_BONUS if topic == "no_penalty" or item_in_topic(pair[0], topic) else 0
        return pair[1].score + bonus + cue

    faqs = sorted(search_faqs(session, text, limit=5, **kwargs), key=faq_score, reverse=True)
    items = (
        sorted(search_items(session, text, limit=4, **kwargs), key=item_score, reverse=True)
        if with_items
        else []
    )
    if not faqs and not items:
        return None
    best_faq = faqs[0] if faqs else None
    best_item = items[0] if items else None
    related = [best_item[0]] if best_item and best_item[1].score >= RELATED_ITEM_SCORE else []
    if best_faq and best_faq[1].ngram >= EXACT_FAQ:
        faq = best_faq[0]
        return Answer("faq", faq.topic, faq=faq, alternatives=related)
    if best_item and (best_faq is None or item_score(best_item) >= faq_score(best_faq)):
        item, hit = best_item
        if hit.score < ITEM_SURE:
            return Answer("choices", topic, choices=[i for i, _ in items[:3]])
        others = [i for i, _ in items[1:4]]
        return Answer("item", topic, item=item, alternatives=others)
    assert best_faq is not None
    faq, hit = best_faq
    if hit.score < FAQ_SURE:
        return Answer("choices", topic, choices=[f for f, _ in faqs[:3]])
    # Runners-up nearly as good are offered first under the answer ("您是不是想问").
    close = [pair[0] for pair in faqs[1:3] if faq_score(best_faq) - faq_score(pair) < FAQ_MARGIN]
    return Answer("faq", faq.topic, faq=faq, alternatives=related, choices=close)


# --------------------------------------------------------------------------- replies
def cite(source: str) -> str:
    return f"{texts.SOURCE_PREFIX}{source}" if source else ""


def _short(title: str) -> str:
    return title if len(title) <= BUTTON_TITLE_MAX else title[: BUTTON_TITLE_MAX - 1] + "…"


def faq_buttons(faqs: list[FaqEntry]) -> list[dict[str, str]]:
    return [{"title": _short(f.question), "payload": f.question} for f in faqs]


def item_card(item: NoPenaltyItem) -> dict[str, Any]:
    fields = [
        (texts.ITEM_FIELD_BEHAVIOR, item.behavior),
        (texts.ITEM_FIELD_CONDITIONS, item.conditions),
        (texts.ITEM_FIELD_CORRECTION, item.correction_note),
        (texts.ITEM_FIELD_PENALTY, item.penalty_range),
        (texts.ITEM_FIELD_LEGAL, item.legal_basis),
        (texts.ITEM_FIELD_PENALTY_BASIS, item.penalty_basis),
        (texts.ITEM_FIELD_ENFORCER, item.enforcer),
        (texts.ITEM_FIELD_CAUTION, item.caution),
    ]
    if item.origin == ORIGIN_OFFICIAL:
        seq = f"（序号{item.seq_no}）" if item.seq_no else ""
        note = texts.ORIGIN_OFFICIAL_NOTE.format(seq=seq)
    else:
        note = texts.ORIGIN_REFERENCE_NOTE
    return {
        "kind": "no_penalty_item",
        "title": texts.ITEM_CARD_TITLE,
        "item_id": item.id,
        "code": item.code,
        "origin": item.origin,
        "domain": item.domain,
        "fields": [{"label": k, "value": v} for k, v in fields if v],
        "note": note,
        "source": item.source,
    }


def item_text(item: NoPenaltyItem) -> str:
    """Plain-text version of the card, for channels that cannot show cards."""
    card = item_card(item)
    lines = [f"{f['label']}：{f['value']}" for f in card["fields"]]
    return "\n".join([*lines, card["note"]])


def send_item(
    dispatcher: CollectingDispatcher, item: NoPenaltyItem, alternatives: list[NoPenaltyItem]
) -> None:
    dispatcher.utter_message(text=texts.ITEM_INTRO)
    dispatcher.utter_message(json_message={"card": item_card(item), "text": item_text(item)})
    buttons = [{"title": t, "payload": p} for t, p in texts.FOLLOW_UP_BUTTONS]
    buttons += [{"title": _short(a.behavior), "payload": a.behavior} for a in alternatives[:3]]
    dispatcher.utter_message(text=texts.SUGGEST_TITLE, buttons=buttons)


def send_faq(
    dispatcher: CollectingDispatcher,
    session: Session,
    faq: FaqEntry,
    items: list[NoPenaltyItem] | None = None,
    close: list[FaqEntry] | None = None,
) -> None:
    """The answer with its source; then close runners-up, the matching item and the related
    questions as buttons (at most four)."""
    dispatcher.utter_message(text="\n".join(p for p in (faq.answer, cite(faq.source)) if p))
    shown = {faq.key}
    buttons = []
    for other in close or []:
        shown.add(other.key)
        buttons += faq_buttons([other])
    buttons += [
        {"title": _short(texts.RELATED_ITEM.format(behavior=i.behavior)), "payload": i.behavior}
        for i in items or []
    ]
    related = repositories.get_faqs(session, keys=[k for k in faq.related if k not in shown])
    buttons += faq_buttons(related)
    if buttons:
        dispatcher.utter_message(text=texts.SUGGEST_TITLE, buttons=buttons[:4])


def overview_text(topic: Topic) -> str:
    return "\n".join(p for p in (topic.overview, cite(topic.source)) if p)


def send_overview(dispatcher: CollectingDispatcher, session: Session, topic: Topic) -> None:
    dispatcher.utter_message(text=overview_text(topic))
    suggestions = repositories.get_faqs(session, keys=topic.suggestions or [])
    if suggestions:
        dispatcher.utter_message(text=texts.SUGGEST_TITLE, buttons=faq_buttons(suggestions[:4]))


def send_answer(
    dispatcher: CollectingDispatcher, session: Session, answer: Answer
) -> list[EventType]:
    events: list[EventType] = [SlotSet("last_topic", answer.topic)]
    if answer.kind == "item" and answer.item is not None:
        send_item(dispatcher, answer.item, answer.alternatives)
        events += [SlotSet("last_item_id", str(answer.item.id)), SlotSet("last_faq_key", None)]
    elif answer.kind == "faq" and answer.faq is not None:
        close = [c for c in answer.choices if isinstance(c, FaqEntry)]
        send_faq(dispatcher, session, answer.faq, answer.alternatives, close)
        events += [SlotSet("last_faq_key", answer.faq.key)]
    elif answer.kind == "choices":
        send_choices(dispatcher, session, answer)
    return events


def send_choices(dispatcher: CollectingDispatcher, session: Session, answer: Answer) -> None:
    """Not sure which question is meant: the topic's essentials, then the candidates."""
    topic = repositories.get_topic(session, topic=answer.topic)
    if topic is not None and answer.topic != "general":
        dispatcher.utter_message(text=overview_text(topic))
    buttons = []
    for choice in answer.choices:
        title = choice.question if isinstance(choice, FaqEntry) else choice.behavior
        buttons.append({"title": _short(title), "payload": title})
    dispatcher.utter_message(text=texts.DID_YOU_MEAN, buttons=buttons)


def topic_buttons() -> list[dict[str, str]]:
    return [{"title": t, "payload": p} for t, p in texts.TOPIC_MENU]
