"""Fuzz every parser and run / test-state / put-events for as long as you like.

    .venv/bin/python scripts/fuzz_reliability.py [--examples N] [--cli-examples M] [--seed S]

Runs the targets of `tests/reliability/fuzz_targets.py` (the suite runs the same ones on a short
budget): N generated inputs for each parser, M for each command. Prints how many inputs each
target ran without a failure, then each distinct failure with a sample; exits 1 when there was one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "reliability"))
sys.path.insert(0, str(REPO))

import fuzz_targets as targets  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _probe(tally: targets.Tally, name: str, check: Any, strategy: Any, examples: int, at: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def probe(sample: Any) -> None:
        tally.record(name, sample, check)

    seed(at)(probe)()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="inputs per parser (default 5000)")
    parser.add_argument("--cli-examples", type=int, default=300, help="inputs per command (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tally = targets.Tally()
    folder = Path(tempfile.mkdtemp(prefix="statecanvas-fuzz-"))
    machines = targets.machine_files(folder)
    paths = sorted(machines.values())
    n, m = args.examples, args.cli_examples
    plan = [
        ("strict json", targets.strict_json, targets.json_texts, n),
        ("definition loader", targets.definition_loader, targets.yaml_texts, n),
        ("jsonpath", targets.jsonpath, targets.path_texts, n),
        ("intrinsic parser", targets.intrinsic, targets.intrinsic_texts, n),
        ("user regex", targets.user_regex, targets.regex_texts, n),
        ("StringMatches", targets.string_matches, st.tuples(targets.subjects, targets.wildcards), n),
        ("ArrayUnique", targets.array_unique, st.lists(targets.json_values, max_size=12), n),
        ("event pattern", targets.event_pattern, st.tuples(targets.pattern_values, targets.json_values), n),
        ("filter policy", targets.filter_policy, st.tuples(targets.pattern_values, targets.json_values), n),
        (
            "run",
            targets.cli_run,
            st.tuples(st.sampled_from(sorted(machines.values())), targets.json_texts),
            m,
        ),
        (
            "test-state",
            targets.cli_test_state,
            st.tuples(st.sampled_from(paths), targets.json_texts, targets.json_texts),
            m,
        ),
        ("put-events", targets.cli_put_events, targets.json_texts, max(1, m // 3)),
    ]
    started = time.monotonic()
    for name, check, strategy, examples in plan:
        _probe(tally, name, check, strategy, examples, args.seed)
        failed = sum(1 for f in tally.failures if f[0] == name)
        print(
            f"  {name:18} {tally.ran[name]:7} inputs, {tally.ran[name] - failed:7} without a failure",
            flush=True,
        )
    print(f"{sum(tally.ran.values())} inputs in {time.monotonic() - started:.0f} s")
    seen: set[tuple[str, str]] = set()
    for target, error, sample in tally.failures:
        if (target, error[:80]) in seen:
            continue
        seen.add((target, error[:80]))
        print(f"\n{target}: {error}\n  {json.dumps(sample, ensure_ascii=True, default=str)[:600]}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
