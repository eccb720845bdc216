"""How a project's Task states are served in local runs: saved mocked results (per machine and
state, in order, the last repeating), project functions' handlers, and built-in services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.integrations.handler_files import (
    HandlerLoadError,
    create_handler_stub,
    load_handler,
    top_level_functions,
)
from engine.project import ProjectError, load_project, project_from_value, project_to_value, save_project
from engine.project.behaviour import task_behaviour, unserved_message
from engine.project.runtime import ProjectRuntime

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
CHARGE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:charge"


def lambda_task(function: str = CHARGE_ARN, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        "End": True,
        **extra,
    }


def machine(state: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "Charge", "States": {"Charge": state}}


def project(**machines: dict[str, Any]) -> dict[str, Any]:
    return {"formatVersion": 1, "stateMachines": machines}


async def run(loaded: Any, name: str, data: Any = None, times: int = 1) -> list[Any]:
    runtime = ProjectRuntime(loaded)
    running = [runtime.start_execution(name, data if data is not None else {"n": 1}) for _ in range(times)]
    await runtime.settle()
    results = [await r.task for r in running]
    await runtime.close()
    return results


# Saved mocks ------------------------------------------------------------------------------------


async def test_a_saved_mock_answers_the_task_and_stays_with_its_machine() -> None:
    value = project(
        Orders={"definition": machine(lambda_task()), "mocks": {"Charge": [{"Return": {"paid": True}}]}},
        Refunds={"definition": machine(lambda_task())},
    )
    loaded = project_from_value(value)
    (orders,) = await run(loaded, "Orders")
    assert (orders.status, orders.output) == ("SUCCEEDED", {"paid": True})
    (refunds,) = await run(loaded, "Refunds")  # a state of the same name in another machine
    assert refunds.status == "FAILED"
    assert refunds.error == "Lambda.ResourceNotFoundException"


async def test_mocked_responses_answer_in_order_the_last_repeating_counted_per_execution() -> None:
    retry = [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 5}]
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage",  # a mock wins over the built-in service
        "Parameters": {"QueueUrl": "q", "MessageBody.$": "$"},
        "Retry": retry,
        "End": True,
    }
    mocks = [
        {"Throw": {"Error": "Busy", "Cause": "try again"}},
        {"Return": {"first": 1}},
        {"Return": {"n": 2}},
    ]
    flow = {
        "StartAt": "Charge",
        "States": {
            "Charge": {**state, "End": None, "Next": "Again"},
            "Again": {"Type": "Pass", "Next": "ChargeAgain"},
            "ChargeAgain": {**state, "Retry": retry},
        },
    }
    flow["States"]["Charge"].pop("End")
    value = project(M={"definition": flow, "mocks": {"Charge": mocks, "ChargeAgain": [{"Return": "same"}]}})
    first, second = await run(project_from_value(value), "M", times=2)
    for execution in (first, second):  # each execution starts from the first response
        assert execution.status == "SUCCEEDED", execution.cause
        assert execution.output == "same"
        retried = [e for e in execution.history if e["type"] == "TaskFailed"]
        assert [e["taskFailedEventDetails"]["error"] for e in retried] == ["Busy"]


async def test_a_state_invoked_after_its_last_response_gets_the_last_again() -> None:
    loop = {
        "StartAt": "Charge",
        "States": {
            "Charge": {**lambda_task(), "End": None, "ResultPath": "$.r", "Next": "Done?"},
            "Done?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.r.stop", "BooleanEquals": True, "Next": "End"}],
                "Default": "Charge",
            },
            "End": {"Type": "Succeed"},
        },
    }
    loop["States"]["Charge"].pop("End")
    mocks = [{"Return": {"stop": False, "i": 0}}, {"Return": {"stop": True, "i": 1}}]
    (execution,) = await run(
        project_from_value(project(M={"definition": loop, "mocks": {"Charge": mocks}})), "M"
    )
    assert execution.status == "SUCCEEDED"
    assert execution.output["r"] == {"stop": True, "i": 1}


async def test_a_mocked_throw_fails_the_execution_with_that_error() -> None:
    mocks = {"Charge": [{"Throw": {"Error": "Card.Declined", "Cause": "insufficient funds"}}]}
    value = project(Orders={"definition": machine(lambda_task()), "mocks": mocks})
    (execution,) = await run(project_from_value(value), "Orders")
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED",
        "Card.Declined",
        "insufficient funds",
    )


def test_a_bad_mocked_response_is_refused_with_where_and_why() -> None:
    value = project(Orders={"definition": machine(lambda_task()), "mocks": {"Charge": [{"Throw": {}}]}})
    with pytest.raises(ProjectError) as caught:
        project_from_value(value)
    (problem,) = caught.value.problems
    assert problem.location == "/stateMachines/Orders/mocks"
    assert "Charge/0: Throw needs an Error name" in problem.message
    value["stateMachines"]["Orders"]["mocks"] = {"Charge": [{"Return": 1, "Throw": {"Error": "E"}}]}
    with pytest.raises(ProjectError, match="either Return or Throw"):
        project_from_value(value)


def test_old_project_files_load_and_save_unchanged(tmp_path: Path) -> None:
    original = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    loaded = load_project(EXAMPLE)
    assert all(not spec.mocks for spec in loaded.project.state_machines.values())
    saved = project_to_value(loaded.project)
    assert "mocks" not in json.dumps(saved)
    assert saved["stateMachines"] == original["stateMachines"]


def test_mocks_are_saved_and_read_back(tmp_path: Path) -> None:
    mocks = {"Charge": [{"Return": None}, {"Throw": {"Error": "E", "Cause": "c"}}]}
    loaded = project_from_value(project(Orders={"definition": machine(lambda_task()), "mocks": mocks}))
    path = tmp_path / "p.statecanvas.json"
    save_project(loaded.project, path)
    assert json.loads(path.read_text())["stateMachines"]["Orders"]["mocks"] == mocks
    assert load_project(path).project.state_machines["Orders"].mocks == mocks


# Handlers ---------------------------------------------------------------------------------------


async def test_a_project_function_serves_the_task_and_an_edited_handler_runs_its_new_code(
    tmp_path: Path,
) -> None:
    path, created = create_handler_stub(tmp_path, "charge", "Charge")
    assert created and path == tmp_path / "handlers" / "charge.py"
    value = project(Orders={"definition": machine(lambda_task())})
    value["functions"] = {"charge": {"handler": "handlers/charge.py:handler"}}
    save_project(project_from_value(value).project, tmp_path / "p.statecanvas.json")
    loaded = load_project(tmp_path / "p.statecanvas.json")
    (execution,) = await run(loaded, "Orders", {"order": 7})
    assert execution.status == "SUCCEEDED"
    assert execution.output["Payload"] == {"order": 7}  # the stub returns its event
    path.write_text("def handler(event, context):\n    return {'charged': event['order']}\n# edited\n")
    (execution,) = await run(load_project(tmp_path / "p.statecanvas.json"), "Orders", {"order": 7})
    assert execution.output["Payload"] == {"charged": 7}


def test_a_stub_never_replaces_a_file(tmp_path: Path) -> None:
    first, created = create_handler_stub(tmp_path, "ChargePayment", "Charge")
    assert created and first.name == "charge_payment.py"
    first.write_text("def handler(event, context):\n    return 'mine'\n")
    again, created = create_handler_stub(tmp_path, "ChargePayment", "Charge")
    assert (again, created) == (first, False)  # reused as it is
    assert "mine" in first.read_text()
    first.write_text("def other(event, context):\n    return 1\n")
    beside, created = create_handler_stub(tmp_path, "ChargePayment", "Charge")
    assert created and beside.name == "charge_payment_2.py"
    assert first.read_text() == "def other(event, context):\n    return 1\n"
    assert not [p for p in (tmp_path / "handlers").iterdir() if p.name.endswith(".tmp")]
    assert beside.stat().st_mode & 0o044  # readable as any source file, not owner-only
    assert load_handler("handlers/charge_payment_2.py:handler", tmp_path)({"a": 1}, None) == {"a": 1}


def test_functions_of_a_file_are_listed_without_running_it(tmp_path: Path) -> None:
    file = tmp_path / "h.py"
    file.write_text(
        "import sys\nsys.exit('never run')\n\ndef a(e, c):\n    def inner(): ...\n\n"
        "async def b(e, c): ...\nclass C:\n    def m(self): ...\n"
    )
    assert top_level_functions(file) == ["a", "b"]
    file.write_text("def broken(:\n")
    with pytest.raises(HandlerLoadError, match=r"h\.py:1:"):
        top_level_functions(file)


# What serves a Task ------------------------------------------------------------------------------


def test_task_behaviour_says_what_serves_each_task() -> None:
    value = project(
        Orders={
            "definition": {
                "StartAt": "A",
                "States": {
                    "A": lambda_task(),
                    "B": lambda_task("unknown-fn"),
                    "C": lambda_task(),
                    "D": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True},
                    "E": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": True},
                    "F": {**lambda_task(), "Parameters": {"FunctionName.$": "$.fn"}},
                    "G": {"Type": "Task", "Resource": CHARGE_ARN, "End": True},
                    "P": {"Type": "Pass", "End": True},
                },
            },
            "mocks": {"C": [{"Return": 1}]},
        }
    )
    value["functions"] = {"charge": {"handler": "h.py:handler"}}
    loaded = project_from_value(value)
    states = loaded.definitions["Orders"]["States"]
    kinds = {name: task_behaviour(loaded.project, "Orders", name, s) for name, s in states.items()}
    assert {n: b.kind for n, b in kinds.items()} == {
        "A": "handler",
        "B": "unserved",
        "C": "mock",
        "D": "builtin",
        "E": "unserved",
        "F": "dynamic",
        "G": "handler",
        "P": "not-task",
    }
    assert kinds["A"].function == "charge" and kinds["A"].field == ("Parameters", "FunctionName")
    assert kinds["G"].field == ("Resource",)
    assert "SQS" in kinds["D"].detail
    assert unserved_message("B").startswith("B has no local behaviour: open the Inspector > Local behaviour")
