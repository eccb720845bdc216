"""Generated workflows for the designer benchmarks: shaped like real ones, as large as asked.

A main flow of blocks, each a Task (with Retry and a Catch to a shared failure handler), a
Choice whose rules fan out to two or three branch Tasks that join again, now and then a Wait,
a retry loop back to an earlier state, a Parallel of two short branches or a Map over items.
The last block ends in a Succeed; the failure handler notifies and ends in a Fail.

Run as a script to write one:  python benchmarks/designer_graphs.py 500 > big.asl.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

LAMBDA = "arn:aws:states:::lambda:invoke"


def _task(name: str, nxt: str, catch: bool = True) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": LAMBDA,
        "Parameters": {"FunctionName": f"fn-{name.lower()}", "Payload.$": "$"},
        "ResultPath": f"$.{name}",
        "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3}],
        "Next": nxt,
    }
    if catch:
        state["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "HandleFailure"}]
    return state


def _branch(prefix: str) -> dict[str, Any]:
    return {
        "StartAt": f"{prefix}A",
        "States": {
            f"{prefix}A": {
                "Type": "Task",
                "Resource": LAMBDA,
                "Parameters": {"FunctionName": f"fn-{prefix.lower()}", "Payload.$": "$"},
                "Next": f"{prefix}B",
            },
            f"{prefix}B": {"Type": "Pass", "End": True},
        },
    }


def workflow(count: int) -> dict[str, Any]:
    """A definition of about `count` states (nested ones included), valid ASL."""
    states: dict[str, Any] = {}
    block = 0
    while count_states({"States": states}) < count - 3:  # the failure handler, Fail, Succeed
        b = block
        first, follow = f"Step{b}", f"Step{b + 1}"
        fan = 2 + b % 2
        states[first] = _task(first, f"Check{b}")
        rules = [
            {"Variable": f"$.{first}.kind", "StringEquals": f"k{k}", "Next": f"Do{b}x{k}"}
            for k in range(fan - 1)
        ]
        states[f"Check{b}"] = {"Type": "Choice", "Choices": rules, "Default": f"Do{b}x{fan - 1}"}
        join = f"Join{b}"
        for k in range(fan):
            states[f"Do{b}x{k}"] = _task(f"Do{b}x{k}", join, catch=k == 0)
        after = follow
        if b % 5 == 4:
            states[f"Fan{b}"] = {
                "Type": "Parallel",
                "Branches": [_branch(f"P{b}L"), _branch(f"P{b}R")],
                "Next": follow,
            }
            after = f"Fan{b}"
        if b % 4 == 3:
            states[f"Wait{b}"] = {"Type": "Wait", "Seconds": 5, "Next": after}
            after = f"Wait{b}"
        if b % 6 == 5:  # a retry loop: go back to the block's first state now and then
            states[join] = {
                "Type": "Choice",
                "Choices": [{"Variable": "$.again", "BooleanEquals": True, "Next": first}],
                "Default": after,
            }
        else:
            states[join] = {"Type": "Pass", "Next": after}
        block += 1
    end = f"Step{block}"  # the block that was not made: its arrows go to the Succeed instead
    for state in states.values():
        for holder in [state, *state.get("Choices", [])]:
            for key in ("Next", "Default"):
                if holder.get(key) == end:
                    holder[key] = "Done"
    states["Done"] = {"Type": "Succeed"}
    states["HandleFailure"] = _task("HandleFailure", "Failed", catch=False)
    states["Failed"] = {"Type": "Fail", "Error": "WorkflowFailed", "Cause": "a step failed"}
    return {"Comment": f"A generated workflow of about {count} states", "StartAt": "Step0", "States": states}


def count_states(definition: dict[str, Any]) -> int:
    total = 0
    for state in definition["States"].values():
        total += 1
        for branch in state.get("Branches", []):
            total += count_states(branch)
    return total


def print_table(states: list[int], top: list[int], rows: list[tuple[str, list[float]]]) -> None:
    """Figures per graph size side by side, each with its ratio to the previous size's figure
    (next to the ratio of the sizes themselves: a figure growing faster than those is superlinear)."""

    def cells(values: list[float], number: str) -> str:
        out = ""
        for i, value in enumerate(values):
            ratio = f"x{value / values[i - 1]:.2f}" if i and values[i - 1] > 0 else ""
            out += f"{value:>10{number}} {ratio:<6}"
        return out

    print(f"  {'states':<20}" + cells([float(n) for n in states], ",.0f"))
    print(f"  {'  at top level':<20}" + cells([float(n) for n in top], ",.0f"))
    for name, values in rows:
        print(f"  {name:<20}" + cells(values, ".1f"))


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    json.dump(workflow(n), sys.stdout, indent=2)
    sys.stdout.write("\n")
