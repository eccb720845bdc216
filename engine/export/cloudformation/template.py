"""A CloudFormation template for a whole project.

State machines get a role that allows exactly what their definitions call (the project
resources whose ARNs appear in them), and their definitions go out as `Fn::Sub` of the
canonical JSON text (or as a `Definition` object with `DefinitionSubstitutions`), the
project's ARNs replaced by `${...}` bound to the template's own resources. Functions become
`AWS::Lambda::Function`s whose code the user uploads (a `CodeBucket` parameter); queue
consumers become event source mappings, or pipes when the consumer is a state machine.
"""

from __future__ import annotations

from typing import Any, Literal

from engine.deep_nesting import nesting_headroom
from engine.export.catalog import as_loaded
from engine.export.cloudformation.builder import BoundDefinition, Builder, TemplateExport
from engine.export.cloudformation.intrinsics import literal_text
from engine.export.cloudformation.machine_settings import (
    logging_configuration,
    settings_statements,
    tracing_configuration,
)
from engine.export.cloudformation.messaging_resources import (
    Grants,
    add_buses,
    add_queues,
    add_rule,
    add_subscriptions,
    add_topics,
    assume_role,
    metadata,
    partition_arn,
    project_ref,
    renamed_metadata,
)
from engine.export.lambda_handlers import lambda_parts
from engine.project import LoadedProject, Project, StateMachineSpec
from engine.resource_refs import ResourceRef

DefinitionStyle = Literal["string", "object"]


@nesting_headroom()  # the template walks recurse; definitions may nest 1,000 levels
def cloudformation_template(
    project: LoadedProject | Project,
    *,
    substitutions: dict[str, dict[str, Any]] | None = None,
    definition_style: DefinitionStyle = "string",
    description: str | None = None,
) -> TemplateExport:
    """The project as a CloudFormation template.

    `substitutions` are those an import recorded (`ImportResult.substitutions`), so that
    placeholders from someone's template are bound as they were. `definition_style` "string"
    writes `DefinitionString: Fn::Sub`; "object" writes `Definition` + `DefinitionSubstitutions`.
    """
    b = Builder(as_loaded(project), substitutions)
    grants = Grants()
    add_buses(b)
    add_queues(b)
    add_topics(b)
    add_functions(b)
    for name, spec in sorted(b.project.state_machines.items()):
        add_state_machine(b, name, spec, definition_style)
    for name, rule in sorted(b.project.rules.items()):
        add_rule(b, name, rule, grants)
    add_subscriptions(b, grants)
    add_consumers(b, sam=False)
    grants.write(b)
    return TemplateExport(b.template(description=description), notes=b.notes)


def function_metadata(b: Builder, name: str, logical: str) -> dict[str, Any] | None:
    spec = b.project.functions[name]
    return metadata(name, logical, Handler=spec.handler, Domain=spec.domain)


def add_functions(b: Builder) -> None:
    if not b.project.functions:
        return
    b.parameters["CodeBucket"] = {
        "Type": "String",
        "Description": "S3 bucket holding the functions' zip files",
    }
    b.catalog.used.add("CodeBucket")
    role = b.new_id("FunctionsRole")
    props = assume_role("lambda.amazonaws.com", [], "Functions")
    props["ManagedPolicyArns"] = [partition_arn("iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")]
    b.add(role, "AWS::IAM::Role", props)
    for name, spec in sorted(b.project.functions.items()):
        logical = b.id("function", name)
        code_uri, handler, runtime = lambda_parts(spec.handler)
        key = (code_uri.rstrip("/").replace("/", "-") if code_uri != "." else "") or logical
        fprops: dict[str, Any] = {
            "Handler": handler,
            "Runtime": runtime,
            "Code": {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": f"{key}.zip"},
            "Role": {"Fn::GetAtt": [role, "Arn"]},
        }
        if spec.timeout is not None:
            fprops["Timeout"] = spec.timeout
        if spec.description:
            fprops["Description"] = literal_text(spec.description)
        b.add(logical, "AWS::Lambda::Function", fprops, metadata=function_metadata(b, name, logical))
    b.functions_role = role


def bind_machine(b: Builder, name: str, *, native: bool) -> tuple[BoundDefinition, bool]:
    """The machine's definition bound for the template, and whether it refers to itself.

    A machine that starts itself cannot `Ref` itself (a dependency cycle): its own ARN is then
    written from its name, and the machine is given that name.
    """
    logical = b.id("stateMachine", name)
    bound = b.bind(b.loaded.definitions.get(name, {}), f"stateMachine:{name}", native=native)
    self_ref = ResourceRef("stateMachine", name) in bound.refs
    if self_ref:
        own = own_arn(name)
        for var, value in list(bound.variables.items()):
            if value == {"Ref": logical}:
                bound.variables[var] = own
    return bound, self_ref


def own_arn(name: str) -> dict[str, Any]:
    return partition_arn("states:${AWS::Region}:${AWS::AccountId}:stateMachine:" + name)


def machine_statements(b: Builder, name: str, refs: set[ResourceRef]) -> list[dict[str, Any]]:
    """IAM statements for what a definition calls among the project's resources."""
    statements: list[dict[str, Any]] = []
    for ref in sorted(refs, key=lambda r: (r.kind, r.name)):
        logical = b.catalog.logical(ref)
        if ref.kind == "function" and logical:
            arn = {"Fn::GetAtt": [logical, "Arn"]}
            statements.append(
                {
                    "Effect": "Allow",
                    "Action": "lambda:InvokeFunction",
                    "Resource": [arn, {"Fn::Sub": "${" + logical + ".Arn}:*"}],
                }
            )
        elif ref.kind == "queue" and logical:
            statements.append(
                {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [logical, "Arn"]}}
            )
        elif ref.kind == "topic" and logical:
            statements.append({"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": logical}})
        elif ref.kind == "bus":
            arn = (
                {"Fn::GetAtt": [logical, "Arn"]}
                if logical
                else partition_arn("events:${AWS::Region}:${AWS::AccountId}:event-bus/" + ref.name)
            )
            statements.append({"Effect": "Allow", "Action": "events:PutEvents", "Resource": arn})
        elif ref.kind == "stateMachine" and logical:
            target = own_arn(ref.name) if ref.name == name else {"Ref": logical}
            executions = partition_arn(f"states:${{AWS::Region}}:${{AWS::AccountId}}:execution:{ref.name}:*")
            if ref.name != name:
                executions = {
                    "Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
                    "execution:${" + logical + ".Name}:*"
                }
            statements.append({"Effect": "Allow", "Action": "states:StartExecution", "Resource": target})
            statements.append(
                {
                    "Effect": "Allow",
                    "Action": ["states:DescribeExecution", "states:StopExecution"],
                    "Resource": executions,
                }
            )
            statements.append(
                {
                    "Effect": "Allow",
                    "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                    "Resource": partition_arn(
                        "events:${AWS::Region}:${AWS::AccountId}:rule/"
                        "StepFunctionsGetEventsForStepFunctionsExecutionRule"
                    ),
                }
            )
    return statements


def machine_metadata(name: str, logical: str, spec: StateMachineSpec, bound: BoundDefinition) -> Any:
    return metadata(
        name,
        logical,
        Domain=spec.domain,
        Comment=spec.comment,
        DefaultInput=spec.default_input,
        Placeholders=renamed_metadata(bound.renamed),
    )


def add_state_machine(b: Builder, name: str, spec: StateMachineSpec, style: DefinitionStyle) -> None:
    logical = b.id("stateMachine", name)
    bound, self_ref = bind_machine(b, name, native=style == "string")
    role = b.new_id(f"{logical}Role")
    b.add(
        role,
        "AWS::IAM::Role",
        assume_role(
            "states.amazonaws.com",
            machine_statements(b, name, bound.refs) + settings_statements(spec),
            "StateMachine",
        ),
    )
    props: dict[str, Any] = {"StateMachineType": spec.type, "RoleArn": {"Fn::GetAtt": [role, "Arn"]}}
    logging = logging_configuration(b, name, logical, spec)
    if logging is not None:
        props["LoggingConfiguration"] = logging
    tracing = tracing_configuration(spec)
    if tracing is not None:
        props["TracingConfiguration"] = tracing
    if self_ref:
        props["StateMachineName"] = name
    if style == "string":
        props["DefinitionString"] = b.definition_text(bound)
    else:
        props["Definition"] = bound.value
        if bound.variables:
            props["DefinitionSubstitutions"] = bound.variables
    b.add(
        logical,
        "AWS::StepFunctions::StateMachine",
        props,
        metadata=machine_metadata(name, logical, spec, bound),
    )


def add_consumers(b: Builder, *, sam: bool) -> None:
    """Queue consumers: event source mappings for functions (SAM writes those as function
    events instead), pipes for state machines."""
    consumer_policy: dict[str, Any] | None = None
    for consumer in b.project.consumers:
        queue = project_ref(b, consumer.queue, "queue")
        target = project_ref(b, consumer.target)
        queue_arn = {"Fn::GetAtt": [b.id("queue", queue.name), "Arn"]} if queue else consumer.queue
        if target is not None and target.kind == "function":
            if sam:
                continue
            if consumer_policy is None:
                consumer_policy = {"id": b.new_id("ConsumersPolicy"), "queues": []}
            consumer_policy["queues"].append(queue_arn)
            props: dict[str, Any] = {
                "EventSourceArn": queue_arn,
                "FunctionName": {"Ref": b.id("function", target.name)},
                "BatchSize": consumer.batch_size,
            }
            if consumer.report_batch_item_failures:
                props["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
            # The function's role must be allowed to read the queue before the mapping is made.
            b.add(
                b.new_id(f"{b.id('function', target.name)}Consumes{queue_arn_id(b, queue)}"),
                "AWS::Lambda::EventSourceMapping",
                props,
                depends_on=[consumer_policy["id"]],
            )
        elif target is not None and target.kind == "stateMachine":
            machine = b.id("stateMachine", target.name)
            role = b.new_id(f"{machine}PipeRole")
            b.add(
                role,
                "AWS::IAM::Role",
                assume_role(
                    "pipes.amazonaws.com",
                    [
                        {
                            "Effect": "Allow",
                            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                            "Resource": queue_arn,
                        },
                        {"Effect": "Allow", "Action": "states:StartExecution", "Resource": {"Ref": machine}},
                    ],
                    "Pipe",
                ),
            )
            b.add(
                b.new_id(f"{queue_arn_id(b, queue)}To{machine}Pipe"),
                "AWS::Pipes::Pipe",
                {
                    "RoleArn": {"Fn::GetAtt": [role, "Arn"]},
                    "Source": queue_arn,
                    "SourceParameters": {"SqsQueueParameters": {"BatchSize": consumer.batch_size}},
                    "Target": {"Ref": machine},
                    "TargetParameters": {
                        "StepFunctionStateMachineParameters": {"InvocationType": "FIRE_AND_FORGET"}
                    },
                },
            )
        else:
            b.notes.append(
                f"consumer of {consumer.queue}: {consumer.target} is outside the project; left out"
            )
    if consumer_policy is not None:
        b.add(
            consumer_policy["id"],
            "AWS::IAM::Policy",
            {
                "PolicyName": "ConsumeQueues",
                "Roles": [{"Ref": b.functions_role}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                            "Resource": consumer_policy["queues"],
                        }
                    ],
                },
            },
        )


def queue_arn_id(b: Builder, queue: ResourceRef | None) -> str:
    return b.id("queue", queue.name) if queue else "Queue"
