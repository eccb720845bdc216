"""The AWS CLI (the `awscli` package) against the Step Functions endpoint, as a shell script or CI
job moving from Step Functions Local would call it: AWS_DISABLE_HOST_PREFIX_INJECTION lets
start-sync-execution and test-state reach the local port, and errors come back as AWS's codes."""

from __future__ import annotations

import json
import os
import subprocess
import time
from typing import Any

import pytest
from serve_clients import aws_cli

ROLE = "arn:aws:iam::123456789012:role/local"
CHILDREN = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
DEFINITION = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                **CHILDREN,
            },
            "End": True,
        }
    },
}


@pytest.mark.skipif(aws_cli() is None, reason="the awscli package is not installed")
def test_the_aws_cli_drives_step_functions(serve: Any) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    aws = [str(aws_cli()), "--endpoint-url", serve.url, "--output", "json", "stepfunctions"]

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*aws, *args], capture_output=True, text=True, env=env, timeout=60)

    def run(*args: str) -> dict[str, Any]:
        done = call(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    machine = run(
        "create-state-machine", "--name", "Fan", "--role-arn", ROLE, "--definition", json.dumps(DEFINITION)
    )["stateMachineArn"]
    execution = run("start-execution", "--state-machine-arn", machine, "--input", "[1, 2]")["executionArn"]
    deadline = time.monotonic() + 10
    while run("describe-execution", "--execution-arn", execution)["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert json.loads(run("describe-execution", "--execution-arn", execution)["output"]) == [1, 2]
    history = run("get-execution-history", "--execution-arn", execution)["events"]
    assert history[0]["type"] == "ExecutionStarted" and history[-1]["type"] == "ExecutionSucceeded"
    [run_listed] = run("list-map-runs", "--execution-arn", execution)["mapRuns"]
    described = run("describe-map-run", "--map-run-arn", run_listed["mapRunArn"])
    assert described["status"] == "SUCCEEDED" and described["executionCounts"]["succeeded"] == 2

    express = run(
        "create-state-machine",
        "--name",
        "Quick",
        "--role-arn",
        ROLE,
        "--type",
        "EXPRESS",
        "--definition",
        json.dumps(CHILDREN),
    )["stateMachineArn"]
    synced = run("start-sync-execution", "--state-machine-arn", express, "--input", '{"a": 1}')
    assert synced["status"] == "SUCCEEDED" and json.loads(synced["output"]) == {"a": 1}
    tested = run("test-state", "--definition", '{"Type": "Pass", "End": true}', "--input", '{"b": 2}')
    assert tested["status"] == "SUCCEEDED" and json.loads(tested["output"]) == {"b": 2}

    refused = call("create-state-machine", "--name", "Broken", "--role-arn", ROLE, "--definition", "{}")
    assert refused.returncode != 0 and "InvalidDefinition" in refused.stderr
    missing = call("describe-execution", "--execution-arn", execution + "-none")
    assert missing.returncode != 0 and "ExecutionDoesNotExist" in missing.stderr
