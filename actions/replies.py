"""Turning the answering service's decisions into messages: item cards, FAQ answers with
their source, follow-ups, overviews, candidate lists and the topic menu; and the base of every
action that answers from knowledge (its work runs off the event loop)."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import runtime, texts
from knowledge import repositories
from knowledge.answering import (
    AnsweringService,
    Choices,
    Decision,
    FaqAnswer,
    ItemAnswer,
    NoAnswer,
    Turn,
)
from knowledge.cards import card_text, enforcer_sentence, fine_sentence, item_card
from knowledge.models import FaqEntry, NoPenaltyItem, Topic
from knowledge.snapshot import KnowledgeSnapshot, snapshot
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


def turn_of(tracker: Tracker) -> Turn:
    """What the answering service is told about this turn."""
    item_id = tracker.get_slot("last_item_id")
    return Turn.from_parse(
        user_text(tracker),
        tracker.latest_message,
        last_topic=tracker.get_slot("last_topic"),
        last_item_id=int(item_id) if item_id and str(item_id).isdigit() else None,
        last_faq_key=tracker.get_slot("last_faq_key"),
    )


class KnowledgeAction(Action, ABC):
    """An action that answers from knowledge. Its work (a version probe, the decision, a
    record for staff) runs on a worker thread, so the action server's event loop never waits
    on the database or the segmenter."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await asyncio.to_thread(self._respond, dispatcher, tracker, domain)

    def _respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with runtime.db() as session:
            knowledge = snapshot(session)
            turn = turn_of(tracker)
            decision = AnsweringService(knowledge).answer(turn)
            return self.respond(dispatcher, Asked(session, knowledge, turn, decision))

    @abstractmethod
    def respond(self, dispatcher: CollectingDispatcher, asked: Asked) -> list[EventType]:
        """The messages for the service's decision (and anything to record)."""


@dataclass(frozen=True)
class Asked:
    """A turn put to the answering service, and its decision."""

    session: Session
    knowledge: KnowledgeSnapshot
    turn: Turn
    decision: Decision


def send_item(
    dispatcher: CollectingDispatcher,
    item: NoPenaltyItem,
    alternatives: Sequence[NoPenaltyItem],
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
    knowledge: KnowledgeSnapshot,
    faq: FaqEntry,
    items: Sequence[NoPenaltyItem] = (),
    close: Sequence[FaqEntry] = (),
) -> None:
    """The answer with its source; then close runners-up, the matching item and the related
    questions as buttons (at most four)."""
    dispatcher.utter_message(text="\n".join(p for p in (faq.answer, cite(faq.source)) if p))
    shown = {faq.key}
    offered: list[Button] = []
    for other in close:
        shown.add(other.key)
        offered += faq_buttons([other])
    offered += [
        {"title": short(texts.RELATED_ITEM.format(behavior=i.behavior)), "payload": i.behavior}
        for i in items
    ]
    related = knowledge.faqs_for([k for k in faq.related if k not in shown])
    offered += faq_buttons(related)
    if offered:
        dispatcher.utter_message(response="utter_suggestions", buttons=offered[:4])


def overview_text(topic: Topic) -> str:
    return "\n".join(p for p in (topic.overview, cite(topic.source)) if p)


def send_overview(
    dispatcher: CollectingDispatcher, knowledge: KnowledgeSnapshot, topic: Topic
) -> None:
    dispatcher.utter_message(text=overview_text(topic))
    suggestions = knowledge.faqs_for(topic.suggestions or [])
    if suggestions:
        dispatcher.utter_message(response="utter_suggestions", buttons=faq_buttons(suggestions[:4]))


def send_choices(
    dispatcher: CollectingDispatcher, knowledge: KnowledgeSnapshot, answer: Choices
) -> None:
    """Not sure which question is meant: the candidates. FAQ candidates come after the
    topic's essentials; item candidates are listed with the provision each falls under, so
    the citizen sees which rules the situation may touch even without tapping one."""
    titles = [c.question if isinstance(c, FaqEntry) else c.behavior for c in answer.choices]
    offered = [{"title": short(t), "payload": t} for t in titles]
    items = [c for c in answer.choices if isinstance(c, NoPenaltyItem)]
    if items:
        lines = [
            texts.ITEM_CHOICE_LINE.format(
                n=n, behavior=i.behavior.rstrip("。"), basis=i.legal_basis
            )
            for n, i in enumerate(items, 1)
        ]
        dispatcher.utter_message(
            response="utter_item_choices", choices="\n".join(lines), buttons=offered
        )
        return
    topic = knowledge.topic(answer.topic)
    if topic is not None and answer.topic != GENERAL:
        dispatcher.utter_message(text=overview_text(topic))
    dispatcher.utter_message(response="utter_did_you_mean", buttons=offered)


def send_follow_up(
    dispatcher: CollectingDispatcher, knowledge: KnowledgeSnapshot, answer: ItemAnswer
) -> None:
    """Only what was asked about the item: its fine, its legal basis, or a second violation."""
    item = answer.item
    if answer.aspect == "legal":
        dispatcher.utter_message(
            response="utter_legal_of_item",
            behavior=item.behavior,
            legal=item.legal_basis,
            penalty_basis=item.penalty_basis or "—",
        )
        return
    if answer.aspect == "enforcer":
        dispatcher.utter_message(
            response="utter_enforcer_of_item",
            behavior=item.behavior,
            enforcer=enforcer_sentence(item),
        )
        return
    if answer.aspect == "repeat" and answer.faq is not None:
        send_faq(dispatcher, knowledge, answer.faq)
    dispatcher.utter_message(
        response="utter_repeat_of_item" if answer.aspect == "repeat" else "utter_fine_of_item",
        behavior=item.behavior,
        fine=fine_sentence(item),
        basis=cite(item.penalty_basis or item.legal_basis),
    )


def send_answer(
    dispatcher: CollectingDispatcher, knowledge: KnowledgeSnapshot, answer: Decision
) -> list[EventType]:
    """The messages of a decision that answers (anything but NoAnswer), and the slots that
    remember it for the next turn."""
    if isinstance(answer, ItemAnswer):
        if answer.aspect in ("fine", "legal", "repeat", "enforcer"):
            send_follow_up(dispatcher, knowledge, answer)
            return [SlotSet("last_item_id", str(answer.item.id))]
        intro = "utter_report_related_item" if answer.aspect == "related" else "utter_item_intro"
        send_item(dispatcher, answer.item, answer.alternatives, intro=intro)
        return [
            SlotSet("last_topic", answer.topic),
            SlotSet("last_item_id", str(answer.item.id)),
            SlotSet("last_faq_key", None),
        ]
    if isinstance(answer, FaqAnswer):
        if answer.aspect == "legal":
            dispatcher.utter_message(response="utter_legal_of_faq", source=answer.faq.source)
            return []
        send_faq(dispatcher, knowledge, answer.faq, answer.related_items, answer.close)
        return [SlotSet("last_topic", answer.topic), SlotSet("last_faq_key", answer.faq.key)]
    if isinstance(answer, Choices):
        send_choices(dispatcher, knowledge, answer)
        first = answer.choices[0] if answer.choices else None
        if isinstance(first, NoPenaltyItem):
            # "要罚多少" next asks about the likeliest candidate; the reply names it.
            return [
                SlotSet("last_topic", answer.topic),
                SlotSet("last_item_id", str(first.id)),
                SlotSet("last_faq_key", None),
            ]
        return [SlotSet("last_topic", answer.topic)]
    return []


def record(session: Session, turn: Turn, reason: str) -> None:
    """Keep the question for staff (the console's unanswered questions)."""
    intent, confidence = turn.guess
    repositories.record_unanswered(
        session, text=turn.text, intent=intent, confidence=confidence, reason=reason
    )


def is_answer(decision: Decision) -> bool:
    return not isinstance(decision, NoAnswer)
