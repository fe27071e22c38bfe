"""When the assistant cannot help itself: fallback, a human, or a report to the bureau."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from actions.answers import (
    PENALTY_CUES,
    answer_in_context,
    context_topic,
    find_answer,
    send_answer,
    topic_buttons,
    user_text,
)
from actions.topics import latest_intent
from knowledge import repositories
from knowledge.db import session_scope
from knowledge.text import get_analyzer

# With low NLU confidence, a knowledge-base match this strong still answers the question.
RESCUE_SCORE = 0.50
# Out-of-scope predictions above this confidence are not second-guessed by search.
SURE_OUT_OF_SCOPE = 0.85


class ActionFallback(Action):
    """nlu_fallback and out_of_scope: try the knowledge base, else say so and log it."""

    def name(self) -> str:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = user_text(tracker.latest_message)
        intent, confidence = latest_intent(tracker)
        ranking = tracker.latest_message.get("intent_ranking") or []
        # For nlu_fallback the useful guess is the best real intent below the threshold.
        guess = next((r for r in ranking if r.get("name") != "nlu_fallback"), {})
        out_of_scope = intent == "out_of_scope" or guess.get("name") == "out_of_scope"
        sure = intent == "out_of_scope" and (confidence or 0) >= SURE_OUT_OF_SCOPE
        with session_scope() as session:
            answer = None
            # "去哪里办" right after a dog question reads as out of scope on its own; in the
            # conversation it is a question about the dog licence.
            context = context_topic(session, text, tracker.get_slot("last_topic"))
            if sure:
                # out of scope, unless it continues the conversation's topic
                if context:
                    answer = answer_in_context(session, text, context, min_score=RESCUE_SCORE)
            elif text:
                topic = get_analyzer().topic_of(text) or context or "general"
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
        message = texts.OUT_OF_SCOPE if out_of_scope else texts.FALLBACK
        dispatcher.utter_message(text=message, buttons=topic_buttons())
        return []


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=texts.REQUEST_HUMAN)
        return []


# "我/我们…会被罚吗" is someone asking about their own case, even if it reads like a report.
FIRST_PERSON = ("我", "本人", "咱")
OWN_CASE_SCORE = 0.45


def _own_case(text: str) -> bool:
    return any(
        text.startswith(p) or f"，{p}" in text or f" {p}" in text for p in FIRST_PERSON
    ) and any(c in text for c in PENALTY_CUES)


class ActionReportIssue(Action):
    def name(self) -> str:
        return "action_report_issue"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = user_text(tracker.latest_message)
        message = texts.REPORT_ISSUE
        with session_scope() as session:
            if text and _own_case(text):
                answer = find_answer(session, text, "no_penalty", min_score=OWN_CASE_SCORE)
                if answer is not None and answer.kind == "item":
                    return send_answer(dispatcher, session, answer)
            town = repositories.find_town(session, text=text) if text else None
            if town is not None:
                message += "\n" + texts.REPORT_ISSUE_TOWN.format(town=town.name)
        dispatcher.utter_message(text=message)
        return []
