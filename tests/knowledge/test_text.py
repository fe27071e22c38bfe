from __future__ import annotations

from knowledge.text import clean_text, get_analyzer, search_text


def test_clean_text_strips_markup_and_normalises_width() -> None:
    assert clean_text("<b>ＡＢＣ</b>  你好&amp;") == "ABC 你好&"


def test_search_text_drops_emoji_and_punctuation() -> None:
    assert search_text("狗狗😭没拴绳！！") == "狗狗没拴绳"


def test_synonyms_meet_in_one_word() -> None:
    analyzer = get_analyzer()
    assert "犬" in analyzer.content_words("我家狗狗")
    assert "牵引" in analyzer.content_words("没拴绳")
    assert "综合执法" in analyzer.content_words("城管来了")


def test_topic_of_a_message() -> None:
    analyzer = get_analyzer()
    assert analyzer.topic_of("犬牌丢了要补办吗") == "dog"
    assert analyzer.topic_of("信用中国上还挂着处罚") == "credit_repair"
    assert analyzer.topic_of("今天天气不错") is None
