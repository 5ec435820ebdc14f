"""Print success@1, success@3, MRR and nDCG@10 for tests/relevance/queries.tsv, and the misses.

    python bench/relevance.py [--content content] [--queries tests/relevance/queries.tsv]

Builds the guide into a temporary index, so it measures the pages as they are now.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from judged import evaluate, evaluate_safety, load_queries, load_safety_cases

from guide_site.settings import load_settings
from guide_site.state import AppState
from indexer.build import build_index

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--queries", type=Path, default=ROOT / "tests/relevance/queries.tsv")
    parser.add_argument("--safety", type=Path, default=ROOT / "tests/relevance/safety.tsv")
    parser.add_argument("--show", type=int, default=3, help="list queries ranked worse than this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as index_dir:
        build_index(args.content, Path(index_dir))
        state = AppState(load_settings().with_paths(args.content, Path(index_dir)))
        report = evaluate(state.search_context(), load_queries(args.queries))
        safety = evaluate_safety(state.search_context(), load_safety_cases(args.safety))
        state.close()
    print(f"queries      {len(report.outcomes)}")
    print(f"success@1    {report.success_at_1:.3f}")
    print(f"success@3    {report.success_at_3:.3f}")
    print(f"MRR          {report.mrr:.3f}")
    print(f"nDCG@10      {report.ndcg_at_10:.3f}")
    by_kind = defaultdict(list)
    for outcome in report.outcomes:
        by_kind[outcome.judged.kind].append(outcome)
    for kind, outcomes in sorted(by_kind.items()):
        hits = sum(1 for o in outcomes if o.rank == 1)
        print(f"  {kind:<13} {hits}/{len(outcomes)} first")
    misses = report.misses(args.show)
    if misses:
        print(f"\nranked worse than {args.show}:")
    for outcome in misses:
        rank = outcome.rank or "-"
        print(f"  [{rank}] {outcome.judged.query!r} wants {outcome.judged.expected[0]};"
              f" got {outcome.ranked[:3]}")
    print(f"\nsafety notices ({args.safety.name})")
    print(f"urgent caught        {safety.caught:.3f} of {len(safety.urgent)}"
          " (the right kind of notice)")
    print(f"false alarms         {safety.false_alarms:.3f} of {len(safety.ordinary)}"
          " ordinary searches")
    for outcome in safety.misses():
        wanted = " or ".join(outcome.case.expected) or "no notice"
        print(f"  {outcome.case.query!r} wants {wanted}; got {outcome.got or 'no notice'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
