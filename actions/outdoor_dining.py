"""外摆 / 出店经营: the rules for using the space outside a shop."""

from __future__ import annotations

from actions.topics import TopicAction


class ActionAnswerOutdoorDining(TopicAction):
    topic = "outdoor_dining"

    def name(self) -> str:
        return "action_answer_outdoor_dining"
