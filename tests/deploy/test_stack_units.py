"""The stack deploy's report, against a CloudFormation that fails a resource and rolls back.

moto's CloudFormation never rolls back (see test_stack_moto.py), so this plays CloudFormation's
part: a change set that adds a queue and a rule, then the events of a create whose rule fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.deploy import DeployError
from engine.deploy.stack import change_of, deploy_stack
from engine.project import project_from_value

PROJECT = {
    "formatVersion": 1,
    "name": "p",
    "queues": {"orders": {}},
    "rules": {
        "ToOrders": {"eventPattern": {"source": ["shop"]}, "targets": [{"id": "Q", "target": "queue:orders"}]}
    },
}


class FakeCloudFormation:
    """Just the calls a stack deploy makes, answering as CloudFormation does for a failed create."""

    def __init__(self) -> None:
        self.status: str | None = None
        self.events: list[dict[str, Any]] = []
        self.calls: list[str] = []

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        self.calls.append("DescribeStacks")
        if self.status is None:
            from botocore.exceptions import ClientError

            raise ClientError(
                {
                    "Error": {
                        "Code": "ValidationError",
                        "Message": f"Stack with id {StackName} does not exist",
                    }
                },
                "DescribeStacks",
            )
        return {"Stacks": [{"StackName": StackName, "StackStatus": self.status}]}

    def create_change_set(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("CreateChangeSet")
        assert kwargs["ChangeSetType"] == "CREATE" and "Resources" in kwargs["TemplateBody"]
        return {"Id": "arn:cs"}

    def describe_change_set(self, ChangeSetName: str) -> dict[str, Any]:
        changes = [
            {
                "ResourceChange": {
                    "Action": "Add",
                    "LogicalResourceId": "Orders",
                    "ResourceType": "AWS::SQS::Queue",
                }
            },
            {
                "ResourceChange": {
                    "Action": "Add",
                    "LogicalResourceId": "ToOrders",
                    "ResourceType": "AWS::Events::Rule",
                }
            },
        ]
        return {"Status": "CREATE_COMPLETE", "Changes": changes}

    def describe_stack_events(self, StackName: str) -> dict[str, Any]:
        return {"StackEvents": list(reversed(self.events))}  # newest first

    def execute_change_set(self, ChangeSetName: str) -> None:
        self.calls.append("ExecuteChangeSet")
        stack = ("p", "AWS::CloudFormation::Stack")
        for i, (logical, type_, status, reason) in enumerate(
            [
                (*stack, "CREATE_IN_PROGRESS", "User Initiated"),
                ("Orders", "AWS::SQS::Queue", "CREATE_COMPLETE", ""),
                ("ToOrders", "AWS::Events::Rule", "CREATE_FAILED", "Event pattern is not valid"),
                (*stack, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [ToOrders]."),
                ("Orders", "AWS::SQS::Queue", "DELETE_COMPLETE", ""),
                (*stack, "ROLLBACK_COMPLETE", ""),
            ]
        ):
            event = {"EventId": str(i), "LogicalResourceId": logical, "ResourceType": type_}
            self.events.append(event | {"ResourceStatus": status, "ResourceStatusReason": reason})
        self.status = "ROLLBACK_COMPLETE"


class FakeClients:
    account, region = "123456789012", "us-east-1"

    def __init__(self) -> None:
        self.cfn = FakeCloudFormation()

    def __call__(self, service: str) -> Any:
        assert service == "cloudformation"
        return self.cfn


def test_failed_create_names_the_resource_and_the_rollback() -> None:
    clients = FakeClients()
    plans, lines = [], []
    with pytest.raises(DeployError) as caught:
        deploy_stack(
            project_from_value(PROJECT),
            clients,
            "p",
            on_plan=plans.append,
            progress=lambda e: lines.append(e.line()),
        )
    (plan,) = plans
    assert [c.line() for c in plan.changes] == ["+ create    queue Orders", "+ create    rule ToOrders"]
    assert str(caught.value) == (
        "stack p: rule ToOrders failed: Event pattern is not valid; "
        "CloudFormation rolled the stack back (ROLLBACK_COMPLETE)"
    )
    assert "  CREATE_FAILED        rule ToOrders: Event pattern is not valid" in lines
    assert lines[-1].startswith("  ROLLBACK_COMPLETE")


def test_change_set_actions_map_to_plan_actions() -> None:
    def change(action: str, replacement: str | None = None) -> str:
        rc: dict[str, Any] = {"Action": action, "LogicalResourceId": "X", "ResourceType": "AWS::Events::Rule"}
        if replacement:
            rc["Replacement"] = replacement
        rc["Details"] = [{"Target": {"Attribute": "Properties", "Name": "EventPattern"}}]
        return change_of({"ResourceChange": rc}).line()

    assert change("Add") == "+ create    rule X (EventPattern)"
    assert change("Modify", "False") == "~ update    rule X (EventPattern)"
    assert change("Modify", "True") == "! replace   rule X (EventPattern)"
    assert change("Remove") == "x delete    rule X (EventPattern)"


def test_a_resource_type_without_a_plan_label_is_a_resource() -> None:
    raw = {
        "ResourceChange": {
            "Action": "Add",
            "LogicalResourceId": "Logs",
            "ResourceType": "AWS::Logs::LogGroup",
        }
    }
    assert change_of(raw).line() == "+ create    resource Logs"
