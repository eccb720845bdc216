"""Importing templates as people (and CDK) write them."""

from __future__ import annotations

import json
from pathlib import Path

from engine.export import import_file, import_template

ACCOUNT, REGION = "123456789012", "us-east-1"
FN_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:Worker"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_cdk_definition_string_is_a_join_of_text_refs_and_getatts(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Worker": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Handler": "index.handler", "Runtime": "python3.12", "Code": {"ZipFile": "x"}},
            },
            "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": {
                        "Fn::Join": [
                            "",
                            [
                                '{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"',
                                {"Fn::GetAtt": ["Worker", "Arn"]},
                                '","Next":"Send"},"Send":{"Type":"Task","Resource":"arn:',
                                {"Ref": "AWS::Partition"},
                                ':states:::sqs:sendMessage","Parameters":{"QueueUrl":"',
                                {"Ref": "Jobs"},
                                '","MessageBody.$":"$","Other":"',
                                {"Fn::ImportValue": "shared-table"},
                                '"},"End":true}}}',
                            ],
                        ]
                    },
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
        }
    }
    path = _write(tmp_path, "cdk.template.json", json.dumps(template))
    result = import_template(path)
    assert not result.problems, [str(p) for p in result.problems]
    states = result.definitions["Machine"]["States"]
    assert states["Call"]["Resource"] == FN_ARN
    assert states["Send"]["Resource"] == "arn:${AWS::Partition}:states:::sqs:sendMessage"
    assert states["Send"]["Parameters"]["QueueUrl"] == f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/Jobs"
    assert states["Send"]["Parameters"]["Other"] == "${Intrinsic1}"
    assert result.substitutions == {
        "stateMachine:Machine": {"Intrinsic1": {"Fn::ImportValue": "shared-table"}}
    }
    assert result.project.functions["Worker"].handler == "index.py:handler"


SAM_TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
Parameters:
  BusName:
    Type: String
    Default: orders
Resources:
  OrdersTable:
    Type: AWS::DynamoDB::Table
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: !Ref BusName
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/worker/
      Handler: app.lambda_handler
      Events:
        Nightly:
          Type: Schedule
          Properties:
            Schedule: cron(0 2 * * ? *)
            Input: '{"full": true}'
  ViaSub:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: !Sub
        - |
          {
            "StartAt": "Go",
            "States": {
              "Go": {"Type": "Task", "Resource": "${WorkerArn}", "TimeoutSeconds": ${Timeout}, "Next": "Put"},
              "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                      "Parameters": {"TableName": "${OrdersTable}", "Item": {}}, "End": true}
            }
          }
        - WorkerArn: !GetAtt Worker.Arn
          Timeout: 30
  ViaUri:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/flow.asl.json
      DefinitionSubstitutions:
        WorkerName: !Ref Worker
        TableName: !Ref OrdersTable
      Events:
        OnOrder:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref Bus
            Pattern:
              source: [shop]
              detail:
                machine: [!GetAtt ViaSub.Arn]
            RetryPolicy:
              MaximumRetryAttempts: 2
  Missing:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/nowhere.asl.json
  FromS3:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri:
        Bucket: my-bucket
        Key: flow.json
"""

FLOW = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "${WorkerName}", "Payload.$": "$"},
            "Next": "Save",
        },
        "Save": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": "${TableName}", "Item": {}, "Region": "${AWS::Region}"},
            "End": True,
        },
    },
}


def test_sam_template_with_short_tags_sub_uri_events_and_problems(tmp_path: Path) -> None:
    path = _write(tmp_path, "app/template.yaml", SAM_TEMPLATE)
    _write(tmp_path, "app/statemachine/flow.asl.json", json.dumps(FLOW))
    result = import_template(path)

    problems = {p.location: p for p in result.errors}
    missing = problems["/Resources/Missing/Properties/DefinitionUri"]
    assert "statemachine/nowhere.asl.json" in missing.message and "does not exist" in missing.message
    assert missing.file == str(path)
    assert "S3" in problems["/Resources/FromS3/Properties/DefinitionUri"].message
    assert set(result.project.state_machines) == {"ViaSub", "ViaUri"}

    go = result.definitions["ViaSub"]["States"]["Go"]
    assert go["Resource"] == FN_ARN.replace("Worker", "Worker")
    assert go["TimeoutSeconds"] == "${Timeout}"  # a bare placeholder, kept as a string
    assert result.definitions["ViaSub"]["States"]["Put"]["Parameters"]["TableName"] == "${OrdersTable}"
    assert result.substitutions["stateMachine:ViaSub"] == {"Timeout": 30}

    flow = result.definitions["ViaUri"]["States"]
    assert flow["Call"]["Parameters"]["FunctionName"] == "Worker"  # Ref of a function is its name
    assert flow["Save"]["Parameters"]["TableName"] == "${TableName}"
    assert flow["Save"]["Parameters"]["Region"] == "${AWS::Region}"
    assert result.substitutions["stateMachine:ViaUri"] == {"TableName": {"Ref": "OrdersTable"}}

    assert result.project.buses == {
        "orders": result.project.buses["orders"]
    }  # named by its parameter's default
    on_order = result.project.rules["OnOrder"]
    assert on_order.bus == "orders"
    assert on_order.event_pattern == {
        "source": ["shop"],
        "detail": {"machine": [f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:ViaSub"]},
    }
    assert on_order.targets[0].target == "stateMachine:ViaUri"
    assert on_order.targets[0].retry_policy.maximum_retry_attempts == 2
    nightly = result.project.rules["Nightly"]
    assert nightly.schedule_expression == "cron(0 2 * * ? *)"
    assert nightly.targets[0].target == "function:Worker" and nightly.targets[0].input == '{"full": true}'
    assert result.project.functions["Worker"].handler == "src/worker/app.py:lambda_handler"


def test_resolve_uri_finds_definitions_kept_elsewhere(tmp_path: Path) -> None:
    path = _write(tmp_path, "template.yaml", SAM_TEMPLATE)
    elsewhere = _write(tmp_path, "copies/flow.json", json.dumps(FLOW))
    result = import_template(
        path, resolve_uri=lambda uri: elsewhere if uri.endswith("flow.asl.json") else None
    )
    assert "ViaUri" in result.project.state_machines


def test_a_broken_definition_file_is_located_in_that_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "template.yaml", SAM_TEMPLATE)
    bad = _write(tmp_path, "statemachine/flow.asl.json", '{"StartAt": "A",\n "States": {"A": {]}}')
    result = import_template(path)
    problem = next(p for p in result.errors if p.file == str(bad))
    assert problem.location.startswith("line 2")


def test_a_template_that_is_not_yaml_gives_a_located_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, "template.yaml", "Resources:\n  A:\n    Type: AWS::SQS::Queue\n  B: [unclosed\n")
    result = import_template(path)
    (problem,) = result.problems
    assert problem.file == str(path) and problem.location.startswith("line ")
    not_template = _write(tmp_path, "other.yaml", "just: a mapping\n")
    assert import_template(not_template).errors[0].location == "/Resources"
    missing = import_template(tmp_path / "absent.yaml")
    assert "no such file" in missing.errors[0].message


def test_definition_string_that_is_not_json_is_located_at_the_property(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"DefinitionString": {"Fn::Sub": '{"StartAt": "A", "States": {"A": {]}}'}},
            }
        }
    }
    result = import_template(_write(tmp_path, "t.json", json.dumps(template)))
    (problem,) = result.errors
    assert problem.location == "/Resources/M/Properties/DefinitionString"


def test_rules_queues_topics_subscriptions_and_consumers(tmp_path: Path) -> None:
    template = """\
Resources:
  Dlq: {Type: AWS::SQS::Queue}
  Work:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 120
      RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}
  News:
    Type: AWS::SNS::Topic
  Sub:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref News
      Protocol: sqs
      Endpoint: !GetAtt Work.Arn
      FilterPolicy: '{"kind": ["a"]}'
      RawMessageDelivery: 'true'
  Email:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref News, Protocol: email, Endpoint: someone@example.com}
  Handler:
    Type: AWS::Lambda::Function
    Properties: {Handler: index.handler, Runtime: nodejs20.x, Code: {ZipFile: x}}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Work.Arn, FunctionName: !Ref Handler, BatchSize: 7}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: '{"source": ["x"]}'
      State: DISABLED
      Targets:
        - Id: q
          Arn: !GetAtt Work.Arn
          DeadLetterConfig: {Arn: !GetAtt Dlq.Arn}
          InputTransformer: {InputPathsMap: {a: $.detail.a}, InputTemplate: '"<a>"'}
        - Id: logs
          Arn: !GetAtt Logs.Arn
  Logs: {Type: AWS::Logs::LogGroup}
"""
    result = import_template(_write(tmp_path, "t.yaml", template))
    assert not result.errors
    warnings = [p for p in result.problems if p.severity == "warning"]
    assert {w.location for w in warnings} == {
        "/Resources/Email/Properties",
        "/Resources/Rule/Properties/Targets/1/Arn",
    }
    project = result.project
    assert project.queues["Work"].visibility_timeout == 120
    assert project.queues["Work"].redrive_policy.dead_letter_queue == "Dlq"
    (sub,) = project.subscriptions
    assert (sub.topic, sub.endpoint, sub.filter_policy, sub.raw_message_delivery) == (
        "News",
        "queue:Work",
        {"kind": ["a"]},
        True,
    )
    (consumer,) = project.consumers
    assert (consumer.queue, consumer.target, consumer.batch_size) == ("Work", "function:Handler", 7)
    rule = project.rules["Rule"]
    assert rule.state == "DISABLED" and rule.event_pattern == {"source": ["x"]}
    (target,) = rule.targets
    assert target.target == "queue:Work" and target.dead_letter_queue == "queue:Dlq"
    assert target.input_transformer.input_template == '"<a>"'
    assert project.functions["Handler"].handler == "index.js:handler"
    result.loaded()


def test_import_file_tells_asl_from_templates(tmp_path: Path) -> None:
    asl = _write(tmp_path, "flow.asl.json", json.dumps(FLOW))
    assert set(import_file(asl).definitions) == {"flow"}
    template = _write(tmp_path, "template.yaml", SAM_TEMPLATE)
    _write(tmp_path, "statemachine/flow.asl.json", json.dumps(FLOW))
    assert set(import_file(template).definitions) == {"ViaSub", "ViaUri"}


def test_values_of_the_wrong_shape_are_located_not_raised(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "NoType": {"Properties": {}},
            "OddType": {"Type": {"Ref": "X"}},
            "Str": "not an object",
            "Props": {"Type": "AWS::SQS::Queue", "Properties": ["a"]},
            "Consumer": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]},
                    "FunctionName": {"Ref": "F"},
                    "BatchSize": 10**9,
                },
            },
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": {"Fn::If": ["c", 1, 2]}}},
            "F": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": 5, "Runtime": None}},
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"DefinitionString": {"Fn::Sub": [1]}, "DefinitionSubstitutions": ["x"]},
            },
            "R": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": 5, "Targets": "all"}},
        }
    }
    result = import_template(_write(tmp_path, "odd.json", json.dumps(template)))
    located = {p.location for p in result.problems}
    assert {"/Resources/Str", "/Resources/Props/Properties", "/Resources/Consumer/Properties"} <= located
    assert "/Resources/M/Properties/DefinitionString" in located
    assert "/Resources/R/Properties/EventPattern" in located
    assert set(result.project.queues) == {"Q"} and set(result.project.functions) == {"F"}


def test_a_dollar_brace_that_opens_no_placeholder_survives_fn_sub(tmp_path: Path) -> None:
    from engine.export import cloudformation_template
    from engine.project import project_from_value

    definition = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Result": {"text": "costs ${5", "arn": "${Queue.Arn}"}, "End": True}
        },
    }
    exported = cloudformation_template(
        project_from_value({"stateMachines": {"M": {"definition": definition}}})
    )
    body = exported.template["Resources"]["M"]["Properties"]["DefinitionString"]["Fn::Sub"][0]
    assert "costs ${!5" in body
    again = import_template(exported.write(tmp_path))
    assert again.definitions["M"] == definition
