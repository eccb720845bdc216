"""The mutating half: create, update or replace one resource with the service's own API."""

from __future__ import annotations

import json
import time
from typing import Any

from engine.deploy.clients import Clients, error_code
from engine.deploy.desired import POLICY_NAME
from engine.deploy.plan import Change

# A role made a moment ago may not yet be assumable by Lambda or Pipes (IAM is eventually
# consistent): such a call is retried a few times before giving up.
ROLE_NOT_READY = ("InvalidParameterValueException", "ValidationException")
ROLE_RETRIES = 8
ROLE_RETRY_SECONDS = 3.0


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _retry_role(call: Any, **kwargs: Any) -> Any:
    for attempt in range(ROLE_RETRIES):
        try:
            return call(**kwargs)
        except Exception as exc:
            message = str(exc).lower()
            if error_code(exc) not in ROLE_NOT_READY or "role" not in message or attempt == ROLE_RETRIES - 1:
                raise
            time.sleep(ROLE_RETRY_SECONDS)
    return None


class Applier:
    def __init__(self, clients: Clients) -> None:
        self.clients = clients
        self.queue_urls: dict[str, str] = {}  # deployed queue name -> URL, for those made here

    def apply(self, change: Change) -> None:
        getattr(self, f"_{change.kind}")(change)

    def _role(self, change: Change) -> None:
        iam = self.clients("iam")
        props = change.desired.props
        if change.action == "create":
            iam.create_role(
                RoleName=change.name,
                AssumeRolePolicyDocument=_text(props["AssumeRolePolicyDocument"]),
                Description="Made by statecanvas deploy",
            )
        elif "AssumeRolePolicyDocument" in change.fields:
            iam.update_assume_role_policy(
                RoleName=change.name, PolicyDocument=_text(props["AssumeRolePolicyDocument"])
            )
        if change.action == "create" or "Policy" in change.fields:
            iam.put_role_policy(
                RoleName=change.name, PolicyName=POLICY_NAME, PolicyDocument=_text(props["Policy"])
            )

    def _bus(self, change: Change) -> None:
        events = self.clients("events")
        description = change.desired.props.get("Description")
        if change.action == "create":
            kwargs = {"Description": description} if description else {}
            events.create_event_bus(Name=change.name, **kwargs)
        else:
            events.update_event_bus(Name=change.name, Description=description or "")

    def _queue(self, change: Change) -> None:
        sqs = self.clients("sqs")
        props = change.desired.props
        attrs: dict[str, str] = {}
        for key, value in props.items():
            if key == "FifoQueue":
                if value:
                    attrs[key] = "true"
            elif key == "ContentBasedDeduplication":
                attrs[key] = "true" if value else "false"
            elif key in ("RedrivePolicy", "Policy"):
                attrs[key] = _text(value) if value is not None else ""
            else:
                attrs[key] = str(value)
        if change.action == "replace":
            sqs.delete_queue(QueueUrl=change.actual["_url"])  # type: ignore[index]
        if change.action in ("create", "replace"):
            if not attrs.get("RedrivePolicy"):
                attrs.pop("RedrivePolicy", None)
            url = sqs.create_queue(QueueName=change.name, Attributes=attrs)["QueueUrl"]
            self.queue_urls[change.name] = url
            return
        update = {k: attrs[k] for k in change.fields if k in attrs and k != "FifoQueue"}
        if attrs.get("Policy"):
            # Sent again with any change: some implementations (moto) drop a policy not restated.
            update["Policy"] = attrs["Policy"]
        sqs.set_queue_attributes(QueueUrl=change.actual["_url"], Attributes=update)  # type: ignore[index]

    def _topic(self, change: Change) -> None:
        sns = self.clients("sns")
        props = change.desired.props
        if change.action == "replace":
            sns.delete_topic(TopicArn=change.desired.extra["arn"])
        if change.action in ("create", "replace"):
            attrs: dict[str, str] = {}
            if props.get("FifoTopic"):
                attrs["FifoTopic"] = "true"
                attrs["ContentBasedDeduplication"] = (
                    "true" if props.get("ContentBasedDeduplication") else "false"
                )
            if props.get("Policy") is not None:
                attrs["Policy"] = _text(props["Policy"])
            sns.create_topic(Name=change.name, Attributes=attrs)
            return
        for key in change.fields:
            value = props[key]
            text = _text(value) if key == "Policy" else ("true" if value else "false")
            sns.set_topic_attributes(
                TopicArn=change.desired.extra["arn"], AttributeName=key, AttributeValue=text
            )

    def _subscription(self, change: Change) -> None:
        sns = self.clients("sns")
        props, extra = change.desired.props, change.desired.extra
        attrs = {"RawMessageDelivery": props["RawMessageDelivery"]}
        if props.get("FilterPolicy") is not None:
            attrs["FilterPolicy"] = _text(props["FilterPolicy"])
            attrs["FilterPolicyScope"] = props["FilterPolicyScope"]
        if change.action == "create":
            sns.subscribe(
                TopicArn=extra["topic_arn"],
                Protocol=extra["protocol"],
                Endpoint=extra["endpoint"],
                Attributes=attrs,
                ReturnSubscriptionArn=True,
            )
            return
        arn = change.actual["_arn"]  # type: ignore[index]
        if (
            "FilterPolicyScope" in change.fields
            and "FilterPolicy" not in change.fields
            and "FilterPolicy" in attrs
        ):
            change.fields.append("FilterPolicy")
        for key in ("FilterPolicyScope", "FilterPolicy", "RawMessageDelivery"):
            if key in change.fields:
                value = attrs.get(key, "")
                sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=key, AttributeValue=value)

    def _function(self, change: Change) -> None:
        lam = self.clients("lambda")
        props, code = change.desired.props, change.desired.extra["zip"]
        config = {
            "Runtime": props["Runtime"],
            "Handler": props["Handler"],
            "Role": props["Role"],
            "Timeout": props["Timeout"],
            "Description": props["Description"],
        }
        if change.action == "create":
            _retry_role(lam.create_function, FunctionName=change.name, Code={"ZipFile": code}, **config)
            return
        if "CodeSha256" in change.fields:
            lam.update_function_code(FunctionName=change.name, ZipFile=code)
            _wait_function(lam, change.name)
        if set(change.fields) - {"CodeSha256"}:
            _retry_role(lam.update_function_configuration, FunctionName=change.name, **config)

    def _permission(self, change: Change) -> None:
        lam = self.clients("lambda")
        extra, props = change.desired.extra, change.desired.props
        if change.action == "replace":
            lam.remove_permission(FunctionName=extra["function"], StatementId=extra["sid"])
        lam.add_permission(
            FunctionName=extra["function"],
            StatementId=extra["sid"],
            Action="lambda:InvokeFunction",
            Principal=props["Principal"],
            SourceArn=props["SourceArn"],
        )

    def _stateMachine(self, change: Change) -> None:
        sfn = self.clients("stepfunctions")
        props = change.desired.props
        definition = json.dumps(props["definition"], indent=2, ensure_ascii=False)
        if change.action == "replace":
            sfn.delete_state_machine(stateMachineArn=change.actual["_arn"])  # type: ignore[index]
            _wait_machine_gone(sfn, change.actual["_arn"])  # type: ignore[index]
        if change.action in ("create", "replace"):
            _retry_role(
                sfn.create_state_machine,
                name=change.name,
                definition=definition,
                roleArn=props["roleArn"],
                type=props["type"],
            )
            return
        kwargs: dict[str, Any] = {"stateMachineArn": change.actual["_arn"]}  # type: ignore[index]
        if "definition" in change.fields:
            kwargs["definition"] = definition
        if "roleArn" in change.fields:
            kwargs["roleArn"] = props["roleArn"]
        _retry_role(sfn.update_state_machine, **kwargs)

    def _rule(self, change: Change) -> None:
        events = self.clients("events")
        props, bus = change.desired.props, change.desired.extra["bus"]
        rule_fields = {"EventPattern", "ScheduleExpression", "State", "Description"}
        if change.action == "create" or rule_fields & set(change.fields):
            request: dict[str, Any] = {"Name": change.name, "EventBusName": bus, "State": props["State"]}
            if props.get("EventPattern") is not None:
                request["EventPattern"] = _text(props["EventPattern"])
            if props.get("ScheduleExpression"):
                request["ScheduleExpression"] = props["ScheduleExpression"]
            if props.get("Description"):
                request["Description"] = props["Description"]
            events.put_rule(**request)
        want: dict[str, Any] = props["targets"]
        have: dict[str, Any] = (change.actual or {}).get("targets") or {}
        stale = sorted(set(have) - set(want))
        if stale:
            events.remove_targets(Rule=change.name, EventBusName=bus, Ids=stale)
        put = [target for tid, target in sorted(want.items()) if have.get(tid) != target]
        for start in range(0, len(put), 10):  # PutTargets takes at most 10 targets
            response = events.put_targets(Rule=change.name, EventBusName=bus, Targets=put[start : start + 10])
            if response.get("FailedEntryCount"):
                failed = response.get("FailedEntries", [])
                raise RuntimeError(f"PutTargets refused {failed}")

    def _consumer(self, change: Change) -> None:
        props, extra = change.desired.props, change.desired.extra
        if extra.get("type") == "pipe":
            pipes = self.clients("pipes")
            if change.action == "replace":
                pipes.delete_pipe(Name=change.name)
            if change.action in ("create", "replace"):
                _retry_role(pipes.create_pipe, Name=change.name, **props)
            else:
                update = {k: v for k, v in props.items() if k != "Source"}
                _retry_role(pipes.update_pipe, Name=change.name, **update)
            return
        lam = self.clients("lambda")
        kwargs: dict[str, Any] = {
            "BatchSize": props["BatchSize"],
            "FunctionResponseTypes": props["FunctionResponseTypes"],
        }
        if change.action == "create":
            _retry_role(
                lam.create_event_source_mapping,
                EventSourceArn=extra["queue_arn"],
                FunctionName=extra["function"],
                **kwargs,
            )
        else:
            lam.update_event_source_mapping(UUID=change.actual["_uuid"], **kwargs)  # type: ignore[index]


def _wait_function(lam: Any, name: str, timeout: float = 60.0) -> None:
    """Wait while Lambda is still applying a code update (configuration updates are refused meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = lam.get_function_configuration(FunctionName=name).get("LastUpdateStatus")
        if status in (None, "Successful", "Failed"):
            return
        time.sleep(1.0)


def _wait_machine_gone(sfn: Any, arn: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if sfn.describe_state_machine(stateMachineArn=arn).get("status") != "DELETING":
                return
        except Exception:
            return
        time.sleep(1.0)
