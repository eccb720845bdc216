"""Mocked service responses in the Step Functions Local mock-config format.

    {"StateMachines": {"Orders": {"TestCases": {"HappyPath": {"ChargeCustomer": "ChargeOk"}}}},
     "MockedResponses": {"ChargeOk": {"0": {"Return": {...}},
                                      "1-2": {"Throw": {"Error": "E", "Cause": "C"}}}}}

A test case maps state names to mocked responses; a response maps invocation numbers (or
ranges "1-2") of that state to a Return value or a Throw. Invocations are counted per state
over the whole execution, retries included, as Step Functions Local counts them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.integrations.request import TaskError


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
    def from_sequences(cls, outcomes: dict[str, list[dict[str, Any]]]) -> MockConfig:
        """Responses given as one list of outcomes (Return/Throw objects) per state."""
        config = cls()
        for state_name, items in outcomes.items():
            config.responses[state_name] = MockedResponse([(i, i, item) for i, item in enumerate(items)])
        return config

    def has(self, state_name: str) -> bool:
        return state_name in self.responses

    def next_outcome(self, state_name: str) -> Any:
        """The mocked result of this state's next invocation, or TaskError for a Throw."""
        invocation = self.counts.get(state_name, 0)
        self.counts[state_name] = invocation + 1
        outcome = self.responses[state_name].answer(invocation)
        if outcome is None:
            raise TaskError(
                "States.Runtime",
                f"No mocked response for invocation {invocation} of state '{state_name}'",
            )
        if "Throw" in outcome:
            throw = outcome["Throw"] or {}
            raise TaskError(throw.get("Error", "States.TaskFailed"), throw.get("Cause"))
        return outcome.get("Return")


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


def _read(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    if isinstance(source, dict):
        return source
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MockConfigError(
            f"mock config is not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise MockConfigError("mock config must be a JSON object")
    return data
