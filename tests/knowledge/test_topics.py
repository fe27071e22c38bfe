"""The topic registry agrees with the Rasa project: its intents, actions and forms exist, and
a rule answers each topic's intent with the topic's action."""

from __future__ import annotations

import itertools
from pathlib import Path

import yaml

from knowledge.topics import registry
from tests.domain import domain
from wxbot.rasa import BOT_DIR


def _rule_pairs() -> set[tuple[str, str]]:
    """(intent, first action) of every rule and story step pair."""
    pairs = set()
    for path in [
        *Path(BOT_DIR, "data", "rules").glob("*.yml"),
        *Path(BOT_DIR, "data", "stories").glob("*.yml"),
    ]:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in [*(data.get("rules") or []), *(data.get("stories") or [])]:
            steps = block.get("steps") or []
            for step, following in itertools.pairwise(steps):
                if "intent" in step and "action" in following:
                    pairs.add((step["intent"], following["action"]))
    return pairs


def test_every_topic_intent_action_and_form_is_in_the_domain() -> None:
    d = domain()
    for topic in registry().topics:
        if topic.intent:
            assert topic.intent in d["intents"], topic.key
        if topic.question_intent:
            assert topic.question_intent in d["intents"], topic.key
        if topic.action:
            assert topic.action in d["actions"], topic.key
        if topic.form:
            assert topic.form in d["forms"], topic.key


def test_a_rule_answers_each_topic_intent_with_its_action() -> None:
    pairs = _rule_pairs()
    for topic in registry().topics:
        for intent in {topic.intent, topic.question_intent} - {None}:
            if topic.action:
                assert (intent, topic.action) in pairs, topic.key


def test_topic_keys_and_menu_labels_are_unique() -> None:
    topics = registry().topics
    keys = [t.key for t in topics]
    assert len(keys) == len(set(keys))
    labels = [label for label, _ in registry().menu]
    assert len(labels) == len(set(labels)) and len(labels) >= 4
