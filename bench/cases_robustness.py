"""Malformed and hostile input (issue 6): how many corpus inputs were tried and how many were handled.

The corpus is tests/corpus (build.py makes the inputs, harness.py judges them, the same checker
tests/test_corpus.py uses). "Handled" means a clear one-line error or a correct result, within 5 s, with
nothing written outside the input's folder. These are counts, not timings: the corpus runs once.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from bench.core import Case

TESTS = Path(__file__).resolve().parents[1] / "tests"


@functools.cache
def outcomes() -> tuple:
    """Every corpus input run through its parser once (shared by both figures)."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from corpus import harness

    try:
        results = tuple(harness.run_all())
    finally:
        harness.stop_worker()
    for group, row in harness.summary(list(results)).items():
        print(f"  {row['label']}: {row['handled']} of {row['tried']} handled", file=sys.stderr)
    for o in results:
        if not o.handled:
            print(f"  not handled: {o.id}: {o.detail[:160]}", file=sys.stderr)
    return results


CASES = [
    Case("fuzz_inputs_tried", "Malformed and hostile inputs tried (tests/corpus: TOML, control lines, GeoJSON, "
         "GeoPackage, zipped Shapefile, KML, app uploads, CLI)", "count", lambda: len(outcomes()), repeat=1,
         target="≥ 200"),
    Case("fuzz_inputs_handled", "… of which handled: a clear one-line error or a correct result within 5 s, "
         "nothing written outside the input's folder", "count", lambda: sum(o.handled for o in outcomes()),
         repeat=1, target="all tried"),
]
