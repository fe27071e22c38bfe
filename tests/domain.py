"""The Rasa domain as the tests see it: slots, forms and the responses the actions name,
rendered the way Rasa's templated NLG does (first variation, {slot} and {kwarg} filled)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from wxbot.rasa import BOT_DIR


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    merged: dict[str, Any] = {
        "slots": {},
        "forms": {},
        "responses": {},
        "actions": [],
        "intents": [],
    }
    for path in sorted((BOT_DIR / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("slots", "forms", "responses"):
            merged[key].update(data.get(key) or {})
        merged["actions"] += data.get("actions") or []
        merged["intents"] += [
            i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []
        ]
    return merged


# The keys of a rasa-sdk dispatcher message that are not template values.
_MESSAGE_KEYS = {
    "text",
    "buttons",
    "elements",
    "custom",
    "template",
    "response",
    "image",
    "attachment",
}


def _fill(template: str, values: dict[str, Any]) -> str:
    # Rasa's interpolator: every {name} must be known, else the text stays as it is.
    names = re.findall(r"{([^\n{}]+?)}", template)
    if any(n not in values for n in names):
        return template
    return re.sub(r"{([^\n{}]+?)}", lambda m: str(values[m.group(1)]), template)


def render(message: dict[str, Any], slots: dict[str, Any] | None = None) -> dict[str, Any]:
    """A dispatcher message with its `response` turned into text and buttons."""
    name = message.get("response")
    if not name:
        return message
    variation = domain()["responses"][name][0]
    kwargs = {k: v for k, v in message.items() if k not in _MESSAGE_KEYS}
    values = {**(slots or {}), **kwargs}
    custom = _fill_all(variation.get("custom"), values)
    return {
        **message,
        "text": _fill(variation.get("text", ""), values),
        "buttons": [
            *(variation.get("buttons") or []),
            *((custom or {}).get("buttons") or []),
            *(message.get("buttons") or []),
        ],
        **({"custom": custom} if custom else {}),
    }


def _fill_all(value: Any, values: dict[str, Any]) -> Any:
    """Every string of a `custom` payload filled, as Rasa's interpolator does."""
    if isinstance(value, str):
        return _fill(value, values)
    if isinstance(value, list):
        return [_fill_all(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill_all(v, values) for k, v in value.items()}
    return value
