"""Deploy a project as a CloudFormation stack: a change set is the plan, the stack's events the progress.

The flow a team deploying with CloudFormation expects: the export is sent as a change set;
its changes are shown in the same report as the API deploy (`Plan`); the change set is
executed and the stack's events followed to the end; a failure names the resource that
failed, why, and the rollback that followed. When the template and parameters are those the
stack already has, nothing is created at all: the report says "no changes".
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.asl import parse_text
from engine.deploy.clients import Clients, DeployError, aws_errors, describe_error, error_code
from engine.deploy.plan import Change, Desired, Plan
from engine.deploy.stack_template import StackTemplate, stack_template, upload_code
from engine.export import dump_yaml
from engine.project import LoadedProject

KINDS = {
    "AWS::CloudFormation::Stack": "stack",
    "AWS::IAM::Role": "role",
    "AWS::IAM::Policy": "policy",
    "AWS::Events::EventBus": "bus",
    "AWS::SQS::Queue": "queue",
    "AWS::SQS::QueuePolicy": "policy",
    "AWS::SNS::Topic": "topic",
    "AWS::SNS::TopicPolicy": "policy",
    "AWS::Lambda::Function": "function",
    "AWS::Lambda::Permission": "permission",
    "AWS::StepFunctions::StateMachine": "stateMachine",
    "AWS::SNS::Subscription": "subscription",
    "AWS::Events::Rule": "rule",
    "AWS::Lambda::EventSourceMapping": "consumer",
    "AWS::Pipes::Pipe": "consumer",
}
ACTIONS = {"Add": "create", "Modify": "update", "Remove": "delete", "Import": "create", "Dynamic": "update"}
GONE = ("REVIEW_IN_PROGRESS", "DELETE_COMPLETE")  # a stack in these states is made anew
FAILED_ENDS = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED")
POLL_SECONDS = 1.0
WAIT_SECONDS = 1800.0


@dataclass
class StackEvent:
    logical: str
    type: str
    status: str
    reason: str

    def line(self) -> str:
        text = f"  {self.status:<20} {KINDS.get(self.type, self.type)} {self.logical}"
        return text + (f": {self.reason}" if self.reason and "FAILED" in self.status else "")


@dataclass
class StackResult:
    plan: Plan
    stack: str
    status: str = ""
    events: list[StackEvent] = field(default_factory=list)
    dry_run: bool = False


def change_of(raw: dict[str, Any]) -> Change:
    """A change set's resource change as a plan line (replacement shown as replace)."""
    rc = raw.get("ResourceChange", {})
    kind = KINDS.get(rc.get("ResourceType", ""), "resource")
    action = ACTIONS.get(rc.get("Action", ""), "update")
    if action == "update" and rc.get("Replacement") == "True":
        action = "replace"
    fields = sorted(
        {
            d["Target"].get("Name") or d["Target"].get("Attribute", "")
            for d in rc.get("Details", [])
            if "Target" in d
        }
        - {""}
    )
    return Change(Desired(kind, rc.get("LogicalResourceId", "?"), {}), action, fields)


def _stack_status(clients: Clients, stack: str) -> str | None:
    try:
        stacks = clients("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except aws_errors() as exc:
        if error_code(exc) == "ValidationError":  # "Stack with id X does not exist"
            return None
        raise
    return stacks[0]["StackStatus"] if stacks else None


def _same_as_deployed(clients: Clients, stack: str, body: str, parameters: dict[str, str]) -> bool:
    cfn = clients("cloudformation")
    deployed = cfn.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    if not isinstance(deployed, str):
        deployed = dump_yaml(deployed)
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    have = {p["ParameterKey"]: p.get("ParameterValue") for p in described.get("Parameters", [])}
    return deployed == body and have == parameters


def plan_stack(
    loaded: LoadedProject, clients: Clients, stack: str
) -> tuple[Plan, StackTemplate, str | None, str | None]:
    """(plan, template, change set ARN or None when nothing changes, status of the stack before)."""
    prepared = stack_template(loaded, clients, stack)  # refuses before any call
    body = dump_yaml(prepared.template)
    status = _stack_status(clients, stack)
    plan = Plan(clients.account, clients.region, "", notes=list(prepared.notes))
    plan.notes.insert(0, f"stack {stack}: " + ("new" if status in (None, *GONE) else status))
    if status == "ROLLBACK_COMPLETE":
        plan.notes.append(f"stack {stack} never finished its first create; it is deleted and made again")
    elif status is not None and status not in GONE and status.endswith("_IN_PROGRESS"):
        raise DeployError(f"stack {stack} is busy ({status}); wait for it to finish and deploy again")
    elif status not in (None, *GONE) and _same_as_deployed(clients, stack, body, prepared.parameters):
        return plan, prepared, None, status
    upload_code(clients, prepared)
    if status in ("ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS"):
        # A failed first create, or an empty stack a change set was planned on and never run.
        _delete_and_wait(clients, stack)
        status = None
    cfn = clients("cloudformation")
    name = f"statecanvas-{int(time.time() * 1000)}"
    made = cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType="CREATE" if status in (None, *GONE) else "UPDATE",
        TemplateBody=body,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(prepared.parameters.items())],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        Description="deployed by StateCanvas",
    )
    arn = made["Id"]
    described = _wait_change_set(clients, arn)
    if described["Status"] == "FAILED":
        reason = described.get("StatusReason", "")
        cfn.delete_change_set(ChangeSetName=arn)
        if "didn't contain changes" in reason or "No updates" in reason:
            return plan, prepared, None, status
        raise DeployError(f"CloudFormation refused the change set: {reason}")
    for raw in described.get("Changes", []):
        plan.changes.append(change_of(raw))
    return plan, prepared, arn, status


def _wait_change_set(clients: Clients, arn: str) -> dict[str, Any]:
    cfn = clients("cloudformation")
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        described = cfn.describe_change_set(ChangeSetName=arn)
        if described["Status"] in ("CREATE_COMPLETE", "FAILED") or time.monotonic() > deadline:
            changes = list(described.get("Changes", []))
            while described.get("NextToken"):
                described = cfn.describe_change_set(ChangeSetName=arn, NextToken=described["NextToken"])
                changes += described.get("Changes", [])
            return described | {"Changes": changes}
        time.sleep(POLL_SECONDS)


def _delete_and_wait(clients: Clients, stack: str) -> None:
    clients("cloudformation").delete_stack(StackName=stack)
    deadline = time.monotonic() + WAIT_SECONDS
    while _stack_status(clients, stack) not in (None, "DELETE_COMPLETE") and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)


def deploy_stack(
    loaded: LoadedProject,
    clients: Clients,
    stack: str,
    *,
    dry_run: bool = False,
    on_plan: Callable[[Plan], None] | None = None,
    progress: Callable[[StackEvent], None] | None = None,
) -> StackResult:
    """Plan through a change set, then (unless `dry_run`) execute it and follow the events."""
    try:
        plan, _, arn, before = plan_stack(loaded, clients, stack)
    except aws_errors() as exc:
        raise DeployError(f"planning stack {stack} failed: {describe_error(exc)}") from None
    result = StackResult(plan, stack, dry_run=dry_run)
    if on_plan is not None:
        on_plan(plan)
    if arn is None:
        return result
    cfn = clients("cloudformation")
    if dry_run:
        cfn.delete_change_set(ChangeSetName=arn)
        if before in (None, *GONE):  # planning a new stack made an empty one: leave nothing behind
            _delete_and_wait(clients, stack)
        return result
    try:
        seen = {e["EventId"] for e in _events(clients, stack)}
        cfn.execute_change_set(ChangeSetName=arn)
        result.status = _follow(clients, stack, seen, result, progress)
    except aws_errors() as exc:
        raise DeployError(f"deploying stack {stack} failed: {describe_error(exc)}") from None
    if result.status.endswith("_COMPLETE") and "ROLLBACK" not in result.status:
        return result
    failed = [e for e in result.events if e.status.endswith("_FAILED") and e.logical != stack]
    first = failed[0] if failed else None
    what = (
        f"{KINDS.get(first.type, first.type)} {first.logical} failed: {first.reason}"
        if first
        else "it failed"
    )
    raise DeployError(f"stack {stack}: {what}; CloudFormation rolled the stack back ({result.status})")


def _events(clients: Clients, stack: str) -> list[dict[str, Any]]:
    try:
        return list(clients("cloudformation").describe_stack_events(StackName=stack)["StackEvents"])
    except aws_errors() as exc:
        if error_code(exc) == "ValidationError":
            return []
        raise


def _follow(
    clients: Clients,
    stack: str,
    seen: set[str],
    result: StackResult,
    progress: Callable[[StackEvent], None] | None,
) -> str:
    """Report each new stack event, oldest first, until the stack leaves its IN_PROGRESS state."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        status = _stack_status(clients, stack) or "DELETE_COMPLETE"
        for raw in reversed(_events(clients, stack)):
            if raw["EventId"] in seen:
                continue
            seen.add(raw["EventId"])
            event = StackEvent(
                raw.get("LogicalResourceId", ""),
                raw.get("ResourceType", ""),
                raw.get("ResourceStatus", ""),
                raw.get("ResourceStatusReason", "") or "",
            )
            result.events.append(event)
            if progress is not None:
                progress(event)
        if not status.endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            return status
        time.sleep(POLL_SECONDS)


def stack_template_of(clients: Clients, stack: str) -> dict[str, Any]:
    """The template a stack was deployed from, as a value (for `pull --stack`)."""
    body = clients("cloudformation").get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    if isinstance(body, str):
        return parse_text(body, source=f"stack {stack}").value
    return json.loads(json.dumps(body))
