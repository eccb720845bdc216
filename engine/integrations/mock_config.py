"""Mocked service responses in the Step Functions Local mock-config format.

    {"StateMachines": {"Orders": {"TestCases": {"HappyPath": {"ChargeCustomer": "ChargeOk"}}}},
     "MockedResponses": {"ChargeOk": {"0": {"Return": {...}},
                                      "1-2": {"Throw": {"Error": "E", "Cause": "C"}}}}}

A test case maps state names to mocked responses; a response maps invocation numbers (or
ranges "1-2") of that state to a Return value or a Throw. Invocations are counted per state
over the whole execution, retries included, as Step Functions Local counts them.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.integrations.request import TaskError
from engine.strict_json import JsonInputError, loads_strict, read_limited


class MockConfigError(ValueError):
    """A mock configuration that cannot be used, with where the problem is."""


@dataclass
class MockedResponse:
    ranges: list[tuple[int, int, dict[str, Any]]]

    def answer(self, invocation: int) -> dict[str, Any] | None:
        for low, high, outcome in self.ranges:
            if low <= invocation <= high:
                return outcome
        return None


@dataclass
class MockConfig:
    """Responses for the states of one test case."""

    responses: dict[str, MockedResponse] = field(default_factory=dict)  # state name -> response
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, source: str | Path | dict[str, Any], *, state_machine: str, test_case: str) -> MockConfig:
        data = _read(source)
        machines = data.get("StateMachines") or {}
        if state_machine not in machines:
            raise MockConfigError(f"StateMachines has no entry for {state_machine!r}")
        cases = (machines[state_machine] or {}).get("TestCases") or {}
        if test_case not in cases:
            raise MockConfigError(f"StateMachines/{state_machine}/TestCases has no test case {test_case!r}")
        mocked = data.get("MockedResponses") or {}
        config = cls()
        for state_name, response_name in cases[test_case].items():
            if response_name not in mocked:
                raise MockConfigError(
                    f"StateMachines/{state_machine}/TestCases/{test_case}/{state_name} names the mocked "
                    f"response {response_name!r}, which MockedResponses does not define"
                )
            config.responses[state_name] = parse_response(
                mocked[response_name], f"MockedResponses/{response_name}"
            )
        return config

    @classmethod
    def from_sequences(
        cls, outcomes: dict[str, list[dict[str, Any]]], *, repeat_last: bool = False
    ) -> MockConfig:
        """Responses given as one list of outcomes (Return/Throw objects) per state; with
        `repeat_last`, the last outcome answers every invocation after it (as a range "n-" would)."""
        config = cls()
        for state_name, items in outcomes.items():
            config.responses[state_name] = sequence_response(items, repeat_last=repeat_last)
        return config

    def has(self, state_name: str) -> bool:
        return state_name in self.responses

    def next_outcome(self, state_name: str) -> Any:
        """The mocked result of this state's next invocation, or TaskError for a Throw."""
        invocation = self.counts.get(state_name, 0)
        self.counts[state_name] = invocation + 1
        return _outcome(self.responses[state_name].answer(invocation), state_name, invocation)


def _outcome(outcome: dict[str, Any] | None, state_name: str, invocation: int) -> Any:
    if outcome is None:
        raise TaskError(
            "States.Runtime",
            f"No mocked response for invocation {invocation} of state '{state_name}'",
        )
    if "Throw" in outcome:
        throw = outcome["Throw"] or {}
        raise TaskError(throw.get("Error", "States.TaskFailed"), throw.get("Cause"))
    return copy.deepcopy(outcome.get("Return"))  # a run never edits the saved mock


def sequence_response(items: list[dict[str, Any]], *, repeat_last: bool = False) -> MockedResponse:
    """Invocation i answered by items[i]; with `repeat_last`, the last item answers the rest too."""
    ranges = [(i, i, item) for i, item in enumerate(items)]
    if repeat_last and ranges:
        low, _, last = ranges[-1]
        ranges[-1] = (low, sys.maxsize, last)
    return MockedResponse(ranges)


def outcome_problem(outcome: Any) -> str | None:
    """Why `outcome` is not a mocked response (`{"Return": value}` or `{"Throw": {"Error", "Cause"}}`),
    or None when it is one."""
    if not isinstance(outcome, dict):
        return 'a mocked response is an object: {"Return": value} or {"Throw": {"Error": ..., "Cause": ...}}'
    keys = set(outcome)
    if keys == {"Return"}:
        return None
    if keys != {"Throw"}:
        extra = sorted(keys - {"Return", "Throw"})
        if extra:
            return f"a mocked response holds Return or Throw, not {', '.join(extra)}"
        return "a mocked response holds either Return or Throw, not both"
    throw = outcome["Throw"]
    if not isinstance(throw, dict):
        return 'Throw is an object: {"Error": "MyError", "Cause": "why"}'
    unknown = sorted(set(throw) - {"Error", "Cause"})
    if unknown:
        return f"Throw holds Error and Cause, not {', '.join(unknown)}"
    if not isinstance(throw.get("Error"), str) or not throw["Error"].strip():
        return "Throw needs an Error name (a non-empty string)"
    if "Cause" in throw and not isinstance(throw["Cause"], str):
        return "Throw's Cause is a string"
    return None


class SavedMocks:
    """Mocked results saved in a project, per state machine and state: each state's list of
    outcomes answers its invocations in order, the last one repeating.

    Invocations are counted per execution and state (retries included), as Step Functions Local
    counts them, so two executions of a machine each start from the first outcome, and a
    machine's mocks never answer a state of the same name in another machine."""

    def __init__(self, by_machine: dict[str, dict[str, list[dict[str, Any]]]] | None = None) -> None:
        self.responses: dict[tuple[str, str], MockedResponse] = {
            (machine, state): sequence_response(items, repeat_last=True)
            for machine, states in (by_machine or {}).items()
            for state, items in states.items()
            if items
        }
        self.counts: dict[tuple[str, str], int] = {}

    def has(self, machine: str, state_name: str) -> bool:
        return (machine, state_name) in self.responses

    def next_outcome(self, machine: str, state_name: str, execution_arn: str) -> Any:
        """The mocked result of this state's next invocation in this execution, or TaskError."""
        key = (execution_arn, state_name)
        invocation = self.counts.get(key, 0)
        self.counts[key] = invocation + 1
        return _outcome(self.responses[(machine, state_name)].answer(invocation), state_name, invocation)


def parse_response(raw: Any, where: str) -> MockedResponse:
    if not isinstance(raw, dict):
        raise MockConfigError(f"{where} must be an object of invocation ranges")
    ranges = []
    for key, outcome in raw.items():
        low_text, _, high_text = str(key).partition("-")
        try:
            low = int(low_text)
            high = int(high_text) if high_text else low
        except ValueError:
            raise MockConfigError(f"{where}/{key}: an invocation range is a number or 'from-to'") from None
        if not isinstance(outcome, dict) or not ({"Return", "Throw"} & set(outcome)):
            raise MockConfigError(f"{where}/{key} must hold Return or Throw")
        ranges.append((low, high, outcome))
    return MockedResponse(sorted(ranges, key=lambda r: r[0]))


# StateCanvas's own bound on a mock config file (AWS has none: Step Functions Local reads it).
_MAX_MOCK_BYTES = 16 * 1_048_576


def _read(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    if isinstance(source, dict):
        return source
    try:
        if isinstance(source, Path):  # bounded: a mock config is no place for gigabytes
            text = read_limited(str(source), limit=_MAX_MOCK_BYTES, what="a mock config", bound="16 MiB")
        else:
            text = source
        data = loads_strict(text, "mock config")
    except JsonInputError as exc:
        raise MockConfigError(str(exc)) from None
    if not isinstance(data, dict):
        raise MockConfigError("mock config must be a JSON object")
    return data
