"""TestState against AWS's recorded answers: the corpus's `test_state` cases and its refusals.

Targets: every `kind: test_state` case and every `kind: validation` case whose `expected.api`
is `test_state` (AWS's code and exact message), each its own test. The figures and every
failing case, with its reason, are printed in the summary.

Six recorded requests test a Task with no mock: AWS called a real Lambda function. As the
execution corpus does, those are served by replaying the result AWS recorded for the Task
(from `inspectionData.result`, or the output where nothing reshapes it), so what is measured
is TestState's own work around the call; the figures say how many cases were replayed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from corpus_cases import CONFORMANCE, asl_params, case_id
from figures import Figures

from engine.integrations import MockConfig, ServiceRegistry
from engine.runtime.test_state import TestStateError, test_state

# The recording's account, region and role: compare.py's masking expects them.
ACCOUNT = "111111111111"
REGION = "us-east-1"
ROLE = "arn:aws:iam::111111111111:role/fake-sfn-role"
API_KEYS = {
    "stateName": "state_name",
    "inspectionLevel": "inspection_level",
    "variables": "variables",
    "mock": "mock",
    "context": "context",
    "stateConfiguration": "state_configuration",
    "revealSecrets": "reveal_secrets",
    "roleArn": "role_arn",
}
RESHAPING = ("ResultSelector", "ResultPath", "OutputPath", "Output")


def request_kwargs(request: dict[str, Any]) -> dict[str, Any]:
    """The camelCase API request as `test_state` keyword arguments."""
    kwargs = {API_KEYS[key]: value for key, value in request.items() if key in API_KEYS}
    if "role_arn" in kwargs:
        kwargs["role_arn"] = ROLE
    return kwargs


def recorded_task_result(case: dict[str, Any]) -> tuple[bool, Any]:
    """What the real resource returned in the recording, when the request had no mock."""
    if "mock" in case["test_state_request"] or case["definition"].get("Type") != "Task":
        return False, None
    expected = case["expected"]
    inspection = expected.get("inspectionData") or {}
    if "result" in inspection:
        value = inspection["result"]
        return True, json.loads(value) if isinstance(value, str) else value
    state = case["definition"]
    if expected.get("status") == "SUCCEEDED" and not any(k in state for k in RESHAPING):
        return True, expected.get("output")
    return False, None


def run_case(case: dict[str, Any], request: dict[str, Any]) -> tuple[dict[str, Any] | None, Any, bool]:
    """(response, refusal, replayed) for one corpus case."""
    kwargs = request_kwargs(request)
    replayed = False
    if case["kind"] == "test_state":
        has_result, result = recorded_task_result(case)
        if has_result:
            name = kwargs.get("state_name") or "StateName"
            kwargs["services"] = ServiceRegistry(
                mocks=MockConfig.from_sequences({name: [{"Return": result}]})
            )
            replayed = True
    try:
        return (
            test_state(case["definition"], case.get("input"), account=ACCOUNT, region=REGION, **kwargs),
            None,
            replayed,
        )
    except TestStateError as refusal:
        return None, refusal, replayed


RUNS = asl_params(lambda case: case["kind"] == "test_state")
REFUSALS = asl_params(
    lambda case: case["kind"] == "validation" and case["expected"].get("api") == "test_state"
)
GROUP = "TestState"


def _render(outcomes: list[tuple[str, str | None, bool]]) -> list[str]:
    """(kind, what differs or None, replayed) per case: runs' and refusals' figures, then failures."""
    runs = [(why, replayed) for kind, why, replayed in outcomes if kind == "test_state"]
    refusals = [why for kind, why, _ in outcomes if kind == "validation"]
    passed_runs = sum(1 for why, _ in runs if why is None)
    replays = sum(1 for _, replayed in runs if replayed)
    passed_replays = sum(1 for why, replayed in runs if why is None and replayed)
    passed_refusals = sum(1 for why in refusals if why is None)
    lines = [
        f"TestState runs: {passed_runs}/{len(runs)} ({passed_runs - passed_replays}/{len(runs) - replays} "
        f"without replaying; {passed_replays}/{replays} replaying the Task result AWS recorded)",
        f"TestState refusals: {passed_refusals}/{len(refusals)}",
    ]
    return lines + [f"  TestState failure: {why}" for _, why, _ in outcomes if why is not None]


def _check_test_state() -> Any:
    try:
        from compare import check_test_state  # the corpus's own comparison (on sys.path)
    except ImportError:
        pytest.skip(f"compare.py is not in {CONFORMANCE}; TestState corpus test skipped")
    return check_test_state


@pytest.mark.parametrize("case", RUNS)
def test_test_state_run_matches_aws(case: dict[str, Any], figures: Figures) -> None:
    check_test_state = _check_test_state()
    response, refusal, replayed = run_case(case, case.get("test_state_request") or {})
    why = None
    if refusal is not None:
        why = f"{case['_file']}: refused ({refusal})"
    else:
        ok, difference = check_test_state(case, response, account=ACCOUNT, region=REGION)
        why = None if ok else f"{case['_file']}: {difference}"
    total = len(RUNS) + len(REFUSALS)
    figures.record(GROUP, case_id(case), (case["kind"], why, replayed), render=_render, total=total)
    assert why is None, why


@pytest.mark.parametrize("case", REFUSALS)
def test_test_state_refusal_matches_aws(case: dict[str, Any], figures: Figures) -> None:
    expected = case["expected"]
    _, refusal, _ = run_case(case, case.get("api_request") or {})
    why = None
    if refusal is None:
        why = f"{case['_file']}: not refused (AWS: {expected['error_code']}: {expected['message']})"
    elif (refusal.code, refusal.message) != (expected["error_code"], expected["message"]):
        why = (
            f"{case['_file']}: refused with {refusal.code}: {refusal.message!r}, AWS said "
            f"{expected['error_code']}: {expected['message']!r}"
        )
    total = len(RUNS) + len(REFUSALS)
    figures.record(GROUP, case_id(case), (case["kind"], why, False), render=_render, total=total)
    assert why is None, why
