"""Turning answers into messages: item cards, FAQ answers with their source, overviews,
candidate lists and the topic menu. Shared by every action that answers from knowledge."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import texts
from knowledge import repositories
from knowledge.answering import Answer
from knowledge.cards import card_text, item_card
from knowledge.models import FaqEntry, NoPenaltyItem, Topic
from knowledge.text import clean_text
from knowledge.topics import GENERAL, registry

Button = dict[str, str]


def user_text(tracker: Tracker) -> str:
    text = clean_text(str(tracker.latest_message.get("text") or ""))
    # A button that carries an intent ("/ask_no_penalty") is not a question to search for.
    return "" if text.startswith("/") else text


def latest_intent(tracker: Tracker) -> tuple[str | None, float | None]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), intent.get("confidence")


def cite(source: str) -> str:
    return f"{texts.SOURCE_PREFIX}{source}" if source else ""


def short(title: str) -> str:
    limit = texts.BUTTON_TITLE_MAX
    return title if len(title) <= limit else title[: limit - 1] + "…"


def buttons(pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[Button]:
    return [{"title": t, "payload": p} for t, p in pairs]


def echo_buttons(titles: list[str]) -> list[Button]:
    """Buttons that send their own title."""
    return [{"title": t, "payload": t} for t in titles]


def faq_buttons(faqs: list[FaqEntry]) -> list[Button]:
    return [{"title": short(f.question), "payload": f.question} for f in faqs]


def topic_buttons() -> list[Button]:
    return buttons(registry().menu)


def send_item(
    dispatcher: CollectingDispatcher,
    item: NoPenaltyItem,
    alternatives: list[NoPenaltyItem],
    *,
    intro: str = "utter_item_intro",
) -> None:
    dispatcher.utter_message(response=intro)
    card = item_card(item)
    dispatcher.utter_message(json_message={"card": card, "text": card_text(card)})
    offered = buttons(texts.FOLLOW_UP_BUTTONS)
    offered += [{"title": short(a.behavior), "payload": a.behavior} for a in alternatives[:3]]
    dispatcher.utter_message(response="utter_suggestions", buttons=offered)


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
    offered: list[Button] = []
    for other in close or []:
        shown.add(other.key)
        offered += faq_buttons([other])
    offered += [
        {"title": short(texts.RELATED_ITEM.format(behavior=i.behavior)), "payload": i.behavior}
        for i in items or []
    ]
    related = repositories.get_faqs(session, keys=[k for k in faq.related if k not in shown])
    offered += faq_buttons(related)
    if offered:
        dispatcher.utter_message(response="utter_suggestions", buttons=offered[:4])


def overview_text(topic: Topic) -> str:
    return "\n".join(p for p in (topic.overview, cite(topic.source)) if p)


def send_overview(dispatcher: CollectingDispatcher, session: Session, topic: Topic) -> None:
    dispatcher.utter_message(text=overview_text(topic))
    suggestions = repositories.get_faqs(session, keys=topic.suggestions or [])
    if suggestions:
        dispatcher.utter_message(response="utter_suggestions", buttons=faq_buttons(suggestions[:4]))


def send_choices(dispatcher: CollectingDispatcher, session: Session, answer: Answer) -> None:
    """Not sure which question is meant: the topic's essentials, then the candidates."""
    topic = repositories.get_topic(session, topic=answer.topic)
    if topic is not None and answer.topic != GENERAL:
        dispatcher.utter_message(text=overview_text(topic))
    titles = [c.question if isinstance(c, FaqEntry) else c.behavior for c in answer.choices]
    offered = [{"title": short(t), "payload": t} for t in titles]
    dispatcher.utter_message(response="utter_did_you_mean", buttons=offered)


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
