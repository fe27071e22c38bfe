"""Texts the actions compute from the knowledge base (fixed replies are domain responses in
bot/domain, facts are in the knowledge base)."""

from __future__ import annotations

SOURCE_PREFIX = "依据："
BUTTON_TITLE_MAX = 24

RELATED_ITEM = "相关事项：{behavior}"

# Item candidates when none is sure (utter_item_choices; the buttons open each card).
ITEM_CHOICE_LINE = "{n}. {behavior}（{basis}）"

# Follow-up buttons under an item card: (title, text sent).
FOLLOW_UP_BUTTONS = (
    ("罚多少钱？", "罚多少钱？"),
    ("依据是哪条？", "依据是哪条？"),
    ("第二次还能不罚吗？", "那第二次呢？"),
)
