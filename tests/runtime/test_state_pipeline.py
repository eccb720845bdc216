"""The data-flow pipeline every state entry runs, its observer, Retry and Catch, and ARN spelling.

TestState shows the value after each step through the observer a StateRun carries, so these
check that the observer sees exactly the steps (and values) a run computes, and that a run
without one computes the same output.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest

from engine.integrations import ServiceRegistry
from engine.runtime import arns
from engine.runtime.clock import VirtualClock
from engine.runtime.env import ExecutionEnv, ExecutionInfo, Frame
from engine.runtime.errors import TASK_FAILED, StateFailure
from engine.runtime.history import History
from engine.runtime.interpreter import HANDLERS, Interpreter
from engine.runtime.retry import MAX_RETRY_DELAY, RetryState, backoff_seconds, first_match
from engine.runtime.state_run import StateRun
from engine.runtime.test_state import test_state

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def _state_run(
    state: dict[str, Any], data: Any, observer: Any = None, *, language: str = "JSONPath"
) -> StateRun:
    clock = VirtualClock()
    info = ExecutionInfo(
        execution_arn=arns.execution_arn("us-east-1", "123456789012", "M", "e"),
        name="e",
        state_machine_arn=arns.state_machine_arn("us-east-1", "123456789012", "M"),
        state_machine_name="M",
        role_arn="arn:aws:iam::123456789012:role/R",
        input=data,
        start_time=clock.now(),
        account="123456789012",
        region="us-east-1",
    )
    env = ExecutionEnv(info, clock, History(clock), ServiceRegistry(), query_language=language)
    frame = Frame(variables={"v": 7})
    return StateRun(
        Interpreter(env), env, frame, "S", state, data, 2, clock.now(), language, observer=observer
    )


PASS = {
    "Type": "Pass",
    "InputPath": "$.a",
    "Parameters": {"b.$": "$.b", "v.$": "$v"},
    "ResultSelector": {"c.$": "$.b"},
    "ResultPath": "$.out",
    "OutputPath": "$.out",
    "End": True,
}


def test_the_observer_sees_each_jsonpath_step_in_order() -> None:
    seen: list[tuple[str, Any]] = []
    run = _state_run(PASS, {"a": {"b": 1}}, lambda step, value: seen.append((step, value)))
    result = asyncio.run(HANDLERS["Pass"](run))
    assert result.output == {"c": 1}
    assert seen == [
        ("afterInputPath", {"b": 1}),
        ("afterParameters", {"b": 1, "v": 7}),
        ("afterResultSelector", {"c": 1}),
        ("afterResultPath", {"a": {"b": 1}, "out": {"c": 1}}),
    ]


def test_a_run_without_observer_computes_the_same_output() -> None:
    watched = asyncio.run(HANDLERS["Pass"](_state_run(PASS, {"a": {"b": 1}}, lambda *_: None)))
    plain = asyncio.run(HANDLERS["Pass"](_state_run(PASS, {"a": {"b": 1}})))
    assert (plain.output, plain.next, plain.assigned) == (watched.output, watched.next, watched.assigned)


def test_a_pass_result_is_observed_as_the_result_step() -> None:
    seen: list[str] = []
    state = {"Type": "Pass", "Result": {"r": 1}, "End": True}
    asyncio.run(HANDLERS["Pass"](_state_run(state, {}, lambda step, _: seen.append(step))))
    assert seen == ["afterInputPath", "afterParameters", "result", "afterResultSelector", "afterResultPath"]


def test_states_that_only_filter_their_input_report_it_after_input_path() -> None:
    for state in (
        {"Type": "Succeed", "InputPath": "$.x"},
        {"Type": "Choice", "InputPath": "$.x", "Choices": [], "Default": "D"},
    ):
        seen: list[tuple[str, Any]] = []
        run = _state_run(state, {"x": 1}, lambda step, value, seen=seen: seen.append((step, value)))
        asyncio.run(HANDLERS[state["Type"]](run))
        assert seen == [("afterInputPath", 1)], state["Type"]


def test_a_fail_state_reports_its_input_after_the_default_input_path() -> None:
    seen: list[tuple[str, Any]] = []
    run = _state_run({"Type": "Fail", "Error": "E"}, {"x": 1}, lambda step, value: seen.append((step, value)))
    with pytest.raises(StateFailure):
        asyncio.run(HANDLERS["Fail"](run))
    assert seen == [("afterInputPath", {"x": 1})]


def test_a_catchers_output_goes_through_its_result_path_or_its_jsonata_output() -> None:
    failure = StateFailure("E", "why")
    catcher = {
        "ErrorEquals": ["States.ALL"],
        "ResultPath": "$.err",
        "Assign": {"e.$": "$.Error"},
        "Next": "N",
    }
    caught = _state_run({"Type": "Task"}, {"a": 1}).caught(catcher, failure)
    assert (caught.output, caught.next, caught.assigned) == (
        {"a": 1, "err": {"Error": "E", "Cause": "why"}},
        "N",
        {"e": "E"},
    )
    catcher = {"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput.Cause %}", "Next": "N"}
    caught = _state_run({"Type": "Task"}, {"a": 1}, language="JSONata").caught(catcher, failure)
    assert (caught.output, caught.next, caught.assigned) == ("why", "N", None)


# Retry ------------------------------------------------------------------------------------------


def test_only_the_first_matching_retrier_or_catcher_counts() -> None:
    handlers = [{"ErrorEquals": ["Other"]}, {"ErrorEquals": [TASK_FAILED]}, {"ErrorEquals": ["States.ALL"]}]
    assert first_match(handlers, StateFailure("Boom", "")) == 1
    assert first_match(handlers, StateFailure("Other", "")) == 0
    assert first_match(None, StateFailure("Boom", "")) is None
    spent = RetryState([{"ErrorEquals": ["Boom"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"]}])
    assert spent.next_delay(StateFailure("Boom", ""), random.Random(0)) is None


@pytest.mark.parametrize(
    ("retrier", "attempts", "seconds"),
    [
        ({}, 0, 1.0),
        ({}, 3, 8.0),
        ({"IntervalSeconds": 3, "BackoffRate": 1.5}, 2, 6.75),
        ({"IntervalSeconds": 10, "MaxDelaySeconds": 15}, 4, 15.0),
        ({"IntervalSeconds": 99_999_999, "BackoffRate": 1}, 0, MAX_RETRY_DELAY),
        ({"BackoffRate": 2.0}, 5000, MAX_RETRY_DELAY),  # 2.0**5000 overflows a float
    ],
)
def test_backoff_grows_by_the_rate_up_to_the_ceilings(
    retrier: dict[str, Any], attempts: int, seconds: float
) -> None:
    assert backoff_seconds(retrier, attempts) == seconds
    assert math.isfinite(backoff_seconds(retrier, attempts))


def test_test_state_reports_the_back_off_a_run_would_wait() -> None:
    definition = {
        "Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f",
        "End": True,
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99_999_999, "BackoffRate": 2.0}],
    }
    for count in (3, 5000):  # 5000 retries: a back-off past a year, once an OverflowError
        response = test_state(
            definition,
            {},
            inspection_level="DEBUG",
            mock={"errorOutput": {"error": "E", "cause": "c"}},
            state_configuration={"retrierRetryCount": count},
        )
        assert response["status"] == "RETRIABLE"
        expected = int(backoff_seconds(definition["Retry"][0], count))
        assert response["inspectionData"]["errorDetails"]["retryBackoffIntervalSeconds"] == expected


# ARNs -------------------------------------------------------------------------------------------


def test_arns_are_spelled_as_aws_spells_them() -> None:
    region, account = "eu-west-1", "123456789012"
    assert (
        arns.state_machine_arn(region, account, "M") == "arn:aws:states:eu-west-1:123456789012:stateMachine:M"
    )
    assert (
        arns.execution_arn(region, account, "M", "e") == "arn:aws:states:eu-west-1:123456789012:execution:M:e"
    )
    assert (
        arns.execution_arn(region, account, "M", "e", machine_type="EXPRESS")
        == "arn:aws:states:eu-west-1:123456789012:express:M:e"
    )
    assert (
        arns.map_run_arn(region, account, "M", "L", "id")
        == "arn:aws:states:eu-west-1:123456789012:mapRun:M/L:id"
    )
    assert arns.activity_arn(region, account, "A") == "arn:aws:states:eu-west-1:123456789012:activity:A"
    child = arns.map_run_machine("M", "L")
    assert arns.execution_arn(region, account, child, "c").endswith(":execution:M/L:c")


def test_only_the_arns_module_builds_step_functions_arns() -> None:
    """IAM policy patterns (wildcards over a name prefix) name no resource and stay with the policy."""
    built = re.compile(r"""f["']arn:aws:states:\{""")
    builders = sorted(
        str(path.relative_to(ENGINE))
        for path in ENGINE.rglob("*.py")
        if built.search(path.read_text(encoding="utf-8"))
    )
    assert builders == ["deploy/desired.py"]
