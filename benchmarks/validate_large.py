"""How long validating, loading and writing a very large state machine takes.

Builds a valid definition of 10,000 states of mixed types (Pass with Parameters, Choice, Task
lambda:invoke with Parameters, Wait; the last one a Succeed) that fits, serialised compactly,
within Step Functions' 1,048,576-character definition limit, then times:

- `engine.validate` on the JSON text (best of 5),
- `engine.load_definition` on the JSON text and `engine.dump_definition` of the model.

Run from the repository root:  .venv/bin/python benchmarks/validate_large.py [--states N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine
from engine.asl import MAX_DEFINITION_LENGTH

KINDS = ("Pass", "Choice", "Task", "Wait")


def name(i: int) -> str:
    return f"S{i}"


def build_definition(count: int) -> dict[str, Any]:
    """`count` states in a chain of mixed types, ending in a Succeed state."""
    states: dict[str, Any] = {}
    for i in range(count - 1):
        nxt = name(i + 1)
        kind = KINDS[i % len(KINDS)]
        if kind == "Pass":
            state: dict[str, Any] = {"Type": "Pass", "Parameters": {"i": i, "v.$": "$.v"}, "Next": nxt}
        elif kind == "Choice":
            state = {
                "Type": "Choice",
                "Choices": [{"Variable": "$.v", "NumericGreaterThan": i, "Next": nxt}],
                "Default": nxt,
            }
        elif kind == "Task":
            state = {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                "ResultPath": "$.r",
                "Next": nxt,
            }
        else:
            state = {"Type": "Wait", "Seconds": 1, "Next": nxt}
        states[name(i)] = state
    states[name(count - 1)] = {"Type": "Succeed"}
    return {"Comment": f"{count} states for the validation benchmark", "StartAt": name(0), "States": states}


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=10_000, help="number of states (default 10000)")
    parser.add_argument("--repeat", type=int, default=5, help="timing runs; the best is shown (default 5)")
    args = parser.parse_args(argv)

    definition = build_definition(args.states)
    text = json.dumps(definition, separators=(",", ":"))
    print(f"states:                   {len(definition['States']):,}")
    print(f"definition size:          {len(text):,} characters compact (limit {MAX_DEFINITION_LENGTH:,})")
    if len(text) > MAX_DEFINITION_LENGTH:
        print("the definition is over the limit; use fewer states", file=sys.stderr)
        return 1

    seconds, diagnostics = best_of(args.repeat, lambda: engine.validate(text))
    if diagnostics:
        print(f"unexpected diagnostics: {diagnostics[:5]}", file=sys.stderr)
        return 1
    print(f"validate (JSON text):     {seconds * 1000:8.1f} ms  (best of {args.repeat})")

    load_seconds, model = best_of(args.repeat, lambda: engine.load_definition(text))
    print(f"load_definition:          {load_seconds * 1000:8.1f} ms  (best of {args.repeat})")
    dump_seconds, dumped = best_of(args.repeat, lambda: engine.dump_definition(model))
    print(f"dump_definition:          {dump_seconds * 1000:8.1f} ms  (best of {args.repeat})")
    print(f"load + dump:              {(load_seconds + dump_seconds) * 1000:8.1f} ms")
    print(f"dumped size:              {len(dumped):,} characters (indented)")
    if json.loads(dumped) != definition:
        print("dump_definition did not round-trip the definition", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
