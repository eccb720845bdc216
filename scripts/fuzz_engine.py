"""Fuzz the engine for as long as you like: generated definitions that validate must never raise.

    .venv/bin/python scripts/fuzz_engine.py [--examples N] [--seed S] [--no-export]

Draws definitions and inputs with the strategies the suite's property test uses
(`tests/asl/definition_strategies.py`) and runs the same checks (`tests/asl/never_raises_targets.py`):
validate each, read its YAML form back, and run the accepted ones, test-state each of their states,
export them to ASL and CloudFormation and run them through the command line. Prints how many inputs
each target ran and every failure (an exception out of the engine, an unexpected exit status, or a
failure only the interpreter's last line of defence caught); exits 1 when there was one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "asl"))
sys.path.insert(0, str(REPO))

from definition_strategies import definitions, inputs  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from never_raises_targets import Tally, check_definition  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="definitions to draw (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--no-export", action="store_true", help="skip the export targets (faster)")
    args = parser.parse_args(argv)
    tally = Tally()

    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(definitions(), inputs(), st.integers(0, 9))
    def probe(definition: dict, data: object, pick: int) -> None:
        check_definition(definition, data, tally, export=not args.no_export and pick < 3)

    started = time.monotonic()
    seed(args.seed)(probe)()
    elapsed = time.monotonic() - started
    print(f"{sum(tally.ran.values())} checks in {elapsed:.0f} s")
    targets = (
        "validate",
        "yaml round trip",
        "run",
        "test-state",
        "export asl",
        "export cloudformation",
        "cli run",
        "cli test-state",
    )
    for target in targets:
        failed = sum(1 for f in tally.failures if f[0] == target)
        print(f"  {target:22} {tally.ran[target]:7} inputs, {tally.ran[target] - failed:7} without a failure")
    seen: set[tuple[str, str]] = set()
    for target, error, sample in tally.failures:
        if (target, error[:80]) in seen:
            continue
        seen.add((target, error[:80]))
        print(f"\n{target}: {error}\n  {json.dumps(sample, ensure_ascii=True, default=str)[:600]}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
