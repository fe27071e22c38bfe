"""Texts the actions compute from the knowledge base (fixed replies are domain responses in
bot/domain, facts are in the knowledge base)."""

from __future__ import annotations

from knowledge.texts import HOTLINE

SOURCE_PREFIX = "依据："
BUTTON_TITLE_MAX = 24

RELATED_ITEM = "相关事项：{behavior}"

# Item candidates when none is sure (utter_item_choices; the buttons open each card).
ITEM_CHOICE_LINE = "{n}. {behavior}（{basis}）"

# A service channel in a handoff or report reply (utter_request_human / utter_report_issue), and
# the one line left when staff have switched every channel off.
CHANNEL_LINE = "{n}. {text}"
CHANNEL_FALLBACK = f"拨打{HOTLINE}"

# Follow-up buttons under an item card: (title, text sent).
FOLLOW_UP_BUTTONS = (
    ("罚多少钱？", "罚多少钱？"),
    ("依据是哪条？", "依据是哪条？"),
    ("第二次还能不罚吗？", "那第二次呢？"),
)
