"""A resource-free state machine deployed to moto and executed there gives what the bundled engine gives."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.project import load_project

from .conftest import REGION

PRICING: dict[str, Any] = {
    "Comment": "Prices an order with no resources: Pass, Choice, Map, Parallel, intrinsic functions.",
    "StartAt": "Prepare",
    "States": {
        "Prepare": {
            "Type": "Pass",
            "Parameters": {
                "orderId.$": "$.orderId",
                "items.$": "$.items",
                "count.$": "States.ArrayLength($.items)",
                "label.$": "States.Format('order {} of {}', $.orderId, $.customer)",
            },
            "Next": "PriceItems",
        },
        "PriceItems": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Line",
                "States": {
                    "Line": {
                        "Type": "Pass",
                        "Parameters": {
                            "sku.$": "$.sku",
                            "qty.$": "$.qty",
                            "tags.$": "States.Array($.sku, 'line')",
                        },
                        "End": True,
                    }
                },
            },
            "ResultPath": "$.lines",
            "Next": "Both",
        },
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Id", "States": {"Id": {"Type": "Pass", "InputPath": "$.orderId", "End": True}}},
                {
                    "StartAt": "Count",
                    "States": {"Count": {"Type": "Pass", "InputPath": "$.count", "End": True}},
                },
            ],
            "ResultPath": "$.summary",
            "Next": "Big?",
        },
        "Big?": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.count", "NumericGreaterThanEquals": 3, "Next": "TooBig"},
                {"Variable": "$.orderId", "StringMatches": "o-*", "Next": "Done"},
            ],
            "Default": "TooBig",
        },
        "TooBig": {"Type": "Fail", "Error": "Order.TooBig", "Cause": "three or more lines"},
        "Done": {"Type": "Pass", "OutputPath": "$.summary", "End": True},
    },
}
SMALL = {"orderId": "o-7", "customer": "ana", "items": [{"sku": "BOOK", "qty": 2}, {"sku": "MUG", "qty": 1}]}
LARGE = {"orderId": "o-8", "customer": "bo", "items": [{"sku": s, "qty": 1} for s in ("A", "B", "C")]}


@pytest.fixture(scope="module")
def machine_arn(aws_env: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    from engine.deploy import deploy, make_clients

    folder = tmp_path_factory.mktemp("exec")
    path = folder / "pricing.statecanvas.json"
    path.write_text(
        json.dumps(
            {"formatVersion": 1, "name": "pricing", "stateMachines": {"Pricing": {"definition": PRICING}}}
        )
    )
    clients = make_clients(region=REGION, endpoint_url=aws_env)
    result = deploy(load_project(Path(path)), clients, prefix="exec-")
    assert [c.kind for c in result.applied] == ["role", "stateMachine"]
    return f"arn:aws:states:{REGION}:{clients.account}:stateMachine:exec-Pricing"


def run_on_moto(endpoint: str, arn: str, value: Any) -> dict[str, Any]:
    import boto3

    sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name=REGION)
    # A name of our own: moto's executing backend otherwise names every execution "None".
    name = f"run-{uuid.uuid4().hex[:12]}"
    execution = sfn.start_execution(stateMachineArn=arn, name=name, input=json.dumps(value))["executionArn"]
    deadline = time.monotonic() + 30
    while True:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            pytest.fail("moto's execution did not finish within 30s (is execute_state_machine on?)")
        time.sleep(0.1)


def test_moto_and_the_engine_agree_on_a_successful_execution(aws_env: str, machine_arn: str) -> None:
    moto = run_on_moto(aws_env, machine_arn, SMALL)
    local = engine.run(PRICING, SMALL)
    assert moto["status"] == local.status == "SUCCEEDED"
    assert json.loads(moto["output"]) == local.output == ["o-7", 2]


def test_moto_and_the_engine_agree_on_a_failed_execution(aws_env: str, machine_arn: str) -> None:
    moto = run_on_moto(aws_env, machine_arn, LARGE)
    local = engine.run(PRICING, LARGE)
    assert moto["status"] == local.status == "FAILED"
    assert (
        (moto.get("error"), moto.get("cause"))
        == (local.error, local.cause)
        == ("Order.TooBig", "three or more lines")
    )
