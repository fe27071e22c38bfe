"""信用修复: what happens to a penalty record and how to have it repaired."""

from __future__ import annotations

from actions.topics import TopicAction


class ActionAnswerCreditRepair(TopicAction):
    topic = "credit_repair"
    with_items = False

    def name(self) -> str:
        return "action_answer_credit_repair"
