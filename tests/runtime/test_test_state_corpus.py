"""TestState against AWS's recorded answers: the corpus's `test_state` cases and its refusals.

Targets: at least 95% of the `kind: test_state` cases (a few depend on masked values) and
every `kind: validation` case whose `expected.api` is `test_state` (AWS's code and exact
message). The figures and every failing case, with its reason, are printed in the summary.

Six recorded requests test a Task with no mock: AWS called a real Lambda function. As the
execution corpus does, those are served by replaying the result AWS recorded for the Task
(from `inspectionData.result`, or the output where nothing reshapes it), so what is measured
is TestState's own work around the call; the figures say how many cases were replayed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.integrations import MockConfig, ServiceRegistry
from engine.runtime.test_state import TestStateError, test_state

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
if CONFORMANCE.is_dir() and str(CONFORMANCE) not in sys.path:
    sys.path.insert(0, str(CONFORMANCE))

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


def test_test_state_corpus(asl_cases: list[dict[str, Any]], report_figure: Any) -> None:
    try:
        from compare import check_test_state
    except ImportError:
        pytest.skip(f"compare.py is not in {CONFORMANCE}; TestState corpus test skipped")
    runs = [c for c in asl_cases if c["kind"] == "test_state"]
    refusals = [
        c for c in asl_cases if c["kind"] == "validation" and c["expected"].get("api") == "test_state"
    ]
    failures: list[str] = []
    passed_runs = passed_refusals = replays = passed_replays = 0
    for case in runs:
        response, refusal, replayed = run_case(case, case.get("test_state_request") or {})
        replays += replayed
        if refusal is not None:
            failures.append(f"{case['_file']}: refused ({refusal})")
            continue
        ok, why = check_test_state(case, response, account=ACCOUNT, region=REGION)
        if ok:
            passed_runs += 1
            passed_replays += replayed
        else:
            failures.append(f"{case['_file']}: {why}")
    for case in refusals:
        expected = case["expected"]
        _, refusal, _ = run_case(case, case.get("api_request") or {})
        if refusal is None:
            failures.append(
                f"{case['_file']}: not refused (AWS: {expected['error_code']}: {expected['message']})"
            )
        elif (refusal.code, refusal.message) != (expected["error_code"], expected["message"]):
            failures.append(
                f"{case['_file']}: refused with {refusal.code}: {refusal.message!r}, AWS said "
                f"{expected['error_code']}: {expected['message']!r}"
            )
        else:
            passed_refusals += 1
    report_figure(
        f"TestState runs: {passed_runs}/{len(runs)} ({passed_runs - passed_replays}/{len(runs) - replays} "
        f"without replaying; {passed_replays}/{replays} replaying the Task result AWS recorded)"
    )
    report_figure(f"TestState refusals: {passed_refusals}/{len(refusals)}")
    for line in failures:
        report_figure(f"  TestState failure: {line}")
    print("\n".join(failures))
    assert passed_runs >= 0.95 * len(runs), f"{passed_runs}/{len(runs)} TestState runs match AWS"
    assert passed_refusals == len(refusals), f"{passed_refusals}/{len(refusals)} TestState refusals match AWS"
