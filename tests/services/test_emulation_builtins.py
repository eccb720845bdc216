"""SDK calls to SQS reach the project's own queues; the emulation never redirects other clients."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engine
from engine.project import load_project
from engine.project.runtime import ProjectRuntime

pytest.importorskip("moto")

SDK = "arn:aws:states:::aws-sdk:"

WORKER = """
import json, pathlib

def handle(event, context):
    out = pathlib.Path(__file__).with_name("received.json")
    seen = json.loads(out.read_text()) if out.exists() else []
    seen.extend(record["body"] for record in event["Records"])
    out.write_text(json.dumps(seen))
"""

DISPATCH = {
    "StartAt": "CreateJobs",
    "States": {
        "CreateJobs": {
            "Type": "Task",
            "Resource": SDK + "sqs:createQueue",
            "Parameters": {"QueueName": "jobs"},
            "ResultPath": "$.jobs",
            "Next": "SendJob",
        },
        "SendJob": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl.$": "$.jobs.QueueUrl", "MessageBody.$": "$.job"},
            "ResultPath": None,
            "Next": "CreateScratch",
        },
        "CreateScratch": {
            "Type": "Task",
            "Resource": SDK + "sqs:createQueue",
            "Parameters": {"QueueName": "scratch"},
            "ResultPath": "$.scratch",
            "Next": "Note",
        },
        "Note": {
            "Type": "Task",
            "Resource": SDK + "sqs:sendMessage",
            "Parameters": {"QueueUrl.$": "$.scratch.QueueUrl", "MessageBody": "kept"},
            "ResultPath": "$.sent",
            "Next": "Read",
        },
        "Read": {
            "Type": "Task",
            "Resource": SDK + "sqs:receiveMessage",
            "Parameters": {"QueueUrl.$": "$.scratch.QueueUrl"},
            "ResultSelector": {"bodies.$": "$.Messages[*].Body"},
            "ResultPath": "$.read",
            "End": True,
        },
    },
}


def _project(folder: Path) -> Path:
    (folder / "worker.py").write_text(WORKER)
    (folder / "dispatch.asl.json").write_text(json.dumps(DISPATCH))
    project = {
        "formatVersion": 1,
        "name": "dispatch",
        "stateMachines": {"Dispatch": {"definitionFile": "dispatch.asl.json"}},
        "functions": {"worker": {"handler": "worker.py:handle"}},
        "queues": {"jobs": {}},
        "consumers": [{"queue": "jobs", "target": "function:worker", "batchSize": 1}],
    }
    path = folder / "dispatch.statecanvas.json"
    path.write_text(json.dumps(project))
    return path


async def test_a_queue_created_through_the_sdk_is_the_projects_queue(tmp_path: Path) -> None:
    runtime = ProjectRuntime(load_project(_project(tmp_path)))
    running = runtime.stepfunctions.start_execution(runtime.machine_arns["Dispatch"], {"job": "paint"})
    await runtime.settle()
    execution = await running.task
    await runtime.close()
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    out = execution.output
    assert out["jobs"]["QueueUrl"] == runtime.sqs.get_queue_url("jobs")  # the project's queue, not moto's
    assert json.loads((tmp_path / "received.json").read_text()) == ["paint"]  # its consumer got the job
    assert out["read"] == {"bodies": ["kept"]}  # a queue the run created itself works end to end
    assert set(out["sent"]) == {"MD5OfMessageBody", "MessageId"}  # the SDK shape: no HTTP metadata
    assert "scratch" in runtime.sqs.list_queues()[-1]
    assert not runtime.registry.emulation or "sqs" not in runtime.registry.emulation.touched


async def test_sqs_actions_the_built_in_does_not_serve_fail_naming_them(tmp_path: Path) -> None:
    runtime = ProjectRuntime(load_project(_project(tmp_path)))
    definition = {
        "StartAt": "Tag",
        "States": {"Tag": {"Type": "Task", "Resource": SDK + "sqs:tagQueue", "Parameters": {}, "End": True}},
    }
    execution = await engine.run_async(definition, {}, services=runtime.registry)
    await runtime.close()
    assert execution.error == "States.TaskFailed"
    assert "sqs:tagQueue" in execution.cause and "built-in SQS" in execution.cause


def test_a_deploy_client_made_during_a_run_still_goes_to_aws() -> None:
    """The emulation hooks only its own clients: a boto3 client made while a run uses the
    emulated account sends its request to the network (here an unreachable endpoint)."""
    import boto3
    from botocore.exceptions import EndpointConnectionError

    seen: list[str] = []

    def deploy_during_run(event: dict, context: object) -> dict:
        client = boto3.client(
            "dynamodb",
            region_name="us-east-1",
            endpoint_url="http://127.0.0.1:9",
            aws_access_key_id="AKIADEPLOY",
            aws_secret_access_key="deploy",
            config=__import__("botocore.config").config.Config(
                retries={"total_max_attempts": 1}, connect_timeout=1
            ),
        )
        try:
            client.list_tables()
        except EndpointConnectionError:
            seen.append("network")  # what a real deploy would reach
        else:
            seen.append("answered locally")
        plain = boto3.client("dynamodb", region_name="us-east-1")
        seen.append(plain.meta.endpoint_url)
        from moto.core.models import botocore_stubber

        seen.append(f"moto's process-wide hook enabled: {botocore_stubber.enabled}")
        return {}

    definition = {
        "StartAt": "Table",
        "States": {
            "Table": {
                "Type": "Task",
                "Resource": SDK + "dynamodb:createTable",
                "Parameters": {
                    "TableName": "T",
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "BillingMode": "PAY_PER_REQUEST",
                },
                "ResultPath": None,
                "Next": "Deploy",
            },
            "Deploy": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:deploy",
                "End": True,
            },
        },
    }
    run = engine.run(definition, {}, handlers={"deploy": deploy_during_run})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert seen == [
        "network",
        "https://dynamodb.us-east-1.amazonaws.com",
        "moto's process-wide hook enabled: False",
    ]


async def test_sdk_step_functions_calls_start_describe_and_list_the_projects_executions(
    tmp_path: Path,
) -> None:
    child = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "Result": {"ok": True}, "End": True}}}
    parent = {
        "StartAt": "Start",
        "States": {
            "Start": {
                "Type": "Task",
                "Resource": SDK + "sfn:startExecution",
                "Parameters": {"StateMachineArn.$": "$.child", "Input": {"n": 1}},
                "ResultPath": "$.started",
                "Next": "Later",
            },
            "Later": {"Type": "Wait", "Seconds": 5, "Next": "Describe"},
            "Describe": {
                "Type": "Task",
                "Resource": SDK + "sfn:describeExecution",
                "Parameters": {"ExecutionArn.$": "$.started.ExecutionArn"},
                "ResultSelector": {"status.$": "$.Status", "output.$": "States.StringToJson($.Output)"},
                "ResultPath": "$.described",
                "Next": "List",
            },
            "List": {
                "Type": "Task",
                "Resource": SDK + "sfn:listExecutions",
                "Parameters": {"StateMachineArn.$": "$.child", "StatusFilter": "SUCCEEDED"},
                "ResultSelector": {"count.$": "States.ArrayLength($.Executions)"},
                "ResultPath": "$.listed",
                "End": True,
            },
        },
    }
    (tmp_path / "child.asl.json").write_text(json.dumps(child))
    (tmp_path / "parent.asl.json").write_text(json.dumps(parent))
    project = {
        "formatVersion": 1,
        "name": "nested",
        "stateMachines": {
            "Child": {"definitionFile": "child.asl.json"},
            "Parent": {"definitionFile": "parent.asl.json"},
        },
    }
    (tmp_path / "nested.statecanvas.json").write_text(json.dumps(project))
    runtime = ProjectRuntime(load_project(tmp_path / "nested.statecanvas.json"))
    running = runtime.stepfunctions.start_execution(
        runtime.machine_arns["Parent"], {"child": runtime.machine_arns["Child"]}
    )
    await runtime.settle()
    execution = await running.task
    await runtime.close()
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.output["described"] == {"status": "SUCCEEDED", "output": {"ok": True}}
    assert execution.output["listed"] == {"count": 1}
    assert execution.output["started"]["ExecutionArn"].startswith(
        "arn:aws:states:us-east-1:123456789012:execution:Child:"
    )


async def test_a_parameter_of_the_wrong_type_fails_the_sdk_task_by_name(tmp_path: Path) -> None:
    runtime = ProjectRuntime(load_project(_project(tmp_path)))
    definition = {
        "StartAt": "List",
        "States": {
            "List": {
                "Type": "Task",
                "Resource": SDK + "sfn:listExecutions",
                "Parameters": {"StateMachineArn": "arn", "MaxResults": "many"},
                "End": True,
            }
        },
    }
    execution = await engine.run_async(definition, {}, services=runtime.registry)
    await runtime.close()
    assert execution.error == "Sfn.SfnException"
    assert execution.cause.startswith("1 validation error detected: ValueError")
