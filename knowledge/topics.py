"""The topic registry (knowledge/data/topics.yaml): every topic's intent, action and labels.

Everything that names topics (the topic actions, the menu buttons, the console's topic
labels, the NLU export, the topic bonus of the answering service) is derived from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge import DATA_DIR

GENERAL = "general"


@dataclass(frozen=True)
class TopicSpec:
    key: str
    console_label: str
    intent: str | None = None  # the NLU intent that asks about it (its menu button's)
    # The intent of questions about it, where that differs from `intent` (checkup: asking
    # what the service is, not asking to book); its FAQ phrasings train this one.
    question_intent: str | None = None
    # FAQ entries answered by starting the topic's own flow ("怎么预约" is asking to book):
    # their phrasings train `intent`, not `question_intent`.
    flow_faqs: tuple[str, ...] = ()
    action: str | None = None  # the action that answers it
    form: str | None = None  # a topic run by a form has actions of its own
    menu_label: str | None = None  # its button in the greeting and fallback menus
    answers_items: bool = False  # whether no-penalty items answer its questions too
    item_domains: tuple[str, ...] = ()  # item domains that belong to it
    all_items: bool = False  # every item belongs to it (item_domains: all)

    def owns_item_domain(self, domain: str, *, named_only: bool = False) -> bool:
        """Whether items of the domain belong here (`named_only`: by a listed domain, not
        by `item_domains: all`)."""
        if self.all_items and not named_only:
            return True
        return any(d in domain for d in self.item_domains)


@dataclass(frozen=True)
class TopicRegistry:
    topics: tuple[TopicSpec, ...]

    @classmethod
    def load(cls, path: Path = DATA_DIR / "topics.yaml") -> TopicRegistry:
        rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("topics") or []
        return cls(
            tuple(
                TopicSpec(
                    key=row["topic"],
                    console_label=row["console_label"],
                    intent=row.get("intent"),
                    question_intent=row.get("question_intent") or row.get("intent"),
                    flow_faqs=tuple(row.get("flow_faqs") or ()),
                    action=row.get("action"),
                    form=row.get("form"),
                    menu_label=row.get("menu_label"),
                    answers_items=bool(row.get("answers_items", False)),
                    item_domains=_domains(row.get("item_domains")),
                    all_items=row.get("item_domains") == "all",
                )
                for row in rows
            )
        )

    @property
    def answered_from_faq(self) -> list[TopicSpec]:
        """Topics answered by the generic knowledge action (not by a form)."""
        return [t for t in self.topics if t.action and not t.form]

    def get(self, key: str) -> TopicSpec | None:
        return next((t for t in self.topics if t.key == key), None)

    def by_intent(self, intent: str | None) -> TopicSpec | None:
        return next(
            (t for t in self.topics if intent and intent in (t.intent, t.question_intent)), None
        )

    @property
    def console_labels(self) -> dict[str, str]:
        return {t.key: t.console_label for t in self.topics}

    @property
    def menu(self) -> list[tuple[str, str]]:
        """(label, "/intent") of the topics offered as buttons, in registry order."""
        return [(t.menu_label, f"/{t.intent}") for t in self.topics if t.menu_label and t.intent]


def _domains(value: object) -> tuple[str, ...]:
    return tuple(str(d) for d in value) if isinstance(value, list) else ()


@lru_cache(maxsize=1)
def registry() -> TopicRegistry:
    return TopicRegistry.load()
