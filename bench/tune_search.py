"""Tune the search weights and threshold on the development data only.

* items: bench/data/search_dev.yaml (descriptions → reference ids, plus queries with no answer);
* FAQ: 4-fold cross-validation over the alternative questions of the seed FAQ (each fold's
  phrasings are removed from the index before they are asked).

The retrieval evaluation sets (bench/data/retrieval_*.yaml) are deliberately not read here.
Run: .venv/bin/python -m bench.tune_search
"""

from __future__ import annotations

import itertools

from bench.common import load_queries, ref_code, seeded_db
from core.db import session_scope
from knowledge import repositories
from knowledge.search import (
    MIN_SCORE,
    W_BM25,
    W_CHARS,
    W_COVERAGE,
    W_NGRAM,
    HybridIndex,
    SearchDoc,
    _item_docs,
    combined,
)

FOLDS = 4


def _rank(signals, weights, keys):  # type: ignore[no-untyped-def]
    scored = sorted(
        ((combined(sig, weights), key) for sig, key in zip(signals, keys, strict=True)),
        reverse=True,
    )
    return scored


def main() -> None:
    with seeded_db() as url, session_scope(url) as session:
        items = HybridIndex(_item_docs(session), question_words=False)
        item_keys = [d.key for d in items.docs]
        code_of = {i.id: i.code for i in repositories.active_items(session)}
        dev = load_queries("search_dev.yaml")
        item_signals = [(q, items.signals(q["q"])) for q in dev]

        faqs = list(repositories.active_faqs(session))
        faq_cases = []  # (signals, keys, expected key)
        for fold in range(FOLDS):
            docs, asked = [], []
            for faq in faqs:
                kept = [p for j, p in enumerate(faq.alt_questions) if j % FOLDS != fold]
                asked += [
                    (p, faq.key) for j, p in enumerate(faq.alt_questions) if j % FOLDS == fold
                ]
                docs.append(
                    SearchDoc(
                        faq.key, f"{faq.question} {faq.answer}", (faq.question, *kept), faq.topic
                    )
                )
            index = HybridIndex(docs)
            keys = [d.key for d in index.docs]
            faq_cases += [(index.signals(p), keys, key) for p, key in asked]

    steps = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    grid = [
        w
        for w in itertools.product(steps, steps, steps, [0.0, 0.1, 0.2])
        if abs(sum(w) - 1.0) < 1e-9
    ]
    results = []
    for weights in grid:
        for threshold in (0.18, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.35):
            top1 = top3 = answerable = nothing_ok = unanswerable = 0
            for q, sig in item_signals:
                ranked = [
                    (s, code_of[k]) for s, k in _rank(sig, weights, item_keys) if s >= threshold
                ]
                expected = {ref_code(r) for r in q["expected"]}
                if not expected:
                    unanswerable += 1
                    nothing_ok += not ranked
                    continue
                answerable += 1
                codes = [c for _, c in ranked]
                top1 += bool(codes[:1]) and codes[0] in expected
                top3 += bool(expected & set(codes[:3]))
            faq_top1 = sum(
                1
                for sig, keys, key in faq_cases
                if (r := _rank(sig, weights, keys)) and r[0][0] >= threshold and r[0][1] == key
            )
            results.append(
                (
                    top3 / answerable
                    + top1 / answerable
                    + nothing_ok / unanswerable
                    + faq_top1 / len(faq_cases),
                    weights,
                    threshold,
                    top1 / answerable,
                    top3 / answerable,
                    nothing_ok / unanswerable,
                    faq_top1 / len(faq_cases),
                )
            )
    results.sort(reverse=True)
    print("total  weights(cov,chars,ngram,bm25) thr  item@1 item@3 none_ok faq@1")
    current = ((W_COVERAGE, W_CHARS, W_NGRAM, W_BM25), MIN_SCORE)
    rows = results[:15]
    rows += [r for r in results[15:] if (r[1], r[2]) == current][:1]
    for total, weights, thr, t1, t3, none_ok, f1 in rows:
        label = "  <- current settings" if (weights, thr) == current else ""
        print(
            f"{total:.3f}  {weights}  {thr:.2f}  {t1:.3f}  {t3:.3f}  {none_ok:.3f}  {f1:.3f}{label}"
        )


if __name__ == "__main__":
    main()
