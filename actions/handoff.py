"""When the assistant cannot help itself: fallback, a human, or a report to the bureau."""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import runtime, texts
from actions.replies import Asked, KnowledgeAction, is_answer, record, send_answer, topic_buttons
from knowledge import repositories
from knowledge.answering import ItemAnswer, NoAnswer


class ActionFallback(KnowledgeAction):
    """nlu_fallback and out_of_scope: the knowledge base may know it; else say so, log it."""

    def name(self) -> str:
        return "action_fallback"

    def respond(self, dispatcher: CollectingDispatcher, asked: Asked) -> list[EventType]:
        if asked.turn.text:
            reason = asked.decision.reason if isinstance(asked.decision, NoAnswer) else "rescued"
            record(asked.session, asked.turn, reason)
        if is_answer(asked.decision):
            return send_answer(dispatcher, asked.knowledge, asked.decision)
        out_of_scope = (
            isinstance(asked.decision, NoAnswer) and asked.decision.reason == "out_of_scope"
        )
        response = "utter_out_of_scope" if out_of_scope else "utter_fallback"
        dispatcher.utter_message(response=response, buttons=topic_buttons())
        return []


def channel_lines(session: Session, purpose: str) -> str:
    """The service channels staff keep for `purpose`, numbered, one per line."""
    lines = repositories.service_channels(session, purpose) or [texts.CHANNEL_FALLBACK]
    return "\n".join(texts.CHANNEL_LINE.format(n=n, text=t) for n, t in enumerate(lines, 1))


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        channels = await asyncio.to_thread(_channels, "handoff")
        dispatcher.utter_message(response="utter_request_human", channels=channels)
        return []


def _channels(purpose: str) -> str:
    with runtime.db() as session:
        return channel_lines(session, purpose)


class ActionReportIssue(KnowledgeAction):
    def name(self) -> str:
        return "action_report_issue"

    def respond(self, dispatcher: CollectingDispatcher, asked: Asked) -> list[EventType]:
        if isinstance(asked.decision, ItemAnswer) and asked.decision.aspect == "card":
            return send_answer(dispatcher, asked.knowledge, asked.decision)  # their own case
        channels = channel_lines(asked.session, "report")
        dispatcher.utter_message(response="utter_report_issue", channels=channels)
        town = (
            repositories.find_town(asked.session, text=asked.turn.text) if asked.turn.text else None
        )
        if town is not None:
            dispatcher.utter_message(response="utter_report_to_town", town_name=town.name)
        return (
            send_answer(dispatcher, asked.knowledge, asked.decision)
            if is_answer(asked.decision)
            else []
        )
