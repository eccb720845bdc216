"""EventBridge, SQS and SNS together through `statecanvas serve`: a project's resources at start,
state kept across a restart, and the AWS CLI.

The server runs in a thread on a random loopback port, on one project runtime, as a user's
application would meet it; the SQS query protocol is also spoken directly, as older SDKs do.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("aiohttp")

from serve_clients import ACCOUNT, ServerThread, aws_cli, receive_all  # noqa: E402

from engine.project.loader import project_from_value  # noqa: E402

# A project's resources -----------------------------------------------------------------------------


def _project(tmp_path: Path) -> Any:
    (tmp_path / "handlers.py").write_text(
        "import json, pathlib\n\n"
        "def record(event, context):\n"
        "    with open(pathlib.Path(__file__).with_name('calls.jsonl'), 'a') as out:\n"
        "        out.write(json.dumps(event) + '\\n')\n"
        "    return {'ok': True}\n"
    )
    value = {
        "formatVersion": 1,
        "name": "served",
        "stateMachines": {
            "Echo": {"definition": {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}}
        },
        "functions": {"recorder": {"handler": "handlers.py:record"}},
        "buses": {"orders": {"description": "Orders between the shop and the warehouse."}},
        "queues": {"inbox": {}},
        "topics": {"alerts": {}},
        "subscriptions": [{"topic": "topic:alerts", "endpoint": "queue:inbox", "rawMessageDelivery": True}],
        "rules": {
            "ToInbox": {
                "bus": "orders",
                "eventPattern": {"source": ["shop"]},
                "targets": [
                    {"id": "inbox", "target": "queue:inbox"},
                    {"id": "machine", "target": "stateMachine:Echo"},
                    {"id": "fn", "target": "function:recorder"},
                ],
            }
        },
    }
    return project_from_value(value, tmp_path / "served.statecanvas.json")


def test_a_projects_resources_exist_at_start_with_their_deployed_names(tmp_path: Path) -> None:
    with ServerThread(_project(tmp_path)) as server:
        events, sqs, sns = server.client("events"), server.client("sqs"), server.client("sns")
        described = events.describe_event_bus(Name="orders")
        assert described["Description"] == "Orders between the shop and the warehouse."
        rule = events.describe_rule(Name="ToInbox", EventBusName="orders")
        assert rule["Arn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders/ToInbox"
        targets = {
            t["Id"]: t["Arn"]
            for t in events.list_targets_by_rule(Rule="ToInbox", EventBusName="orders")["Targets"]
        }
        assert targets["inbox"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:inbox"
        assert targets["machine"] == f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:Echo"
        assert f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts" in [
            t["TopicArn"] for t in sns.list_topics()["Topics"]
        ]
        deployed_url = (
            f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/inbox"  # what the app was configured with
        )
        assert sqs.get_queue_url(QueueName="inbox")["QueueUrl"].endswith(f"/{ACCOUNT}/inbox")
        events.put_events(
            Entries=[{"EventBusName": "orders", "Source": "shop", "DetailType": "x", "Detail": '{"n": 1}'}]
        )
        sns.publish(TopicArn=f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts", Message="alarm")
        bodies = [m["Body"] for m in receive_all(sqs, deployed_url, 2)]
        assert "alarm" in bodies and any(
            json.loads(b).get("detail") == {"n": 1} for b in bodies if b != "alarm"
        )
        runtime = server.context.runtime
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not runtime.stepfunctions.executions:
            time.sleep(0.05)
        assert len(runtime.stepfunctions.executions) == 1
        kinds = [getattr(e, "kind", None) for e in runtime.trace.entries]
        assert kinds  # the runtime's trace saw the put and the deliveries
        topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
        listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        assert [(s["Protocol"], s["Endpoint"]) for s in listed] == [
            ("sqs", f"arn:aws:sqs:us-east-1:{ACCOUNT}:inbox")
        ]
        sub = sns.subscribe(
            TopicArn=topic,
            Protocol="lambda",
            Endpoint=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:recorder",
        )
        assert sub["SubscriptionArn"].startswith(topic + ":")
        sns.publish(TopicArn=topic, Message="to the function")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and "to the function" not in json.dumps(_calls(tmp_path)):
            time.sleep(0.05)
        calls = _calls(tmp_path)
        notification = next(c for c in calls if "Records" in c)["Records"][0]
        assert notification["Sns"]["Message"] == "to the function"
        assert any(c.get("detail") == {"n": 1} for c in calls)  # the rule's function target too


def _calls(folder: Path) -> list[dict[str, Any]]:
    """What the project's function was called with (it writes each event to calls.jsonl)."""
    calls = folder / "calls.jsonl"
    return [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []


def test_queued_messages_survive_a_restart_with_a_state_file(tmp_path: Path) -> None:
    state = str(tmp_path / "serve.sqlite")
    with ServerThread(state_file=state) as first:
        sqs = first.client("sqs")
        url = sqs.create_queue(QueueName="durable", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="still here")
    with ServerThread(state_file=state) as second:
        sqs = second.client("sqs")
        url = sqs.get_queue_url(QueueName="durable")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])
        assert attributes["Attributes"] == {"VisibilityTimeout": "5"}
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["still here"]


@pytest.mark.skipif(aws_cli() is None, reason="the awscli package is not installed")
def test_the_aws_cli_talks_to_the_server(server: ServerThread) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    aws = [str(aws_cli()), "--endpoint-url", server.url, "--output", "json"]

    def run(*args: str) -> dict[str, Any]:
        done = subprocess.run([*aws, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    url = run("sqs", "create-queue", "--queue-name", "from-cli")["QueueUrl"]
    run("sqs", "send-message", "--queue-url", url, "--message-body", "cli says hi")
    got = run("sqs", "receive-message", "--queue-url", url)
    assert got["Messages"][0]["Body"] == "cli says hi"
    arn = run("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "QueueArn")
    queue = arn["Attributes"]["QueueArn"]
    topic = run("sns", "create-topic", "--name", "cli-topic")["TopicArn"]
    run(
        "sns",
        "subscribe",
        "--topic-arn",
        topic,
        "--protocol",
        "sqs",
        "--notification-endpoint",
        queue,
        "--attributes",
        "RawMessageDelivery=true",
    )
    run("sns", "publish", "--topic-arn", topic, "--message", "via sns")
    run("events", "put-rule", "--name", "cli-rule", "--event-pattern", '{"source": ["cli"]}')
    run("events", "put-targets", "--rule", "cli-rule", "--targets", f"Id=q,Arn={queue}")
    entries = json.dumps([{"Source": "cli", "DetailType": "t", "Detail": '{"from": "cli"}'}])
    assert run("events", "put-events", "--entries", entries)["FailedEntryCount"] == 0
    bodies: list[str] = []
    deadline = time.monotonic() + 10
    while len(bodies) < 2 and time.monotonic() < deadline:
        answer = run("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10")
        bodies += [m["Body"] for m in answer.get("Messages", [])]
    assert "via sns" in bodies and any('"from":"cli"' in b for b in bodies)
    missing = subprocess.run(
        [*aws, "sqs", "get-queue-url", "--queue-name", "no-such"], capture_output=True, text=True, env=env
    )
    assert missing.returncode != 0 and "NonExistentQueue" in missing.stderr
