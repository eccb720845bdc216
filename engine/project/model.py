"""The project document: state machines, functions, buses, rules, queues, topics and layout.

A project file is diff-friendly JSON: resources keyed by name, sorted on save, ASL kept as
written (inline or in its own `.asl.json` file), and the canvas layout in a section of its
own so that moving a box never touches a definition.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from engine.integrations import outcome_problem

FORMAT_VERSION = 1


class ProjectModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    def to_json(self) -> dict[str, Any]:
        # Python mode: every field is JSON already, and it serialises definitions as deep as AWS takes
        # (1,000 levels), where JSON mode stops at 255.
        return self.model_dump(mode="python", by_alias=True, exclude_none=True, exclude_defaults=True)


LogLevel = Literal["ALL", "ERROR", "FATAL", "OFF"]


class LoggingSpec(ProjectModel):
    """Where and how much a deployed machine logs (CloudFormation's LoggingConfiguration).

    Without `log_group` (an ARN), export creates a CloudWatch Logs group for the machine.
    """

    level: LogLevel = "OFF"
    include_execution_data: bool = False
    log_group: str | None = None


class StateMachineSpec(ProjectModel):
    definition: dict[str, Any] | None = None
    definition_file: str | None = None  # relative to the project file
    type: Literal["STANDARD", "EXPRESS"] = "STANDARD"
    comment: str | None = None
    domain: str | None = None  # e.g. "Retail", "Fulfillment": groups resources on the canvas
    default_input: Any = None  # what Run starts with; the designer saves edits here
    # Deployment settings that live outside the ASL; unset, they are absent from the file.
    logging: LoggingSpec | None = None
    tracing_enabled: bool = False  # AWS X-Ray (CloudFormation's TracingConfiguration)
    # Mocked results of Task states for local runs, by state name: the invocations of the state
    # are answered in order, the last one repeating; each is {"Return": value} or
    # {"Throw": {"Error": ..., "Cause": ...}}, as in Step Functions Local's mock config.
    mocks: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)

    @field_validator("mocks")
    @classmethod
    def _check_mocks(cls, mocks: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        for state, outcomes in mocks.items():
            if not outcomes:
                raise ValueError(f"{state}: give at least one mocked response, or leave the state out")
            for index, outcome in enumerate(outcomes):
                problem = outcome_problem(outcome)
                if problem is not None:
                    raise ValueError(f"{state}/{index}: {problem}")
        return mocks


class FunctionSpec(ProjectModel):
    handler: str  # "path/to/file.py:function", relative to the project file
    timeout: int | None = None
    domain: str | None = None
    description: str | None = None


class BusSpec(ProjectModel):
    description: str | None = None
    domain: str | None = None


class RetryPolicy(ProjectModel):
    maximum_retry_attempts: int = Field(default=185, ge=0, le=185)
    maximum_event_age_in_seconds: int = Field(default=86400, ge=60, le=86400)


class InputTransformer(ProjectModel):
    input_paths_map: dict[str, str] = Field(default_factory=dict)
    input_template: str


class TargetSpec(ProjectModel):
    id: str
    target: str  # a reference (queue:orders) or an ARN
    input: str | None = None  # constant JSON text
    input_path: str | None = None
    input_transformer: InputTransformer | None = None
    retry_policy: RetryPolicy | None = None
    dead_letter_queue: str | None = None  # a queue reference or ARN
    message_group_id: str | None = None  # for FIFO queue targets


class RuleSpec(ProjectModel):
    bus: str = "default"
    event_pattern: dict[str, Any] | None = None
    schedule_expression: str | None = None
    state: Literal["ENABLED", "DISABLED"] = "ENABLED"
    description: str | None = None
    targets: list[TargetSpec] = Field(default_factory=list)
    domain: str | None = None


class RedrivePolicy(ProjectModel):
    dead_letter_queue: str  # a queue reference or name
    max_receive_count: int = Field(ge=1, le=1000)


class QueueSpec(ProjectModel):
    fifo: bool = False
    content_based_deduplication: bool = False
    visibility_timeout: int = Field(default=30, ge=0, le=43200)
    delay_seconds: int = Field(default=0, ge=0, le=900)
    message_retention_period: int = Field(default=345600, ge=60, le=1209600)
    receive_message_wait_time: int = Field(default=0, ge=0, le=20)
    redrive_policy: RedrivePolicy | None = None
    domain: str | None = None
    description: str | None = None


class TopicSpec(ProjectModel):
    fifo: bool = False
    content_based_deduplication: bool = False
    domain: str | None = None
    description: str | None = None


class SubscriptionSpec(ProjectModel):
    topic: str
    endpoint: str  # a reference: queue:..., function:..., stateMachine:..., bus:...
    filter_policy: dict[str, Any] | None = None
    filter_policy_scope: Literal["MessageAttributes", "MessageBody"] = "MessageAttributes"
    raw_message_delivery: bool = False


class ConsumerSpec(ProjectModel):
    """An event source mapping: something that drains a queue."""

    queue: str
    target: str  # function:... or stateMachine:...
    batch_size: int = Field(default=1, ge=1, le=10000)
    report_batch_item_failures: bool = False


class Position(ProjectModel):
    x: float
    y: float


class Layout(ProjectModel):
    """Canvas positions by element key (`stateMachine:Orders`, `stateMachine:Orders/States/Charge`...)."""

    positions: dict[str, Position] = Field(default_factory=dict)
    direction: Literal["TB", "LR"] = "TB"


class SeedTable(ProjectModel):
    """A DynamoDB table the emulated account has before a run: its key (the partition key's
    name, or `[partition, sort]`) and its items as plain JSON (`{"id": "1", "total": 5}`)."""

    key: str | list[str] = "id"
    items: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("key")
    @classmethod
    def _check_key(cls, key: str | list[str]) -> str | list[str]:
        if isinstance(key, list) and not 1 <= len(key) <= 2:
            raise ValueError("a table's key is its partition key's name, or [partition, sort]")
        return key


class SeedSpec(ProjectModel):
    """What a local run's emulated AWS account holds when the run starts: tables and items,
    buckets and objects (a key's text, or JSON written as text), and SSM parameters. The same
    shape as what the designer shows of an account after a run."""

    dynamodb: dict[str, SeedTable] = Field(default_factory=dict)
    s3: dict[str, dict[str, Any]] = Field(default_factory=dict)
    ssm: dict[str, str] = Field(default_factory=dict)

    def emulation_spec(self) -> dict[str, Any]:
        """The emulated account's seeding document (every table's key spelled out)."""
        tables = {
            name: {"key": table.key, "items": list(table.items)} for name, table in self.dynamodb.items()
        }
        return {"dynamodb": tables, "s3": dict(self.s3), "ssm": dict(self.ssm)}

    def is_empty(self) -> bool:
        return not (self.dynamodb or self.s3 or self.ssm)


_ROUTE = re.compile(r"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) /\S*")


class Project(ProjectModel):
    format_version: int = FORMAT_VERSION
    name: str = "project"
    description: str | None = None
    account: str = "123456789012"
    region: str = "us-east-1"
    state_machines: dict[str, StateMachineSpec] = Field(default_factory=dict)
    functions: dict[str, FunctionSpec] = Field(default_factory=dict)
    buses: dict[str, BusSpec] = Field(default_factory=dict)
    rules: dict[str, RuleSpec] = Field(default_factory=dict)
    queues: dict[str, QueueSpec] = Field(default_factory=dict)
    topics: dict[str, TopicSpec] = Field(default_factory=dict)
    subscriptions: list[SubscriptionSpec] = Field(default_factory=list)
    consumers: list[ConsumerSpec] = Field(default_factory=list)
    layout: Layout = Field(default_factory=Layout)
    # Local runs only: what the emulated AWS account holds at the start of every run.
    seed: SeedSpec = Field(default_factory=SeedSpec)
    # Local runs only: API Gateway routes (`POST /orders/{id}`) served by project functions,
    # which `apigateway:invoke` Tasks reach.
    api_routes: dict[str, str] = Field(default_factory=dict)

    @field_validator("api_routes")
    @classmethod
    def _check_routes(cls, routes: dict[str, str]) -> dict[str, str]:
        for route in routes:
            if not _ROUTE.fullmatch(route):
                raise ValueError(f"{route!r}: write a route as METHOD /path, e.g. 'POST /orders/{{id}}'")
        return routes
