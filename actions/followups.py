"""Short follow-ups that lean on the conversation: "罚多少?", "依据是哪条?", "那第二次呢?"."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import runtime
from actions.replies import cite, latest_intent, send_answer, send_faq, user_text
from knowledge import repositories
from knowledge.answering import answer_in_context, context_topic, item_in_topic
from knowledge.cards import fine_sentence
from knowledge.models import FaqEntry, NoPenaltyItem
from knowledge.search import search_items
from knowledge.text import get_lexicon

# The FAQ entry that explains what happens on a second violation.
REPEAT_FAQ_KEY = "no-penalty-second-violation"
# A behaviour named in the follow-up itself ("狗没拴绳罚多少") must match at least this well.
NAMED_BEHAVIOUR_SCORE = 0.45


def _context(
    session: Session, tracker: Tracker, text: str
) -> tuple[NoPenaltyItem | None, FaqEntry | None]:
    """The item the user is asking about: named now, or the last one discussed."""
    if text:
        hits = search_items(session, text, limit=1, min_score=NAMED_BEHAVIOUR_SCORE)
        if hits:
            return hits[0][0], None
    item_id = tracker.get_slot("last_item_id")
    if item_id and str(item_id).isdigit():
        item = repositories.get_item(session, item_id=int(item_id))
        if item is not None and item.active:
            return item, None
    key = tracker.get_slot("last_faq_key")
    faq = repositories.get_faq(session, key=key) if key else None
    if faq is not None and text:
        # "怎么办狗证" then "不办罚多少": the FAQ question plus the follow-up names the behaviour.
        # Only an item of a domain the FAQ's topic names: a general question has none.
        for item, _ in search_items(session, f"{faq.question} {text}", limit=3):
            if item_in_topic(item, faq.topic, named_only=True):
                return item, faq
    return None, faq


class ActionFollowUp(Action):
    def name(self) -> str:
        return "action_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        text = user_text(tracker)
        with runtime.db() as session:
            # "多少钱" after "怎么办狗证" asks what the licence costs, not the fine.
            if intent == "ask_fine" and not get_lexicon().has_cue("fine", text):
                context = context_topic(session, text, tracker.get_slot("last_topic"))
                answer = answer_in_context(session, text, context) if context else None
                if answer is not None:
                    return send_answer(dispatcher, session, answer)
            item, faq = _context(session, tracker, text)
            if intent == "ask_repeat_violation":
                repeat = repositories.get_faq(session, key=REPEAT_FAQ_KEY)
                if repeat is not None:
                    send_faq(dispatcher, session, repeat)
                if item is not None and item.penalty_range:
                    dispatcher.utter_message(
                        response="utter_repeat_of_item",
                        behavior=item.behavior,
                        fine=fine_sentence(item),
                        basis=cite(item.penalty_basis),
                    )
                if repeat is None and item is None:
                    dispatcher.utter_message(response="utter_no_context_follow_up")
            elif item is not None and intent == "ask_legal_basis":
                dispatcher.utter_message(
                    response="utter_legal_of_item",
                    behavior=item.behavior,
                    legal=item.legal_basis,
                    penalty_basis=item.penalty_basis or "—",
                )
            elif item is not None:
                dispatcher.utter_message(
                    response="utter_fine_of_item",
                    behavior=item.behavior,
                    fine=fine_sentence(item),
                    basis=cite(item.penalty_basis or item.legal_basis),
                )
            elif faq is not None and intent == "ask_legal_basis" and faq.source:
                dispatcher.utter_message(response="utter_legal_of_faq", source=faq.source)
            else:
                dispatcher.utter_message(response="utter_no_context_follow_up")
        if item is not None:
            return [SlotSet("last_item_id", str(item.id))]
        return []
