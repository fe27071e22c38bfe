"""When the assistant cannot help itself: fallback, a human, or a report to the bureau."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.replies import latest_intent, send_answer, send_item, topic_buttons, user_text
from knowledge import repositories
from knowledge.answering import (
    ITEM_SURE,
    Answer,
    answer_in_context,
    context_topic,
    find_answer,
)
from knowledge.search import search_items
from knowledge.text import get_analyzer, get_lexicon
from knowledge.topics import GENERAL

# With low NLU confidence, a knowledge-base match this strong still answers the question.
RESCUE_SCORE = 0.50
# Out-of-scope predictions above this confidence are not second-guessed by search.
SURE_OUT_OF_SCOPE = 0.85
# A report about one's own case must match an item this well to be answered as one.
OWN_CASE_SCORE = 0.45


class ActionFallback(Action):
    """nlu_fallback and out_of_scope: try the knowledge base, else say so and log it."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = user_text(tracker)
        intent, confidence = latest_intent(tracker)
        ranking = tracker.latest_message.get("intent_ranking") or []
        # For nlu_fallback the useful guess is the best real intent below the threshold.
        guess: dict[str, Any] = next((r for r in ranking if r.get("name") != "nlu_fallback"), {})
        out_of_scope = intent == "out_of_scope" or guess.get("name") == "out_of_scope"
        sure = intent == "out_of_scope" and (confidence or 0) >= SURE_OUT_OF_SCOPE
        with runtime.db() as session:
            answer: Answer | None = None
            # "去哪里办" right after a dog question reads as out of scope on its own; in the
            # conversation it is a question about the dog licence.
            context = context_topic(session, text, tracker.get_slot("last_topic"))
            if sure:
                # out of scope, unless it continues the conversation's topic
                if context:
                    answer = answer_in_context(session, text, context, min_score=RESCUE_SCORE)
            elif text:
                topic = get_analyzer().topic_of(text) or context or GENERAL
                answer = find_answer(session, text, topic, min_score=RESCUE_SCORE, context=context)
                if answer is not None and answer.kind == "choices":
                    answer = None  # too unsure for a message the NLU could not place either
            if text:
                repositories.record_unanswered(
                    session,
                    text=text,
                    intent=guess.get("name") or intent,
                    confidence=guess.get("confidence", confidence),
                    reason="rescued"
                    if answer
                    else ("out_of_scope" if out_of_scope else "fallback"),
                )
            if answer is not None:
                return send_answer(dispatcher, session, answer)
        response = "utter_out_of_scope" if out_of_scope else "utter_fallback"
        dispatcher.utter_message(response=response, buttons=topic_buttons())
        return []


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_request_human")
        return []


def _own_case(text: str) -> bool:
    """ "我/我们…会被罚吗" is someone asking about their own case, even if it reads like a
    report (the words are the lexicon's cues "first_person" and "penalty")."""
    lexicon = get_lexicon()
    first_person = any(
        text.startswith(p) or f"，{p}" in text or f" {p}" in text
        for p in lexicon.cues["first_person"]
    )
    return first_person and lexicon.has_cue("penalty", text)


class ActionReportIssue(Action):
    def name(self) -> str:
        return "action_report_issue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = user_text(tracker)
        with runtime.db() as session:
            if text and _own_case(text):
                answer = find_answer(session, text, "no_penalty", min_score=OWN_CASE_SCORE)
                if answer is not None and answer.kind == "item":
                    return send_answer(dispatcher, session, answer)
            town = repositories.find_town(session, text=text) if text else None
            dispatcher.utter_message(response="utter_report_issue")
            if town is not None:
                dispatcher.utter_message(response="utter_report_to_town", town_name=town.name)
            # What the rule says about the reported matter, when the description is clear.
            found = search_items(session, text, limit=4) if text else []
            if found and found[0][1].score >= ITEM_SURE:
                item = found[0][0]
                others = [i for i, _ in found[1:]]
                send_item(dispatcher, item, others, intro="utter_report_related_item")
                return [SlotSet("last_topic", "no_penalty"), SlotSet("last_item_id", str(item.id))]
        return []
