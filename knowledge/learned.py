"""A linear classifier over the stored phrasings (item aliases, FAQ questions): the learned
signal of the search.

Trained from the knowledge base itself when a search index is built (well under a second for
a few thousand phrasings on one core), so a phrasing staff add in the console counts at once,
without retraining Rasa. Features: TF-IDF of character 1–3-grams (typos, words split
differently) and of the analyzer's content words; scikit-learn's logistic regression gives
each document a score for the query. A linear SVM (one-vs-rest) fits in about a second where
logistic regression took about twenty on the 3,000 item aliases, with the same dev accuracy;
its margin is squashed to 0–1 with a logistic curve (0.5 on the margin).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from knowledge.text import search_text

# Regularisation, and the steepness of the margin's squashing; chosen on
# bench/data/items_dev.yaml (bench/RESULTS.md, "Answering service").
C = 1.0
STEEPNESS = 3.0


class PhrasingClassifier:
    def __init__(self, phrasings: Sequence[Sequence[str]], words: Callable[[str], list[str]]):
        """`phrasings[i]`: the phrasings of document i; `words`: the content-word analyzer."""
        texts = [p for doc in phrasings for p in doc]
        labels = [i for i, doc in enumerate(phrasings) for _ in doc]
        self.n_docs = len(phrasings)
        self._features = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char",
                        ngram_range=(1, 3),
                        sublinear_tf=True,
                        preprocessor=search_text,
                    ),
                ),
                ("words", TfidfVectorizer(analyzer=words, sublinear_tf=True)),
            ]
        )
        self._model = LinearSVC(C=C)
        self._model.fit(self._features.fit_transform(texts), labels)
        self._columns = np.asarray(self._model.classes_, dtype=int)

    def probabilities(self, query: str) -> np.ndarray:
        """The score of each document (in document order) for the query, 0–1."""
        margins = np.asarray(self._model.decision_function(self._features.transform([query])))
        # With two classes sklearn gives one margin (for the second class).
        margins = margins[0] if margins.ndim == 2 else np.array([-margins[0], margins[0]])
        result = np.zeros(self.n_docs)
        result[self._columns] = 1.0 / (1.0 + np.exp(-STEEPNESS * margins))
        return result


def trainable(phrasings: Sequence[Sequence[str]]) -> bool:
    """A classifier needs at least two documents with phrasings."""
    return sum(1 for doc in phrasings if doc) >= 2
