"""The event bus side of StateCanvas: EventBridge patterns (`engine.bus.pattern`) and the bus runtime."""

from engine.bus.pattern import (
    CompiledPattern,
    InvalidEventError,
    InvalidEventPatternError,
    PatternEngine,
    RuleSet,
    compile_pattern,
    explain,
    test_event_pattern,
)

__all__ = [
    "NO_RESOURCE",
    "CompiledPattern",
    "InvalidEventError",
    "InvalidEventPatternError",
    "RuleSet",
    "compile_pattern",
    "explain",
    "test_event_pattern",
]

# The bus runtime: envelope, PutEvents, targets, retries, archives, schedules (engine/bus/*.py).
from engine.bus.api_errors import EventBridgeError, ValidationException
from engine.bus.archive import Archive, Replay
from engine.bus.bridge import EventBridge
from engine.bus.event_bus import EventBus
from engine.bus.input_transformer import InputTransformer
from engine.bus.retry_policy import RetryPolicy
from engine.bus.rules import Rule, Target
from engine.bus.schedule import Scheduler, parse_schedule
from engine.bus.targets import (
    NO_RESOURCE,
    DeadLetterSink,
    HandlerInvoker,
    RoutingInvoker,
    TargetDeliveryError,
    TargetInvoker,
)
from engine.bus.trace import BusTrace, TraceListener

__all__ += [
    "Archive", "BusTrace", "DeadLetterSink", "EventBridge", "EventBridgeError", "EventBus", "HandlerInvoker",
    "InputTransformer", "PatternEngine", "Replay", "RetryPolicy", "RoutingInvoker", "Rule", "Scheduler",
    "Target", "TargetDeliveryError", "TargetInvoker", "TraceListener", "ValidationException",
    "parse_schedule",
]  # fmt: skip
