"""Reading `rasa data validate`'s findings, and the held-out set a model is measured on."""

from __future__ import annotations

from pathlib import Path

from wxbot import checks
from wxbot.rasa import BOT_DIR

SENT_BY_ACTION = (
    "UserWarning: The utterance 'utter_request_human' is not used in any story or rule."
)
UNUSED = "UserWarning: The utterance 'utter_nobody_sends_this' is not used in any story or rule."
DUPLICATE = (
    "UserWarning: The example '你好' was found labeled with multiple different intents in the "
    "training data."
)


def test_only_real_problems_are_reported() -> None:
    output = "\n".join(["INFO validating", SENT_BY_ACTION, UNUSED, DUPLICATE])
    problems = checks.validation_problems(0, output, BOT_DIR)
    assert problems == [
        UNUSED.removeprefix("UserWarning: "),
        DUPLICATE.removeprefix("UserWarning: "),
    ]
    assert checks.validation_problems(0, f"INFO ok\n{SENT_BY_ACTION}", BOT_DIR) == []


def test_a_failing_validation_is_a_problem_even_without_warnings() -> None:
    output = "2026-12-02 ERROR rasa.shared.utils.io - Failed to read 'data/nlu/generated.yml'"
    assert checks.validation_problems(1, output, BOT_DIR) == [output]


def test_the_held_out_set_leaves_out_what_the_model_was_trained_on(tmp_path: Path) -> None:
    bot = tmp_path / "bot"
    (bot / "data").mkdir(parents=True)
    pairs = checks.examples(checks.HELDOUT)
    intent, text = pairs[0]
    checks.write_nlu([(intent, text)], bot / "data" / "staff.yml")
    kept, dropped = checks.unseen(checks.HELDOUT, bot)
    assert dropped == 1 and (intent, text) not in kept and len(kept) == len(pairs) - 1
