"""CloudFormation and SAM export: what the templates hold, that they hang together, and round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.export import check_references, cloudformation_template, import_template, sam_template
from engine.export.cloudformation.intrinsics import names_referenced
from engine.project import project_from_value, project_to_value

ACCOUNT, REGION = "123456789012", "us-east-1"


def _of_type(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def _sorted_lists(value: dict[str, Any]) -> dict[str, Any]:
    """Subscriptions and consumers compared as sets: SAM writes some of them inside functions."""
    out = dict(value)
    for key in ("subscriptions", "consumers"):
        out[key] = sorted(json.dumps(v, sort_keys=True) for v in value.get(key, []))
    out.pop("name", None)
    return out


EXPORTS = [
    ("cfn-string", lambda p: cloudformation_template(p)),
    ("cfn-object", lambda p: cloudformation_template(p, definition_style="object")),
    ("sam-inline", lambda p: sam_template(p)),
    ("sam-uri", lambda p: sam_template(p, definition_uri=True)),
]


@pytest.mark.parametrize(("label", "export"), EXPORTS, ids=[e[0] for e in EXPORTS])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_project_round_trips_through_a_template(
    shop, tmp_path: Path, label: str, export: Any, fmt: str
) -> None:
    exported = export(shop)
    path = exported.write(tmp_path, f"template.{fmt}")
    result = import_template(path, account=ACCOUNT, region=REGION)
    assert not result.problems, [str(p) for p in result.problems]
    assert result.substitutions == {}  # every placeholder named a project resource
    assert _sorted_lists(project_to_value(result.project)) == _sorted_lists(project_to_value(shop.project))
    result.loaded()  # and it is a valid project


@pytest.mark.parametrize(("label", "export"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_every_reference_names_a_resource_in_the_template(shop, label: str, export: Any) -> None:
    template = export(shop).template
    assert check_references(template) == []
    resources = template["Resources"]
    # and the checker does look: every Ref/GetAtt it saw is a resource, parameter or pseudo parameter
    seen = {name for r in resources.values() for _, name in names_referenced(r)}
    assert seen and seen <= set(resources) | set(template.get("Parameters", {})) | {
        "AWS::Partition",
        "AWS::Region",
        "AWS::AccountId",
    }


def test_check_references_finds_dangling_names() -> None:
    template = {
        "Resources": {
            "A": {"Type": "AWS::SQS::Queue", "DependsOn": ["Gone"], "Properties": {}},
            "B": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "TopicArn": {"Ref": "Missing"},
                    "Endpoint": {"Fn::GetAtt": ["A", "Arn"]},
                    "Protocol": {"Fn::Sub": ["${Known}-${Other.Arn}", {"Known": "x"}]},
                },
            },
        }
    }
    problems = check_references(template)
    assert any("'Missing'" in p for p in problems)
    assert any("'Other'" in p for p in problems)
    assert any("DependsOn" in p and "'Gone'" in p for p in problems)
    assert not any("'Known'" in p or "'A'" in p for p in problems)


def test_cloudformation_resources_and_wiring(shop) -> None:
    template = cloudformation_template(shop).template
    res = template["Resources"]
    orders = res["Orders"]["Properties"]
    body, variables = orders["DefinitionString"]["Fn::Sub"]
    definition = json.loads(body)
    charge = definition["States"]["Charge"]["Parameters"]["FunctionName"]
    assert charge == "${ChargeCardArn}" and variables["ChargeCardArn"] == {
        "Fn::GetAtt": ["ChargeCard", "Arn"]
    }
    review = definition["States"]["Review"]["Parameters"]["QueueUrl"]
    assert review == "${ReviewsUrl}" and variables["ReviewsUrl"] == {"Ref": "Reviews"}
    assert variables["FulfilmentArn"] == {"Ref": "Fulfilment"}
    assert variables["OrderEventsArn"] == {"Ref": "OrderEvents"}
    assert orders["RoleArn"] == {"Fn::GetAtt": ["OrdersRole", "Arn"]}
    statements = res["OrdersRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    actions = {
        a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert {"lambda:InvokeFunction", "sqs:SendMessage", "sns:Publish", "states:StartExecution"} <= actions
    assert res["Fulfilment"]["Properties"]["StateMachineType"] == "EXPRESS"

    assert res["OrdersBus"]["Properties"] == {"Name": "orders-bus"}
    assert res["Reviews"]["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["ReviewsDlq", "Arn"]},
        "maxReceiveCount": 3,
    }
    rule = res["OrderPlaced"]
    assert rule["Properties"]["EventBusName"] == {"Fn::GetAtt": ["OrdersBus", "Name"]}
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": "Orders"}
    assert target["RoleArn"] == {"Fn::GetAtt": ["OrderPlacedRole", "Arn"]}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["RuleDlq", "Arn"]}}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600}
    # The DLQ's policy names the rule (so waits for it); the rule waiting too would be a cycle.
    assert "DependsOn" not in rule
    dlq_policy = res["RuleDlqPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert dlq_policy["Condition"]["ArnEquals"]["aws:SourceArn"] == [{"Fn::GetAtt": ["OrderPlaced", "Arn"]}]
    audit = res["AuditEverything"]["Properties"]["Targets"]
    assert audit[0]["SqsParameters"] == {"MessageGroupId": "orders"} and "RoleArn" not in audit[0]
    forward = res["Forward"]["Properties"]
    assert forward["EventPattern"]["detail"]["stateMachineArn"] == [
        {"Fn::Sub": ["${OrdersArn}", {"OrdersArn": {"Ref": "Orders"}}]}
    ]

    policies = _of_type(template, "AWS::SQS::QueuePolicy")
    by_queue = {
        p["Properties"]["Queues"][0]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
        for p in policies.values()
    }
    assert {s["Principal"]["Service"] for s in by_queue["Reviews"]} == {"sns.amazonaws.com"}
    assert {s["Principal"]["Service"] for s in by_queue["AuditFifo"]} == {"events.amazonaws.com"}
    assert _of_type(template, "AWS::SNS::TopicPolicy")
    permissions = _of_type(template, "AWS::Lambda::Permission")
    assert {p["Properties"]["Principal"] for p in permissions.values()} == {
        "events.amazonaws.com",
        "sns.amazonaws.com",
    }

    subscription = next(
        s["Properties"]
        for s in _of_type(template, "AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "sqs"
    )
    assert subscription == {
        "TopicArn": {"Ref": "OrderEvents"},
        "Protocol": "sqs",
        "Endpoint": {"Fn::GetAtt": ["Reviews", "Arn"]},
        "FilterPolicy": {"kind": ["review"]},
        "FilterPolicyScope": "MessageBody",
        "RawMessageDelivery": True,
    }
    (mapping,) = _of_type(template, "AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["EventSourceArn"] == {"Fn::GetAtt": ["Reviews", "Arn"]}
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["DependsOn"] == ["ConsumersPolicy"]
    (pipe,) = _of_type(template, "AWS::Pipes::Pipe").values()
    assert pipe["Properties"]["Target"] == {"Ref": "Fulfilment"}


def test_sam_state_machines_functions_and_events(shop) -> None:
    exported = sam_template(shop, definition_uri=True)
    template = exported.template
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    res = template["Resources"]
    orders = res["Orders"]["Properties"]
    assert orders["DefinitionUri"] == "statemachine/Orders.asl.json"
    written = json.loads(exported.files["statemachine/Orders.asl.json"])
    assert written["States"]["Charge"]["Parameters"]["FunctionName"] == "${ChargeCardArn}"
    assert orders["DefinitionSubstitutions"]["ChargeCardArn"] == {"Fn::GetAtt": ["ChargeCard", "Arn"]}
    assert {"LambdaInvokePolicy": {"FunctionName": {"Ref": "ChargeCard"}}} in orders["Policies"]
    assert {
        "StepFunctionsExecutionPolicy": {"StateMachineName": {"Fn::GetAtt": ["Fulfilment", "Name"]}}
    } in orders["Policies"]
    event = orders["Events"]["OrderPlaced"]
    assert event["Type"] == "EventBridgeRule"
    assert event["Properties"]["EventBusName"] == {"Fn::GetAtt": ["OrdersBus", "Name"]}
    assert event["Properties"]["Target"] == {"Id": "StartOrders"}
    assert "OrderPlaced" not in res  # written as the event, not as a rule resource as well
    assert res["Fulfilment"]["Properties"]["Type"] == "EXPRESS"
    charge = res["ChargeCard"]["Properties"]
    assert (charge["CodeUri"], charge["Handler"], charge["Runtime"]) == (
        "functions/payments/",
        "charge.handle",
        "python3.12",
    )
    assert charge["Events"]["ReviewsConsumer"]["Properties"]["BatchSize"] == 5
    assert res["NightlyFunction"]["Properties"]["Runtime"].startswith("nodejs")
    inline = sam_template(shop).template["Resources"]["Orders"]["Properties"]
    assert inline["Definition"]["States"]["Charge"]["Parameters"]["FunctionName"] == "${ChargeCardArn}"


def test_a_machine_that_starts_itself_does_not_ref_itself(shop_value) -> None:
    shop_value["stateMachines"]["Fulfilment"]["definition"]["States"]["Pack"] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution",
        "Arguments": {"StateMachineArn": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:Fulfilment"},
        "Next": "Done?",
    }
    project = project_from_value(shop_value)
    for exported in (cloudformation_template(project), sam_template(project)):
        machine = exported.template["Resources"]["Fulfilment"]
        refs = {name for _, name in names_referenced(machine)}
        assert "Fulfilment" not in refs
        assert check_references(exported.template) == []


def test_foreign_placeholders_become_parameters(tmp_path: Path) -> None:
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": "arn:${AWS::Partition}:states:::dynamodb:putItem",
                "Parameters": {"TableName": "${OrdersTable}", "Stream": "${Table.StreamArn}"},
                "End": True,
            }
        },
    }
    project = project_from_value({"stateMachines": {"M": {"definition": definition}}})
    for exported in (cloudformation_template(project), sam_template(project)):
        template = exported.template
        assert check_references(template) == []
        assert {"OrdersTable", "TableStreamArn"} <= set(template["Parameters"])
        path = exported.write(tmp_path / exported.template.get("Transform", "cfn").replace(":", "-"))
        again = import_template(path)
        assert again.definitions["M"] == definition  # the renamed ${Table.StreamArn} comes back as it was


def test_targets_outside_the_project_are_written_as_given() -> None:
    stream = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks"
    other_queue = "arn:aws:sqs:eu-west-1:999999999999:elsewhere"
    project = project_from_value(
        {
            "rules": {
                "Clicks": {
                    "eventPattern": {"source": ["web"]},
                    "targets": [
                        {"id": "Stream", "target": stream},
                        {"id": "Queue", "target": other_queue, "deadLetterQueue": other_queue},
                        {"id": "Default", "target": "bus:default"},
                    ],
                }
            }
        }
    )
    template = cloudformation_template(project).template
    targets = template["Resources"]["Clicks"]["Properties"]["Targets"]
    assert targets[0]["Arn"] == stream and targets[0]["RoleArn"] == {"Fn::GetAtt": ["ClicksRole", "Arn"]}
    assert targets[1] == {"Id": "Queue", "Arn": other_queue, "DeadLetterConfig": {"Arn": other_queue}}
    assert targets[2]["Arn"]["Fn::Sub"].endswith(":event-bus/default") and "RoleArn" in targets[2]
    statements = template["Resources"]["ClicksRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    assert {s["Action"] if isinstance(s["Action"], str) else s["Action"][0] for s in statements} == {
        "kinesis:PutRecord",
        "events:PutEvents",
    }
    assert check_references(template) == []
