"""Rules and targets as the bus runs them, checked the way PutRule and PutTargets check them.

The project model (engine.project.model) is what is saved; these are what is executed. They
are built from either the project's specs or AWS's own JSON (a `put-targets` document), and
validated on the way in, so a mistake surfaces as the API error AWS would give, when the rule
is saved rather than when the first event arrives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from engine.bus.api_errors import ValidationException
from engine.bus.input_transformer import InputTransformer, apply_input_path, check_input, check_json_path
from engine.bus.retry_policy import RetryPolicy
from engine.bus.schedule import Schedule, parse_schedule
from engine.resource_refs import parse_ref

_NAME = re.compile(r"[\.\-_A-Za-z0-9]{1,64}")
MAX_TARGETS_PER_RULE = 5


@dataclass
class Target:
    """A rule's target: where to deliver (`arn`: a reference or an ARN) and what to send."""

    id: str
    arn: str
    input: str | None = None
    input_path: str | None = None
    input_transformer: InputTransformer | None = None
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    dead_letter_queue: str | None = None
    message_group_id: str | None = None

    def validate(self) -> None:
        if not isinstance(self.id, str) or not _NAME.fullmatch(self.id):
            raise ValidationException(
                f"1 validation error detected: Value '{self.id}' at 'targets.member.id' failed to satisfy "
                r"constraint: Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+"
            )
        if not self.arn:
            raise ValidationException(f"Parameter Arn of target {self.id} is not valid.")
        given = [self.input is not None, self.input_path is not None, self.input_transformer is not None]
        if sum(given) > 1:
            raise ValidationException(
                f"Target {self.id}: only one of Input, InputPath and InputTransformer may be given."
            )
        if self.input is not None:
            check_input(self.input, self.id)
        if self.input_path is not None:
            check_json_path(self.input_path, f"InputPath for target {self.id}")
        if self.input_transformer is not None:
            self.input_transformer.validate(self.id)
        self.retry_policy.validate()

    def shape(self, event: dict[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: str) -> str:
        """The text this target receives for the event."""
        if self.input is not None:
            return self.input
        if self.input_path is not None:
            return apply_input_path(event, self.input_path)
        if self.input_transformer is not None:
            return self.input_transformer.render(
                event, rule_arn=rule_arn, rule_name=rule_name, ingestion_time=ingestion_time
            )
        return json.dumps(event, separators=(",", ":"), ensure_ascii=False)

    def target_arn(self, *, account: str, region: str) -> str:
        """The ARN AWS would report in TARGET_ARN, for a reference or an ARN alike."""
        if self.arn.startswith("arn:"):
            return self.arn
        ref = parse_ref(self.arn)
        return ref.arn(account, region) if ref else self.arn

    @classmethod
    def from_aws(cls, value: dict[str, Any]) -> Target:
        """From a PutTargets `Targets` member (Id, Arn, Input..., RetryPolicy, DeadLetterConfig)."""
        transformer = value.get("InputTransformer")
        group = (value.get("SqsParameters") or {}).get("MessageGroupId")
        return cls(
            id=value.get("Id", ""),
            arn=value.get("Arn", ""),
            input=value.get("Input"),
            input_path=value.get("InputPath"),
            input_transformer=InputTransformer(
                transformer.get("InputTemplate", ""), dict(transformer.get("InputPathsMap") or {})
            )
            if transformer is not None
            else None,
            retry_policy=RetryPolicy.from_value(value.get("RetryPolicy")),
            dead_letter_queue=(value.get("DeadLetterConfig") or {}).get("Arn"),
            message_group_id=group,
        )

    @classmethod
    def from_spec(cls, spec: Any) -> Target:
        """From the project model's TargetSpec."""
        transformer = spec.input_transformer
        return cls(
            id=spec.id,
            arn=spec.target,
            input=spec.input,
            input_path=spec.input_path,
            input_transformer=InputTransformer(transformer.input_template, dict(transformer.input_paths_map))
            if transformer is not None
            else None,
            retry_policy=RetryPolicy.from_value(spec.retry_policy),
            dead_letter_queue=spec.dead_letter_queue,
            message_group_id=spec.message_group_id,
        )


@dataclass
class Rule:
    name: str
    bus: str = "default"
    event_pattern: dict[str, Any] | str | None = None
    schedule_expression: str | None = None
    state: str = "ENABLED"
    description: str | None = None
    targets: dict[str, Target] = field(default_factory=dict)
    schedule: Schedule | None = None

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"


def check_rule(
    name: str, *, bus: str, event_pattern: Any, schedule_expression: str | None, state: str
) -> tuple[dict[str, Any] | str | None, Schedule | None]:
    """PutRule's checks except the pattern's own syntax (the matcher judges that)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member "
            r"must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+"
        )
    if state not in ("ENABLED", "DISABLED"):
        raise ValidationException(
            f"1 validation error detected: Value '{state}' at 'state' failed to satisfy constraint: Member "
            "must satisfy enum value set: [ENABLED, DISABLED]"
        )
    if event_pattern is None and schedule_expression is None:
        raise ValidationException("Parameter(s) EventPattern or ScheduleExpression must be specified.")
    pattern = event_pattern  # JSON text is kept as text: the matcher reads repeated keys as AWS does
    schedule = None
    if schedule_expression is not None:
        if bus != "default":
            raise ValidationException("ScheduleExpression is supported only on the default event bus.")
        schedule = parse_schedule(schedule_expression)
    return pattern, schedule
