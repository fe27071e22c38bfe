"""The learned signal ranks the document whose phrasings resemble the query."""

from __future__ import annotations

from knowledge.learned import PhrasingClassifier, trainable


def test_the_classifier_prefers_the_document_people_describe_alike() -> None:
    phrasings = [
        ["遛狗不牵绳", "狗没拴绳", "带狗出门不拴狗绳"],
        ["店门口摆桌子", "出店经营", "桌椅摆到门外"],
        ["烧树叶", "露天焚烧落叶", "院子里烧垃圾"],
    ]
    classifier = PhrasingClassifier(phrasings, lambda text: list(text))
    scores = classifier.probabilities("早上遛狗忘了拴绳")
    assert scores.argmax() == 0
    assert scores.min() >= 0.0 and scores.max() <= 1.0
    assert classifier.probabilities("饭店把桌子摆到门外了").argmax() == 1


def test_one_document_is_not_enough_to_learn_from() -> None:
    assert not trainable([["遛狗不牵绳"], []])
    assert trainable([["遛狗不牵绳"], ["烧树叶"]])
