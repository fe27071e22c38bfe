from __future__ import annotations

from knowledge.security import mask_personal_data
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


def test_domain_terms_are_matched() -> None:
    assert get_analyzer().domain_terms("首违不罚和外摆") == ["外摆", "首违不罚"]


def test_topic_of_a_message() -> None:
    analyzer = get_analyzer()
    assert analyzer.topic_of("犬牌丢了要补办吗") == "dog"
    assert analyzer.topic_of("信用中国上还挂着处罚") == "credit_repair"
    assert analyzer.topic_of("今天天气不错") is None


def test_personal_data_is_masked() -> None:
    masked = mask_personal_data("电话13812345678 信用代码91330502MA2B3C4D5E")
    assert "13812345678" not in masked and "138****5678" in masked
    assert "MA2B3C" not in masked


def test_access_log_lines_are_masked() -> None:
    import logging

    from knowledge.security import MaskingFilter

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s"',
        ("127.0.0.1", "GET", "/api/bookings/TJ20261208-0001?phone=13912345678"),
        None,
    )
    MaskingFilter().filter(record)
    line = record.getMessage()
    assert "13912345678" not in line and "139****5678" in line


def test_log_arguments_given_by_name_are_masked() -> None:
    import logging

    from knowledge.security import MaskingFilter

    record = logging.LogRecord(
        "wxbot",
        logging.INFO,
        __file__,
        1,
        "预约人电话 %(phone)s",
        ({"phone": "13912345678"},),
        None,
    )
    MaskingFilter().filter(record)
    assert record.getMessage() == "预约人电话 139****5678"
