"""Top-1 / top-3 hit rates of the item search on the held-out retrieval set.

bench/data/retrieval_set.yaml holds everyday descriptions, each with the reference item(s)
it should find. Nothing here feeds back into the search settings (those are tuned on
bench/data/search_dev.yaml). Results go to bench/RESULTS.md.

Run: make eval  (or .venv/bin/python -m bench.eval_retrieval)
"""

from __future__ import annotations

import datetime as dt
import sys

from bench.common import load_queries, ref_code, seeded_db
from bench.results import update_section
from knowledge.db import session_scope
from knowledge.search import MIN_SCORE, search_items


def evaluate() -> dict[str, object]:
    queries = load_queries("retrieval_set.yaml")
    top1 = top3 = empty = 0
    misses: list[str] = []  # kept for a debugger, never printed
    with seeded_db() as url, session_scope(url) as session:
        for query in queries:
            expected = {ref_code(r) for r in query["expected"]}
            codes = [item.code for item, _ in search_items(session, query["q"], limit=3)]
            empty += not codes
            top1 += bool(codes) and codes[0] in expected
            hit3 = bool(expected & set(codes))
            top3 += hit3
            if not hit3:
                misses.append(f"{query['q']} → {codes or '无结果'}（应为 {sorted(expected)}）")
    n = len(queries)
    return {"n": n, "top1": top1 / n, "top3": top3 / n, "empty": empty, "misses": misses}


def main() -> int:
    r = evaluate()
    lines = [
        f"Measured {dt.date.today().isoformat()} on the seed knowledge base (72 reference items).",
        "",
        f"- Queries: {r['n']} everyday descriptions in `bench/data/retrieval_set.yaml`.",
        f"- **Top-1 hit rate: {r['top1']:.1%}**; **top-3 hit rate: {r['top3']:.1%}** "
        f"(threshold {MIN_SCORE}; {r['empty']} queries returned nothing).",
        f"- Queries whose expected item was not in the top 3: {len(r['misses'])} (not listed "
        "here, so that the held-out set does not turn into a tuning set).",
        "",
        "Command: `make eval` (runs `python -m bench.eval_retrieval`).",
    ]
    update_section("retrieval", "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
