"""Deploy the order-pipeline example to moto's server with boto3, read it back, deploy again, pull it back."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from engine.export import asl_json, eventbridge_requests
from engine.project import load_project

from .conftest import EXAMPLE, MOTO_ACCOUNT, REGION

PROJECT_ACCOUNT, PROJECT_REGION = "123456789012", "us-east-1"
# The unprefixed deployment has a region to itself, so that pulling without a prefix finds only it.
BASE = "eu-west-2"


def clients(endpoint: str, region: str = REGION) -> Any:
    from engine.deploy import make_clients

    return make_clients(region=region, endpoint_url=endpoint)


def moved(value: Any, region: str = BASE) -> Any:
    """A project value with the example's account and region replaced by moto's."""
    text = json.dumps(value)
    text = text.replace(f":{PROJECT_REGION}:", f":{region}:").replace(
        f"sqs.{PROJECT_REGION}.", f"sqs.{region}."
    )
    text = text.replace(PROJECT_ACCOUNT, MOTO_ACCOUNT)
    return json.loads(text)


@pytest.fixture(scope="module")
def deployed(aws_env: str) -> dict[str, Any]:
    """The example deployed once without a prefix: its plan, and the calls made."""
    from engine.deploy import deploy

    c = clients(aws_env, BASE)
    result = deploy(load_project(EXAMPLE), c)
    return {"result": result, "calls": list(c.calls), "endpoint": aws_env}


EXPECTED_KINDS = {
    "role": 4,
    "bus": 1,
    "queue": 6,
    "topic": 1,
    "function": 7,
    "permission": 1,
    "stateMachine": 3,
    "subscription": 1,
    "rule": 3,
    "consumer": 2,
}


def test_first_deploy_creates_every_resource(deployed: dict[str, Any]) -> None:
    plan = deployed["result"].plan
    assert plan.account == MOTO_ACCOUNT and plan.region == BASE
    assert {c.action for c in plan.changes} == {"create"}
    kinds: dict[str, int] = {}
    for change in plan.changes:
        kinds[change.kind] = kinds.get(change.kind, 0) + 1
    assert kinds == EXPECTED_KINDS
    assert len(deployed["result"].applied) == sum(EXPECTED_KINDS.values())
    queues = [c.name for c in plan.changes if c.kind == "queue"]
    assert queues.index("fulfillment-orders-dlq") < queues.index("fulfillment-orders")
    assert queues.index("warehouse-dlq") < queues.index("warehouse-notifications")
    for name in ("CreateStateMachine", "PutRule", "PutTargets", "CreateQueue", "Subscribe", "CreateFunction"):
        assert name in deployed["calls"]
    assert "CreateStack" not in deployed["calls"]


def test_state_machines_read_back_with_rewritten_arns(deployed: dict[str, Any]) -> None:
    import boto3

    sfn = boto3.client("stepfunctions", endpoint_url=deployed["endpoint"], region_name=BASE)
    loaded = load_project(EXAMPLE)
    machines = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    for name, definition in loaded.definitions.items():
        assert machines[name] == f"arn:aws:states:{BASE}:{MOTO_ACCOUNT}:stateMachine:{name}"
        described = sfn.describe_state_machine(stateMachineArn=machines[name])
        assert described["type"] == "STANDARD"
        assert described["roleArn"] == f"arn:aws:iam::{MOTO_ACCOUNT}:role/statecanvas-states"
        deployed_definition = json.loads(described["definition"])
        assert asl_json(deployed_definition) == asl_json(moved(definition))
        assert PROJECT_ACCOUNT not in described["definition"]


def test_queues_topics_and_subscriptions_read_back(deployed: dict[str, Any]) -> None:
    import boto3

    endpoint = deployed["endpoint"]
    sqs, sns = (
        boto3.client("sqs", endpoint_url=endpoint, region_name=BASE),
        boto3.client("sns", endpoint_url=endpoint, region_name=BASE),
    )
    project = load_project(EXAMPLE).project
    for name, spec in project.queues.items():
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attrs["VisibilityTimeout"] == str(spec.visibility_timeout)
        assert attrs["MessageRetentionPeriod"] == str(spec.message_retention_period)
        if spec.redrive_policy is None:
            assert "RedrivePolicy" not in attrs
        else:
            redrive = json.loads(attrs["RedrivePolicy"])
            dlq = spec.redrive_policy.dead_letter_queue
            assert redrive["deadLetterTargetArn"] == f"arn:aws:sqs:{BASE}:{MOTO_ACCOUNT}:{dlq}"
            assert int(redrive["maxReceiveCount"]) == spec.redrive_policy.max_receive_count
    topic_arn = f"arn:aws:sns:{BASE}:{MOTO_ACCOUNT}:order-updates"
    sns.get_topic_attributes(TopicArn=topic_arn)
    (sub,) = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert sub["Protocol"] == "sqs"
    assert sub["Endpoint"] == f"arn:aws:sqs:{BASE}:{MOTO_ACCOUNT}:customer-notifications"
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
    assert json.loads(attrs["FilterPolicy"]) == {"detail-type": ["OrderShipped"]}
    assert attrs["FilterPolicyScope"] == "MessageBody"
    assert attrs["RawMessageDelivery"] == "true"


def test_rules_and_targets_read_back(deployed: dict[str, Any]) -> None:
    import boto3

    events = boto3.client("events", endpoint_url=deployed["endpoint"], region_name=BASE)
    assert events.describe_event_bus(Name="orders")["Name"] == "orders"
    requests = moved(eventbridge_requests(load_project(EXAMPLE)))
    for name, request in requests.items():
        rule = events.describe_rule(Name=name, EventBusName="orders")
        assert json.loads(rule["EventPattern"]) == json.loads(request["PutRule"]["EventPattern"])
        assert rule["State"] == "ENABLED"
        targets = {
            t["Id"]: t for t in events.list_targets_by_rule(Rule=name, EventBusName="orders")["Targets"]
        }
        assert set(targets) == {t["Id"] for t in request["PutTargets"]["Targets"]}
        for want in request["PutTargets"]["Targets"]:
            have = targets[want["Id"]]
            assert have["Arn"] == want["Arn"]
            for key in ("RetryPolicy", "DeadLetterConfig", "InputTransformer", "Input", "InputPath"):
                assert have.get(key) == want.get(key)
            if "RoleArn" in want:  # the deployed role, not the export's per-rule default
                assert have["RoleArn"] == f"arn:aws:iam::{MOTO_ACCOUNT}:role/statecanvas-events"
    target = targets_of(events, "OrderCreatedToFulfillment")["fulfillment-orders"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
    assert target["DeadLetterConfig"] == {"Arn": f"arn:aws:sqs:{BASE}:{MOTO_ACCOUNT}:rule-delivery-dlq"}


def targets_of(events: Any, rule: str) -> dict[str, Any]:
    return {t["Id"]: t for t in events.list_targets_by_rule(Rule=rule, EventBusName="orders")["Targets"]}


def test_functions_and_consumers_read_back(deployed: dict[str, Any]) -> None:
    import boto3

    endpoint = deployed["endpoint"]
    lam, pipes = (
        boto3.client("lambda", endpoint_url=endpoint, region_name=BASE),
        boto3.client("pipes", endpoint_url=endpoint, region_name=BASE),
    )
    config = lam.get_function(FunctionName="charge-payment")
    assert config["Configuration"]["Handler"] == "retail.charge_payment"
    assert config["Configuration"]["Runtime"] == "python3.12"
    from engine.deploy.packaging import package_function

    package = package_function(EXAMPLE.parent, "handlers/retail.py:charge_payment")
    assert config["Configuration"]["CodeSha256"] == package.sha256
    assert sorted(zipfile.ZipFile(io.BytesIO(package.zip_bytes)).namelist()) == [
        "fulfillment.py",
        "retail.py",
    ]
    queue_arn = f"arn:aws:sqs:{BASE}:{MOTO_ACCOUNT}:warehouse-notifications"
    (mapping,) = lam.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
    assert mapping["FunctionArn"].endswith(":function:notify-warehouse")
    assert mapping["BatchSize"] == 1
    pipe = pipes.describe_pipe(Name="fulfillment-orders-to-Fulfillment")
    assert pipe["Source"] == f"arn:aws:sqs:{BASE}:{MOTO_ACCOUNT}:fulfillment-orders"
    assert pipe["Target"] == f"arn:aws:states:{BASE}:{MOTO_ACCOUNT}:stateMachine:Fulfillment"
    policy = json.loads(lam.get_policy(FunctionName="complete-order")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["statecanvas-rule-OrderShippedToRetail"]


def test_second_deploy_changes_nothing(deployed: dict[str, Any]) -> None:
    from engine.deploy import deploy

    c = clients(deployed["endpoint"], BASE)
    result = deploy(load_project(EXAMPLE), c)
    assert not result.plan.has_changes
    assert {change.action for change in result.plan.changes} == {"unchanged"}
    assert result.applied == []
    assert c.mutating_calls == []
    assert result.plan.text().rstrip().endswith("no changes (29 unchanged, 0 skipped)")


def test_changed_rule_pattern_updates_only_that_rule(aws_env: str, example_copy: Path) -> None:
    from engine.deploy import deploy

    deploy(load_project(EXAMPLE), clients(aws_env), prefix="chg-")
    value = json.loads(example_copy.read_text())
    value["rules"]["OrderCreatedToFulfillment"]["eventPattern"]["detail-type"] = [
        "OrderCreated",
        "OrderAmended",
    ]
    example_copy.write_text(json.dumps(value))
    c = clients(aws_env)
    result = deploy(load_project(example_copy), c, prefix="chg-")
    pending = result.plan.pending
    assert [(p.kind, p.name, p.action, p.fields) for p in pending] == [
        ("rule", "chg-OrderCreatedToFulfillment", "update", ["EventPattern"])
    ]
    assert c.mutating_calls == ["PutRule"]
    import boto3

    events = boto3.client("events", endpoint_url=aws_env)
    rule = events.describe_rule(Name="chg-OrderCreatedToFulfillment", EventBusName="chg-orders")
    assert json.loads(rule["EventPattern"])["detail-type"] == ["OrderCreated", "OrderAmended"]
    again = clients(aws_env)
    assert not deploy(load_project(example_copy), again, prefix="chg-").plan.has_changes
    assert again.mutating_calls == []


def test_changed_target_and_queue_update_in_place(aws_env: str, example_copy: Path) -> None:
    from engine.deploy import deploy

    deploy(load_project(EXAMPLE), clients(aws_env), prefix="tgt-")
    value = json.loads(example_copy.read_text())
    targets = value["rules"]["OrderCreatedToFulfillment"]["targets"]
    targets[0]["retryPolicy"]["maximumRetryAttempts"] = 5
    targets.pop(1)
    value["queues"]["fulfillment-orders"]["visibilityTimeout"] = 90
    example_copy.write_text(json.dumps(value))
    c = clients(aws_env)
    result = deploy(load_project(example_copy), c, prefix="tgt-")
    assert [(p.kind, p.name, p.fields) for p in result.plan.pending] == [
        ("queue", "tgt-fulfillment-orders", ["VisibilityTimeout"]),
        (
            "rule",
            "tgt-OrderCreatedToFulfillment",
            ["target fulfillment-orders changed", "target warehouse-notifications removed"],
        ),
    ]
    assert c.mutating_calls == ["SetQueueAttributes", "RemoveTargets", "PutTargets"]
    third = deploy(load_project(example_copy), clients(aws_env), prefix="tgt-").plan
    assert not third.has_changes, third.text(verbose=False)


def test_dry_run_calls_nothing_that_changes(aws_env: str) -> None:
    import boto3

    from engine.deploy import deploy

    c = clients(aws_env)
    result = deploy(load_project(EXAMPLE), c, prefix="dry-", dry_run=True)
    assert result.plan.count("create") == sum(EXPECTED_KINDS.values())
    assert c.mutating_calls == []
    names = [
        m["name"]
        for m in boto3.client("stepfunctions", endpoint_url=aws_env).list_state_machines()["stateMachines"]
    ]
    assert not [n for n in names if n.startswith("dry-")]


def test_pull_gives_back_the_same_asl_and_rules(deployed: dict[str, Any], tmp_path: Path) -> None:
    from engine.cli import main

    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "pulled.statecanvas.json"
    code = main(
        ["pull", "--region", BASE, "--endpoint-url", deployed["endpoint"], "-o", str(target)],
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    assert "3 state machines, 3 rules, 6 queues, 1 topic" in out.getvalue()
    original, pulled = load_project(EXAMPLE), load_project(target)
    assert pulled.project.account == MOTO_ACCOUNT and pulled.project.region == BASE
    assert pulled.project.layout.positions == {}
    assert set(pulled.definitions) == set(original.definitions)
    for name, definition in original.definitions.items():
        assert asl_json(pulled.definitions[name]) == asl_json(moved(definition))
    assert eventbridge_requests(pulled) == moved(eventbridge_requests(original))
    for name, spec in original.project.queues.items():
        assert pulled.project.queues[name].model_copy(update={"domain": None, "description": None}) == (
            spec.model_copy(update={"domain": None, "description": None})
        )
    assert pulled.project.subscriptions == original.project.subscriptions
    key = lambda c: (c.queue, c.target)  # noqa: E731
    assert sorted(pulled.project.consumers, key=key) == sorted(original.project.consumers, key=key)
    assert set(pulled.project.functions) == set(original.project.functions)


def test_pull_with_prefix_strips_it_and_ignores_other_deployments(aws_env: str, tmp_path: Path) -> None:
    from engine.deploy import deploy
    from engine.deploy.pull import pull

    deploy(load_project(EXAMPLE), clients(aws_env), prefix="pp-")
    result = pull(clients(aws_env), prefix="pp-", name="pp")
    project = result.project
    assert sorted(project.state_machines) == ["Fulfillment", "RetailOrder", "Returns"]
    assert sorted(project.rules) == [
        "OrderCreatedToFulfillment",
        "OrderShippedToRetail",
        "ReturnRequestedToReturns",
    ]
    assert all(rule.bus == "orders" for rule in project.rules.values())
    fulfillment = json.dumps(project.state_machines["Fulfillment"].definition)
    assert '"EventBusName": "orders"' in fulfillment and "pp-" not in fulfillment
