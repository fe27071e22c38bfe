"""犬类管理: registration, keeping a dog in the city, and the fines of 《湖州市养犬管理规定》."""

from __future__ import annotations

from actions.topics import TopicAction


class ActionAnswerDog(TopicAction):
    topic = "dog"

    def name(self) -> str:
        return "action_answer_dog"
