"""首违不罚 / 轻微违法不予处罚: the policy, and the item matching a described behaviour."""

from __future__ import annotations

from actions.topics import TopicAction


class ActionAnswerNoPenalty(TopicAction):
    topic = "no_penalty"

    def name(self) -> str:
        return "action_answer_no_penalty"
